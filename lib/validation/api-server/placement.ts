import { labelValue, qualifiedName, dns1123Label } from '../../rules';
import { asArray, asRecord } from '../objects';
import { isInt, isSet, labelSelector, oneOf, ruled } from './check';
import type { Check } from './check';

const NODE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

function nodeSelectorTerm(check: Check, path: string, term: Record<string, any>): void {
  asArray(term.matchExpressions).forEach((e, i) => {
    const { key, operator, values } = asRecord(e);
    const at = `${path}/matchExpressions/${i}`;
    if (typeof key === 'string') {
      ruled(check, `${at}/key`, 'pod/affinity', key, qualifiedName(key), 'key');
    }
    const n = asArray(values).length;
    if (typeof operator === 'string' && !NODE_OPERATORS.includes(operator)) {
      check.error(`${at}/operator`, 'pod/affinity', `${JSON.stringify(operator)} is not a valid selector operator (${NODE_OPERATORS.join(', ')})`);
    } else if ((operator === 'In' || operator === 'NotIn') && n === 0) {
      check.error(`${at}/values`, 'pod/affinity', `values must be given when operator is ${operator}`);
    } else if ((operator === 'Exists' || operator === 'DoesNotExist') && n > 0) {
      check.error(`${at}/values`, 'pod/affinity', `values must not be given when operator is ${operator}`);
    } else if ((operator === 'Gt' || operator === 'Lt') && n !== 1) {
      check.error(`${at}/values`, 'pod/affinity', `exactly one value must be given when operator is ${operator}`);
    }
  });
  asArray(term.matchFields).forEach((e, i) => {
    const { key, operator, values } = asRecord(e);
    const at = `${path}/matchFields/${i}`;
    if (key !== 'metadata.name') {
      check.error(`${at}/key`, 'pod/affinity', `${JSON.stringify(key)} is not a field a node selector supports (metadata.name)`);
    } else if (operator !== 'In' && operator !== 'NotIn') {
      check.error(`${at}/operator`, 'pod/affinity', `${JSON.stringify(operator)} is not a valid field selector operator (In, NotIn)`);
    } else if (asArray(values).length !== 1) {
      check.error(`${at}/values`, 'pod/affinity', 'exactly one value must be given');
    }
  });
}

function weight(check: Check, path: string, value: unknown): void {
  if (isInt(value) && (value < 1 || value > 100)) {
    check.error(path, 'pod/affinity', `weight ${value} must be in the range 1-100`);
  }
}

function podAffinityTerm(check: Check, path: string, term: Record<string, any>): void {
  const topologyKey = term.topologyKey;
  if (typeof topologyKey !== 'string' || topologyKey === '') {
    check.error(`${path}/topologyKey`, 'pod/affinity', 'topologyKey is required');
  } else {
    ruled(check, `${path}/topologyKey`, 'pod/affinity', topologyKey, qualifiedName(topologyKey), 'topologyKey');
  }
  labelSelector(check, `${path}/labelSelector`, 'pod/affinity', term.labelSelector);
  labelSelector(check, `${path}/namespaceSelector`, 'pod/affinity', term.namespaceSelector);
  asArray(term.namespaces).forEach((ns, i) => {
    if (typeof ns === 'string') {
      ruled(check, `${path}/namespaces/${i}`, 'pod/affinity', ns, dns1123Label(ns), 'namespace');
    }
  });
}

/** `spec.affinity` (`validateAffinity`). */
export function affinity(check: Check, path: string, value: unknown): void {
  const a = asRecord(value);
  const node = asRecord(a.nodeAffinity);
  if (isSet(node.requiredDuringSchedulingIgnoredDuringExecution)) {
    const terms = asArray(asRecord(node.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
    const at = `${path}/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms`;
    if (terms.length === 0) {
      check.error(at, 'pod/affinity', 'nodeSelectorTerms must have at least one term');
    }
    terms.forEach((t, i) => nodeSelectorTerm(check, `${at}/${i}`, asRecord(t)));
  }
  asArray(node.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
    const at = `${path}/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution/${i}`;
    weight(check, `${at}/weight`, asRecord(p).weight);
    nodeSelectorTerm(check, `${at}/preference`, asRecord(asRecord(p).preference));
  });
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = asRecord(a[kind]);
    asArray(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
      podAffinityTerm(check, `${path}/${kind}/requiredDuringSchedulingIgnoredDuringExecution/${i}`, asRecord(t)));
    asArray(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
      const at = `${path}/${kind}/preferredDuringSchedulingIgnoredDuringExecution/${i}`;
      weight(check, `${at}/weight`, asRecord(p).weight);
      podAffinityTerm(check, `${at}/podAffinityTerm`, asRecord(asRecord(p).podAffinityTerm));
    });
  }
}

