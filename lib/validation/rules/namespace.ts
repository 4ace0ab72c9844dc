import { apiGroup, asArray, asRecord, containersOf } from '../objects';
import type { ContainerAt, PodTemplate } from '../objects';
import type { Output } from '../output';
import { pointer } from '../problem';
import type { Finding } from '../problem';

/** The object whose references are being checked, and where its findings go; one per run, moved from object to object. */
interface Referrer {
  readonly output: Output;
  readonly findings: Finding[];
  obj: any;
  namespace: string;
}

/**
 * `namespace/reference`: an object that refers to another by name (pod volumes, env and envFrom
 * sources, service account and image pull secrets, a StatefulSet's serviceName, an Ingress
 * backend, a RoleBinding's Role, an autoscaler's target) finds it in its own namespace whenever
 * the output has it at all. A target the output has only in other namespaces is a finding; a
 * target the output does not have is assumed to exist in the cluster.
 *
 * Only string names are references; the JSON pointer of a reference is built only for a finding.
 */
export function namespaceRules(output: Output, findings: Finding[]): void {
  const from: Referrer = { output, findings, obj: undefined, namespace: '' };
  const entries = output.entries;
  for (let e = 0; e < entries.length; e++) {
    const { obj, group, namespace, template } = entries[e];
    if (namespace === '') {
      continue;
    }
    from.obj = obj;
    from.namespace = namespace;
    if (template) {
      templateReferences(from, template);
    }
    if (obj.kind === 'StatefulSet' && group === 'apps') {
      const serviceName = obj.spec?.serviceName;
      if (typeof serviceName === 'string') {
        refer(from, '', 'Service', serviceName, '', 'spec', 'serviceName');
      }
    }
    if (obj.kind === 'Ingress' && group === 'networking.k8s.io') {
      const defaultBackend = obj.spec?.defaultBackend?.service?.name;
      if (typeof defaultBackend === 'string') {
        refer(from, '', 'Service', defaultBackend, '', 'spec', 'defaultBackend', 'service', 'name');
      }
      const rules = asArray(obj.spec?.rules);
      for (let i = 0; i < rules.length; i++) {
        const paths = asArray(asRecord(rules[i]).http?.paths);
        for (let j = 0; j < paths.length; j++) {
          const backend = asRecord(paths[j]).backend?.service?.name;
          if (typeof backend === 'string') {
            refer(from, '', 'Service', backend, '', 'spec', 'rules', i, 'http', 'paths', j, 'backend', 'service', 'name');
          }
        }
      }
    }
    if (obj.kind === 'RoleBinding' && group === 'rbac.authorization.k8s.io' && obj.roleRef?.kind === 'Role') {
      const role = obj.roleRef.name;
      if (typeof role === 'string') {
        refer(from, group, 'Role', role, '', 'roleRef', 'name');
      }
    }
    if (obj.kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') {
      const target = asRecord(obj.spec?.scaleTargetRef);
      if (typeof target.name === 'string') {
        refer(from, apiGroup(target), target.kind, target.name, '', 'spec', 'scaleTargetRef', 'name');
      }
    }
  }
}

/**
 * Checks the reference from `from` to the object of `group`, `kind` and `name` in its own
 * namespace (callers pass string names only: other values are no reference). The reference sits
 * at `base` followed by `segments`: its JSON pointer is only built for a finding.
 */
function refer(from: Referrer, group: string, kind: unknown, name: string, base: string, ...segments: Array<string | number>): void {
  if (from.output.has(group, kind, from.namespace, name)) {
    return;
  }
  const others = from.output.namespacesOf(group, kind, name);
  if (others.length > 0) {
    from.findings.push({
      obj: from.obj,
      rule: 'namespace/reference',
      path: base + pointer(...segments),
      message: `refers to ${kind} "${name}" in its own namespace "${from.namespace}", but the output has it only in namespace ${others.map(ns => `"${ns}"`).join(', ')}`,
    });
  }
}

function templateReferences(from: Referrer, template: PodTemplate): void {
  const { spec, specPath } = template;
  const serviceAccount = spec.serviceAccountName;
  if (typeof serviceAccount === 'string') {
    refer(from, '', 'ServiceAccount', serviceAccount, specPath, 'serviceAccountName');
  }
  const pullSecrets = asArray(spec.imagePullSecrets);
  for (let i = 0; i < pullSecrets.length; i++) {
    const secret = asRecord(pullSecrets[i]).name;
    if (typeof secret === 'string') {
      refer(from, '', 'Secret', secret, specPath, 'imagePullSecrets', i, 'name');
    }
  }
  const volumes = asArray(spec.volumes);
  for (let i = 0; i < volumes.length; i++) {
    const volume = asRecord(volumes[i]);
    const claim = volume.persistentVolumeClaim?.claimName;
    if (typeof claim === 'string') {
      refer(from, '', 'PersistentVolumeClaim', claim, specPath, 'volumes', i, 'persistentVolumeClaim', 'claimName');
    }
    const configMap = volume.configMap?.name;
    if (typeof configMap === 'string') {
      refer(from, '', 'ConfigMap', configMap, specPath, 'volumes', i, 'configMap', 'name');
    }
    const secret = volume.secret?.secretName;
    if (typeof secret === 'string') {
      refer(from, '', 'Secret', secret, specPath, 'volumes', i, 'secret', 'secretName');
    }
    const sources = asArray(volume.projected?.sources);
    for (let j = 0; j < sources.length; j++) {
      const source = asRecord(sources[j]);
      const sourceConfigMap = source.configMap?.name;
      if (typeof sourceConfigMap === 'string') {
        refer(from, '', 'ConfigMap', sourceConfigMap, specPath, 'volumes', i, 'projected', 'sources', j, 'configMap', 'name');
      }
      const sourceSecret = source.secret?.name;
      if (typeof sourceSecret === 'string') {
        refer(from, '', 'Secret', sourceSecret, specPath, 'volumes', i, 'projected', 'sources', j, 'secret', 'name');
      }
    }
  }
  const containers = containersOf(template);
  for (let c = 0; c < containers.length; c++) {
    containerReferences(from, specPath, containers[c]);
  }
}

function containerReferences(from: Referrer, specPath: string, { container, list, index }: ContainerAt): void {
  const env = asArray(container.env);
  for (let i = 0; i < env.length; i++) {
    const valueFrom = asRecord(asRecord(env[i]).valueFrom);
    const configMap = valueFrom.configMapKeyRef?.name;
    if (typeof configMap === 'string') {
      refer(from, '', 'ConfigMap', configMap, specPath, list, index, 'env', i, 'valueFrom', 'configMapKeyRef', 'name');
    }
    const secret = valueFrom.secretKeyRef?.name;
    if (typeof secret === 'string') {
      refer(from, '', 'Secret', secret, specPath, list, index, 'env', i, 'valueFrom', 'secretKeyRef', 'name');
    }
  }
  const envFrom = asArray(container.envFrom);
  for (let i = 0; i < envFrom.length; i++) {
    const source = asRecord(envFrom[i]);
    const configMap = source.configMapRef?.name;
    if (typeof configMap === 'string') {
      refer(from, '', 'ConfigMap', configMap, specPath, list, index, 'envFrom', i, 'configMapRef', 'name');
    }
    const secret = source.secretRef?.name;
    if (typeof secret === 'string') {
      refer(from, '', 'Secret', secret, specPath, list, index, 'envFrom', i, 'secretRef', 'name');
    }
  }
}
