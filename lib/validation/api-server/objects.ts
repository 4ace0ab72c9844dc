import { configMapKey, qualifiedName } from '../../rules';
import { asArray, asRecord } from '../objects';
import { pointer } from '../problem';
import { isSet, labelSelector, oneOf, ruled } from './check';
import type { Check } from './check';
import { intOrPercent } from './workloads';

/** Most bytes a ConfigMap's or Secret's data may hold (`MaxSecretSize`, the etcd object limit). */
const MAX_DATA_BYTES = 1024 * 1024;
const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'];
const POD_SECURITY_VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

/** PodDisruptionBudget rules (`ValidatePodDisruptionBudgetSpec`): one of minAvailable and maxUnavailable, each a count or up to 100%. */
export function podDisruptionBudget(check: Check, obj: any): void {
  const spec = asRecord(obj.spec);
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) {
    check.error('/spec', 'pdb/spec', 'minAvailable and maxUnavailable cannot both be set');
  }
  intOrPercent(check, '/spec/minAvailable', 'pdb/spec', spec.minAvailable);
  intOrPercent(check, '/spec/maxUnavailable', 'pdb/spec', spec.maxUnavailable);
  oneOf(check, '/spec/unhealthyPodEvictionPolicy', 'pdb/spec', spec.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget'], false);
  labelSelector(check, '/spec/selector', 'pdb/spec', spec.selector);
}

/** ConfigMap and Secret rules: keys, no key in both `data` and `binaryData`, at most 1 MiB of data. */
export function configData(check: Check, obj: any): void {
  const id = obj.kind === 'Secret' ? 'secret/data' : 'configmap/data';
  const maps = obj.kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData'];
  const seen = new Set<string>();
  let bytes = 0;
  for (const field of maps) {
    const map = asRecord(obj[field]);
    for (const key of Object.keys(map)) {
      ruled(check, `/${field}${pointer(key)}`, id, key, configMapKey(key), 'key');
      if (seen.has(key) && obj.kind === 'ConfigMap') {
        check.error(`/${field}${pointer(key)}`, id, `key "${key}" is in both data and binaryData`);
      }
      seen.add(key);
      const value = map[key];
      if (typeof value === 'string') {
        bytes += field === 'data' && obj.kind === 'Secret' || field === 'binaryData' ? Math.floor(value.length * 3 / 4) : Buffer.byteLength(value);
      }
    }
  }
  if (bytes > MAX_DATA_BYTES) {
    check.error('', id, `${obj.kind} data must be at most ${MAX_DATA_BYTES} bytes (it has about ${bytes})`);
  }
}

/** Namespace rules: Pod Security labels have known values, spec.finalizers are qualified names. */
export function namespace(check: Check, obj: any): void {
  const labels = asRecord(asRecord(obj.metadata).labels);
  for (const mode of ['enforce', 'audit', 'warn']) {
    const level = labels[`pod-security.kubernetes.io/${mode}`];
    if (typeof level === 'string' && !POD_SECURITY_LEVELS.includes(level)) {
      check.error(`/metadata/labels${pointer(`pod-security.kubernetes.io/${mode}`)}`, 'namespace/pod-security', `"${level}" must be one of ${POD_SECURITY_LEVELS.join(', ')}`);
    }
    const version = labels[`pod-security.kubernetes.io/${mode}-version`];
    if (typeof version === 'string' && !POD_SECURITY_VERSION.test(version)) {
      check.error(`/metadata/labels${pointer(`pod-security.kubernetes.io/${mode}-version`)}`, 'namespace/pod-security', `"${version}" must be "latest" or "v1.<minor>"`);
    }
  }
  asArray(asRecord(obj.spec).finalizers).forEach((f, i) => {
    if (typeof f === 'string') {
      ruled(check, `/spec/finalizers/${i}`, 'namespace/spec', f, f === 'kubernetes' ? undefined : qualifiedName(f), 'finalizer');
    }
  });
}

/** Rules of every object's metadata besides its name and labels: finalizers (`kubeFinalizers`: standard or fully qualified), owner references. */
export function metadata(check: Check, obj: any, kubeFinalizers: boolean): void {
  const meta = asRecord(obj.metadata);
  asArray(meta.finalizers).forEach((f, i) => {
    if (typeof f !== 'string') {
      return;
    }
    const problem = qualifiedName(f);
    if (problem) {
      check.error(`/metadata/finalizers/${i}`, 'metadata/finalizer', `finalizer ${JSON.stringify(f)} ${problem}`);
    } else if (kubeFinalizers && !f.includes('/') && f !== 'kubernetes') {
      check.error(`/metadata/finalizers/${i}`, 'metadata/finalizer', `finalizer ${JSON.stringify(f)} must be a standard finalizer or fully qualified (example.com/${f})`);
    }
  });
  asArray(meta.ownerReferences).forEach((r, i) => {
    const ref = asRecord(r);
    for (const field of ['apiVersion', 'kind', 'name', 'uid']) {
      if (typeof ref[field] !== 'string' || ref[field] === '') {
        check.error(`/metadata/ownerReferences/${i}/${field}`, 'metadata/owner-reference', `ownerReferences ${field} must not be empty`);
      }
    }
  });
}