/** `spec.tolerations` (`ValidateTolerations`). */
export function tolerations(check: Check, path: string, value: unknown): void {
  asArray(value).forEach((t, i) => {
    const { key, operator, value: v, effect, tolerationSeconds } = asRecord(t);
    const at = `${path}/${i}`;
    if (typeof key === 'string' && key !== '') {
      ruled(check, `${at}/key`, 'pod/toleration', key, qualifiedName(key), 'key');
    }
    const op = operator ?? '';
    if ((key === undefined || key === null || key === '') && op !== 'Exists') {
      check.error(`${at}/operator`, 'pod/toleration', 'operator must be Exists when key is empty (tolerate every taint)');
    }
    if (op === 'Exists' && typeof v === 'string' && v !== '') {
      check.error(`${at}/value`, 'pod/toleration', 'value must be empty when operator is Exists');
    } else if ((op === 'Equal' || op === '') && typeof v === 'string') {
      ruled(check, `${at}/value`, 'pod/toleration', v, labelValue(v));
    }
    oneOf(check, `${at}/operator`, 'pod/toleration', operator, ['Equal', 'Exists']);
    oneOf(check, `${at}/effect`, 'pod/toleration', effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
    if (isSet(tolerationSeconds) && effect !== 'NoExecute') {
      check.error(`${at}/effect`, 'pod/toleration', 'effect must be NoExecute when tolerationSeconds is set');
    }
  });
}

/** `spec.topologySpreadConstraints` (`validateTopologySpreadConstraints`). */
export function topologySpread(check: Check, path: string, value: unknown): void {
  const seen = new Set<string>();
  asArray(value).forEach((c, i) => {
    const t = asRecord(c);
    const at = `${path}/${i}`;
    if (isInt(t.maxSkew) && t.maxSkew <= 0) {
      check.error(`${at}/maxSkew`, 'pod/topology-spread', `maxSkew ${t.maxSkew} must be greater than zero`);
    }
    if (typeof t.topologyKey !== 'string' || t.topologyKey === '') {
      check.error(`${at}/topologyKey`, 'pod/topology-spread', 'topologyKey is required');
    }
    oneOf(check, `${at}/whenUnsatisfiable`, 'pod/topology-spread', t.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway'], false);
    if (isSet(t.minDomains)) {
      if (isInt(t.minDomains) && t.minDomains <= 0) {
        check.error(`${at}/minDomains`, 'pod/topology-spread', `minDomains ${t.minDomains} must be greater than zero`);
      } else if (t.whenUnsatisfiable !== 'DoNotSchedule') {
        check.error(`${at}/minDomains`, 'pod/topology-spread', 'minDomains may only be used with whenUnsatisfiable DoNotSchedule');
      }
    }
    oneOf(check, `${at}/nodeAffinityPolicy`, 'pod/topology-spread', t.nodeAffinityPolicy, ['Honor', 'Ignore'], false);
    oneOf(check, `${at}/nodeTaintsPolicy`, 'pod/topology-spread', t.nodeTaintsPolicy, ['Honor', 'Ignore'], false);
    const pair = `${t.topologyKey}\u0000${t.whenUnsatisfiable}`;
    if (seen.has(pair)) {
      check.error(at, 'pod/topology-spread', `another constraint has topologyKey ${JSON.stringify(t.topologyKey)} and whenUnsatisfiable ${JSON.stringify(t.whenUnsatisfiable)}`);
    }
    seen.add(pair);
    labelSelector(check, `${at}/labelSelector`, 'pod/topology-spread', t.labelSelector);
    const selectorKeys = new Set([
      ...Object.keys(asRecord(asRecord(t.labelSelector).matchLabels)),
      ...asArray(asRecord(t.labelSelector).matchExpressions).map(e => asRecord(e).key),
    ]);
    asArray(t.matchLabelKeys).forEach((key, j) => {
      if (typeof key !== 'string') {
        return;
      }
      ruled(check, `${at}/matchLabelKeys/${j}`, 'pod/topology-spread', key, qualifiedName(key), 'key');
      if (selectorKeys.has(key)) {
        check.error(`${at}/matchLabelKeys/${j}`, 'pod/topology-spread', `key ${JSON.stringify(key)} is in both matchLabelKeys and labelSelector`);
      }
    });
  });
}
