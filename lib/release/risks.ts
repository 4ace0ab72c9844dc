import { isDeepStrictEqual } from 'util';
import { asStoredClaimTemplate } from '../common/storage';
import { engineUpgradeSteps, switchoverSteps } from './day2';
import { describe } from './manifests';
import { containersOf, parseImage, podTemplateOf, quantityValue, secretReadsOfPod } from './workloads';

/** A change a reviewer must look at before the apply. */
export interface RiskFlag {
  /** `refused`: the API server rejects the apply; `warning`: it is accepted, with a consequence to check. */
  readonly severity: 'refused' | 'warning';
  /** The object, e.g. `StatefulSet wordpress/mysql`. */
  readonly object: string;
  /** What changes and why it matters. */
  readonly what: string;
  /** What to do. */
  readonly action: string;
}

/** The spec fields of a StatefulSet an update may change (Kubernetes 1.31 `ValidateStatefulSetUpdate`); any other is Forbidden. */
export const STATEFULSET_MUTABLE_SPEC: readonly string[] = [
  'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds',
];

/** Values the API server fills in when a field is left out, so that leaving it out or setting it is no change. */
const STATEFULSET_DEFAULTS: Record<string, unknown> = { podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10 };

const DATABASE_IMAGES = /(^|\/)(mysql|mariadb|percona[-\w]*|postgres(ql)?|harbor-db|mongo(db)?|redis[-\w]*|valkey|etcd|cockroach|cassandra)$/;

/** The risk flags of one object's change (`before` or `after` undefined: added or removed); `after` is the whole new output. */
export function risksOf(before: any | undefined, after: any | undefined, newOutput: readonly any[]): RiskFlag[] {
  if (before && after) {
    return [
      ...statefulSetRisks(before, after),
      ...selectorRisks(before, after),
      ...claimRisks(before, after),
      ...serviceRisks(before, after),
      ...replicaRisks(before, after),
      ...imageRisks(before, after),
      ...secretKeyRisks(before, after, newOutput),
      ...switchoverSteps(before, after, newOutput),
      ...engineUpgradeSteps(before, after, newOutput),
    ];
  }
  if (before) return [...removedClaimRisks(before), ...secretKeyRisks(before, undefined, newOutput)];
  return [];
}

/** A StatefulSet spec field as the server stores it: claim templates with the fields it fills in. */
function stored(field: string, value: unknown): unknown {
  return field === 'volumeClaimTemplates' && Array.isArray(value) ? value.map(asStoredClaimTemplate) : value;
}

function statefulSetRisks(before: any, after: any): RiskFlag[] {
  if (after.kind !== 'StatefulSet') return [];
  const fields = [...new Set([...Object.keys(before.spec ?? {}), ...Object.keys(after.spec ?? {})])]
    .filter(f => !STATEFULSET_MUTABLE_SPEC.includes(f))
    .filter(f => !isDeepStrictEqual(stored(f, before.spec?.[f] ?? STATEFULSET_DEFAULTS[f]), stored(f, after.spec?.[f] ?? STATEFULSET_DEFAULTS[f])));
  if (fields.length === 0) return [];
  const n = after.metadata.name;
  return [{
    severity: 'refused', object: describe(after),
    what: `immutable StatefulSet field${fields.length > 1 ? 's' : ''} ${fields.map(f => `spec.${f}`).join(', ')} changed: the apply will be refused (Forbidden)`,
    action: `kubectl delete statefulset ${n}${ns(after)} --cascade=orphan, then apply (the pods and claims stay and the new StatefulSet adopts them), or revert`
      + (fields.includes('volumeClaimTemplates') ? '; existing claims keep their size: resize each claim itself if its StorageClass allows expansion' : ''),
  }];
}

