import { asArray, asRecord } from '../objects';
import type { Output } from '../output';
import { pointer } from '../problem';
import type { Finding } from '../problem';

const SINGLE_NODE_MODES = ['ReadWriteOnce', 'ReadWriteOncePod'];

/**
 * `deployment/rwo-claim`: a Deployment that may run two pods at once (more than one replica, or
 * the RollingUpdate strategy, which is the default) must not mount a PersistentVolumeClaim of the
 * output that is ReadWriteOnce or ReadWriteOncePod: the second pod would hang on Multi-Attach.
 */
export function storageRules(output: Output, findings: Finding[]): void {
  const entries = output.entries;
  for (let e = 0; e < entries.length; e++) {
    const { obj, namespace, template } = entries[e];
    if (obj.kind !== 'Deployment' || !template) {
      continue;
    }
    const replicas = obj.spec?.replicas ?? 1;
    const strategy = obj.spec?.strategy?.type ?? 'RollingUpdate';
    if (replicas <= 1 && strategy !== 'RollingUpdate') {
      continue;
    }
    const why = replicas > 1 ? `it has ${replicas} replicas` : 'its RollingUpdate strategy starts the new pod before the old one stops';
    const volumes = asArray(template.spec.volumes);
    for (let i = 0; i < volumes.length; i++) {
      const claimName = asRecord(asRecord(volumes[i]).persistentVolumeClaim).claimName;
      if (claimName === undefined) {
        continue;
      }
      for (const claim of output.find('', 'PersistentVolumeClaim', namespace, claimName)) {
        const modes = asArray(claim.spec?.accessModes).filter(mode => SINGLE_NODE_MODES.includes(mode));
        if (modes.length > 0) {
          findings.push({
            obj,
            rule: 'deployment/rwo-claim',
            path: `${template.specPath}${pointer('volumes', i, 'persistentVolumeClaim', 'claimName')}`,
            message: `PersistentVolumeClaim "${claimName}" is ${modes.join('/')} but ${why}; the other pod would hang on Multi-Attach (use strategy Recreate with 1 replica, a ReadWriteMany claim, or a StatefulSet)`,
          });
        }
      }
    }
  }
}