function selectorRisks(before: any, after: any): RiskFlag[] {
  if (isDeepStrictEqual(before.spec?.selector, after.spec?.selector)) return [];
  if (['Deployment', 'ReplicaSet', 'DaemonSet', 'Job'].includes(after.kind)) {
    return [{
      severity: 'refused', object: describe(after),
      what: `spec.selector changed: it is immutable for a ${after.kind}, the apply will be refused`,
      action: `kubectl delete ${after.kind.toLowerCase()} ${after.metadata.name}${ns(after)}, then apply (its pods are replaced), or revert`,
    }];
  }
  if (after.kind === 'Service') {
    return [{
      severity: 'warning', object: describe(after),
      what: 'spec.selector changed: the Service sends traffic to other pods from the apply on',
      action: 'check that the new selector selects the pods that should get the traffic (the review page shows what it selects)',
    }];
  }
  if (after.kind === 'StatefulSet') return []; // reported as an immutable StatefulSet field
  return [{ severity: 'warning', object: describe(after), what: 'spec.selector changed', action: 'check which pods it selects now' }];
}

function claimRisks(before: any, after: any): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const shrunk = (b: any, a: any) => {
    const x = quantityValue(b?.spec?.resources?.requests?.storage);
    const y = quantityValue(a?.spec?.resources?.requests?.storage);
    return x !== undefined && y !== undefined && y < x;
  };
  if (after.kind === 'PersistentVolumeClaim') {
    if (shrunk(before, after)) {
      flags.push({
        severity: 'refused', object: describe(after),
        what: `claim shrunk from ${before.spec.resources.requests.storage} to ${after.spec.resources.requests.storage}: a claim can not be made smaller, the apply will be refused`,
        action: 'revert the size; to really shrink, copy the data to a new, smaller claim',
      });
    }
    const { resources: _b, volumeAttributesClassName: _vb, ...restBefore } = before.spec ?? {};
    const { resources: _a, volumeAttributesClassName: _va, ...restAfter } = after.spec ?? {};
    if (!isDeepStrictEqual(restBefore, restAfter)) {
      flags.push({
        severity: 'refused', object: describe(after),
        what: 'a claim\'s spec may change only in resources.requests and volumeAttributesClassName: the apply will be refused',
        action: 'revert, or make a new claim under another name and copy the data',
      });
    }
  }
  if (after.kind === 'StatefulSet') {
    for (const t of after.spec?.volumeClaimTemplates ?? []) {
      const old = (before.spec?.volumeClaimTemplates ?? []).find((o: any) => o.metadata?.name === t.metadata?.name);
      if (old && shrunk(old, t)) {
        flags.push({
          severity: 'refused', object: describe(after),
          what: `claim template ${t.metadata.name} shrunk from ${old.spec.resources.requests.storage} to ${t.spec.resources.requests.storage}: existing claims can not be made smaller`,
          action: 'revert the size',
        });
      }
    }
  }
  return flags;
}

function serviceRisks(before: any, after: any): RiskFlag[] {
  if (after.kind !== 'Service') return [];
  const flags: RiskFlag[] = [];
  const typeOf = (s: any) => s.spec?.type ?? 'ClusterIP';
  if (typeOf(before) !== typeOf(after)) {
    flags.push({
      severity: 'warning', object: describe(after),
      what: `Service type ${typeOf(before)} -> ${typeOf(after)}: its exposure changes (node ports or a load balancer are opened or released)`,
      action: 'check firewalls, DNS and clients that use the node port or load-balancer address',
    });
  }
  const b = before.spec?.clusterIP;
  const a = after.spec?.clusterIP;
  if (b !== a) {
    if (a === undefined) {
      flags.push({
        severity: 'warning', object: describe(after),
        what: `spec.clusterIP ${b} -> (unset): the API server keeps ${b}, so the change does not take effect`,
        action: `kubectl delete service ${after.metadata.name}${ns(after)}, then apply, to get a new cluster IP`,
      });
    } else {
      flags.push({
        severity: 'refused', object: describe(after),
        what: `spec.clusterIP ${b ?? '(allocated)'} -> ${a}: the field is immutable, the apply will be refused`,
        action: `kubectl delete service ${after.metadata.name}${ns(after)}, then apply (clients lose the Service until it is back), or revert`,
      });
    }
  }
  return flags;
}

/** Whether a workload runs a database: component label `database` or a database image. */
export function isDatabase(obj: any): boolean {
  const template = podTemplateOf(obj);
  if (!template) return false;
  if (obj.metadata?.labels?.['app.kubernetes.io/component'] === 'database') return true;
  return containersOf(template.spec).some(c => !c.init && DATABASE_IMAGES.test(parseImage(String(c.container.image)).repository));
}

function replicaRisks(before: any, after: any): RiskFlag[] {
  const b = before.spec?.replicas ?? 1;
  const a = after.spec?.replicas ?? 1;
  if (!isDatabase(after) || a >= b) return [];
  return [{
    severity: 'warning', object: describe(after),
    what: `replicas of a database lowered from ${b} to ${a}`,
    action: after.kind === 'StatefulSet'
      ? `the pods ${after.metadata.name}-${a}..${b - 1} stop (their claims stay): make sure no client reads from them and the replication topology allows it`
      : 'make sure the remaining replicas carry the load and keep the data',
  }];
}

/** The version numbers of an image tag with what stands before and after them: `cli-2.12.0-php8.3`. */
function tagVersion(tag: string): { prefix: string; parts: number[]; suffix: string } | undefined {
  const m = /^(\D*?)v?(\d+(?:\.\d+)*)(.*)$/.exec(tag);
  return m ? { prefix: m[1], parts: m[2].split('.').map(Number), suffix: m[3] } : undefined;
}

function olderThan(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

function imageRisks(before: any, after: any): RiskFlag[] {
  const old = new Map(containersOf(podTemplateOf(before)?.spec).map(c => [c.container.name, String(c.container.image)]));
  return containersOf(podTemplateOf(after)?.spec).flatMap(({ container }) => {
    const was = old.get(container.name);
    if (!was || was === container.image) return [];
    const [x, y] = [parseImage(was), parseImage(String(container.image))];
    const [vx, vy] = [tagVersion(x.tag ?? ''), tagVersion(y.tag ?? '')];
    if (x.repository !== y.repository || !vx || !vy || vx.prefix !== vy.prefix || vx.suffix !== vy.suffix) return [];
    if (!olderThan(vy.parts, vx.parts)) return [];
    return [{
      severity: 'warning', object: describe(after),
      what: `container ${container.name} goes back a version: ${was} -> ${container.image}`,
      action: 'an older version may not read what the newer one wrote (database files, schema migrations): check its downgrade notes, or restore from a backup taken before the upgrade',
    } as RiskFlag];
  });
}

function secretKeyRisks(before: any, after: any | undefined, newOutput: readonly any[]): RiskFlag[] {
  if (before.kind !== 'Secret') return [];
  const keys = (s: any) => new Set([...Object.keys(s?.data ?? {}), ...Object.keys(s?.stringData ?? {})]);
  const kept = keys(after);
  const removed = [...keys(before)].filter(k => !kept.has(k));
  const name = before.metadata?.name;
  return newOutput.flatMap(obj => {
    const template = podTemplateOf(obj);
    if (!template || obj.metadata?.namespace !== before.metadata?.namespace) return [];
    return secretReadsOfPod(template.spec)
      .filter(r => r.secretName === name && !r.optional && (after === undefined || (r.key !== undefined && removed.includes(r.key))))
      .map(r => ({
        severity: 'warning', object: describe(before),
        what: `${after ? `key ${r.key} removed` : 'Secret removed'} while ${describe(obj)} still reads ${r.key ? `key ${r.key}` : 'it'} (${r.where}): its new pods will not start`,
        action: 'keep the key until no pod reads it, or remove the reference in the same change',
      } as RiskFlag));
  });
}

function removedClaimRisks(before: any): RiskFlag[] {
  if (before.kind !== 'PersistentVolumeClaim') return [];
  return [{
    severity: 'warning', object: describe(before),
    what: 'claim removed: a prune (or helm upgrade) deletes it, and with a Delete reclaim policy its volume and data',
    action: 'back the data up first, or keep the claim in the code',
  }];
}

function ns(obj: any): string {
  return obj.metadata?.namespace ? ` -n ${obj.metadata.namespace}` : '';
}
