import { MAX_STATEFULSET_NAME, dns1035Label, dns1123Label, dns1123Subdomain, labelValue, pathSegmentName, qualifiedName } from '../../rules';
import { asRecord } from '../objects';
import { featureEnabled } from '../features';
import type { Output } from '../output';
import { pointer } from '../problem';
import type { Finding } from '../problem';

/** Keys whose values hold no label map (containers have no metadata or selectors; data maps hold strings): not walked. */
const NO_LABELS_BELOW = new Set(['containers', 'initContainers', 'ephemeralContainers', 'data', 'binaryData', 'stringData', 'annotations']);
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const hasOwn = Object.prototype.hasOwnProperty;

/** The rule a name must follow: `undefined` when valid, else the rule in words. */
type NameRule = (name: string) => string | undefined;

/**
 * The name rule of the kinds that do not use {@link dns1123Subdomain}, by `<group> <kind>` (a `Map`: looked up for
 * every object). A Service's follows the release: a DNS-1035 label, or a DNS-1123 label where
 * RelaxedServiceNameValidation is on (1.37).
 */
const NAME_RULES: ReadonlyMap<string, NameRule> = new Map<string, NameRule>([
  [' Namespace', name => dns1123Label(name)],
  ['apps StatefulSet', name => dns1123Label(name, MAX_STATEFULSET_NAME)
    && `${dns1123Label(name, MAX_STATEFULSET_NAME)} (its pods get a controller-revision-hash label "<name>-<10-character hash>", which must fit 63)`],
  // Its ReplicaSets are "<name>-<10-character hash>", and their pods' generateName "<that>-", at most 253 characters.
  ['apps Deployment', name => dns1123Subdomain(name) ?? (name.length > 241 ? `must be at most 241 characters (it has ${name.length}): its pods are named "<name>-<hash>-<suffix>", at most 253` : undefined)],
  // The server checks no PodDisruptionBudget name format (only that there is one).
  ['policy PodDisruptionBudget', () => undefined],
  ...[...RBAC_KINDS].map(kind => [`rbac.authorization.k8s.io ${kind}`, pathSegmentName] as [string, NameRule]),
]);

/**
 * `metadata/name`: every object has a name of the form its kind requires. `metadata/namespace`:
 * namespaces are DNS-1123 labels. `metadata/label`: label keys and values anywhere (object and
 * template metadata, `matchLabels`, Service selectors) are valid. `metadata/duplicate`: no two
 * objects share API group, kind, namespace and name.
 */
export function metadataRules(output: Output, findings: Finding[]): void {
  const labels = new LabelWalk(findings);
  const serviceName: NameRule = featureEnabled(output.version, 'RelaxedServiceNameValidation') ? name => dns1123Label(name) : dns1035Label;
  const entries = output.entries;
  for (let e = 0; e < entries.length; e++) {
    const { obj, group, namespace, first } = entries[e];
    nameFindings(obj, group === '' && obj.kind === 'Service' ? serviceName : NAME_RULES.get(`${group} ${obj.kind}`) ?? dns1123Subdomain, findings);
    labels.object(obj);
    if (obj.kind === 'Service' && group === '') {
      labels.serviceSelector(obj);
    }
    const name = obj.metadata?.name;
    if (typeof name === 'string' && first !== obj) {
      findings.push({
        obj,
        rule: 'metadata/duplicate',
        path: pointer('metadata', 'name'),
        message: `another ${obj.kind} of API group "${group}" named "${name}"${namespace ? ` in namespace "${namespace}"` : ''} comes earlier in the output`,
      });
    }
  }
}

function nameFindings(obj: any, rule: NameRule, findings: Finding[]): void {
  const name = obj.metadata?.name;
  const generateName = obj.metadata?.generateName;
  if (typeof name === 'string' && name !== '') {
    const problem = rule(name);
    if (problem) {
      findings.push({ obj, rule: 'metadata/name', path: pointer('metadata', 'name'), message: `${obj.kind} name "${name}" ${problem}` });
    }
  } else if (typeof generateName === 'string' && generateName !== '') {
    // The server appends 5 characters; the prefix may end with "-".
    const problem = rule(generateName.endsWith('-') ? `${generateName.slice(0, -1)}a` : generateName);
    if (problem) {
      findings.push({ obj, rule: 'metadata/name', path: pointer('metadata', 'generateName'), message: `${obj.kind} generateName "${generateName}" ${problem}` });
    }
  } else {
    findings.push({ obj, rule: 'metadata/name', path: pointer('metadata', 'name'), message: 'missing metadata.name (or metadata.generateName)' });
  }
  const namespace = obj.metadata?.namespace;
  if (typeof namespace === 'string') {
    const problem = dns1123Label(namespace);
    if (problem) {
      findings.push({ obj, rule: 'metadata/namespace', path: pointer('metadata', 'namespace'), message: `namespace "${namespace}" ${problem}` });
    }
  }
}

/**
 * Finds the `metadata/label` problems of objects: checks every `metadata.labels` and
 * `matchLabels` map anywhere in an object, and a Service's selector.
 *
 * The walk visits the own enumerable keys of each object, as `Object.entries`. `for…in` yields
 * just those for an object whose prototype is null, or `Object.prototype` when that has no
 * enumerable key, without a `hasOwnProperty` call per key. The JSON pointer of a map is kept as
 * the keys leading to it, `keys[0..depth)`, and only built for a finding.
 */
class LabelWalk {
  private readonly keys: Array<string | number> = [];
  private readonly onlyOwnKeys = !hasEnumerableKey(Object.prototype);
  private obj: any;

  constructor(private readonly findings: Finding[]) {}

  /** Checks the label maps of `obj`. */
  public object(obj: any): void {
    this.obj = obj;
    this.node(obj, false, 0);
  }

  /** Checks the selector of a Service (a map of labels). */
  public serviceSelector(service: any): void {
    this.obj = service;
    this.keys[0] = 'spec';
    this.keys[1] = 'selector';
    this.labelMap(service.spec?.selector, 2);
  }

  /** `node`, an object or array at `keys[0..depth)`; `underMetadata`: it is the value of a `metadata` key. */
  private node(node: object, underMetadata: boolean, depth: number): void {
    const keys = this.keys;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child = node[i];
        if (child !== null && typeof child === 'object') {
          keys[depth] = i;
          this.node(child, false, depth + 1);
        }
      }
      return;
    }
    const prototype = Object.getPrototypeOf(node);
    const checkOwn = prototype !== null && !(this.onlyOwnKeys && prototype === Object.prototype);
    for (const key in node) {
      if (checkOwn && !hasOwn.call(node, key)) {
        continue;
      }
      const child = (node as Record<string, unknown>)[key];
      if (key === 'matchLabels' || (key === 'labels' && underMetadata)) {
        keys[depth] = key;
        this.labelMap(child, depth + 1);
      } else if (child !== null && typeof child === 'object' && !NO_LABELS_BELOW.has(key)) {
        keys[depth] = key;
        this.node(child, key === 'metadata', depth + 1);
      }
    }
  }

  /** Checks the label keys and values of `labels`, the map at `keys[0..depth)`. */
  private labelMap(labels: unknown, depth: number): void {
    const map = asRecord(labels);
    const prototype = Object.getPrototypeOf(map);
    const checkOwn = prototype !== null && !(this.onlyOwnKeys && prototype === Object.prototype);
    for (const key in map) {
      if (checkOwn && !hasOwn.call(map, key)) {
        continue;
      }
      const value = map[key];
      const keyProblem = cachedLabelKeyProblem(key);
      if (keyProblem) {
        this.findings.push({ obj: this.obj, rule: 'metadata/label', path: this.path(depth, key), message: `label key "${key}" ${keyProblem}` });
      }
      const valueProblem = typeof value === 'string' ? labelValue(value) : undefined;
      if (valueProblem) {
        this.findings.push({ obj: this.obj, rule: 'metadata/label', path: this.path(depth, key), message: `label value "${value}" ${valueProblem}` });
      }
    }
  }

  private path(depth: number, key: string): string {
    return pointer(...this.keys.slice(0, depth), key);
  }
}

/** Whether `for…in` over `obj` yields any key. */
function hasEnumerableKey(obj: object): boolean {
  for (const _ in obj) {
    return true;
  }
  return false;
}

/** {@link labelKeyProblem} by key: an output uses a few label keys on many objects. `null`: valid. */
const KEY_PROBLEMS = new Map<string, string | null>();
const MAX_CACHED_KEYS = 10_000;

function cachedLabelKeyProblem(key: string): string | undefined {
  let problem = KEY_PROBLEMS.get(key);
  if (problem === undefined) {
    problem = labelKeyProblem(key) ?? null;
    if (KEY_PROBLEMS.size >= MAX_CACHED_KEYS) {
      KEY_PROBLEMS.clear();
    }
    KEY_PROBLEMS.set(key, problem);
  }
  return problem ?? undefined;
}

/** Why `key` is not a valid label key (`[prefix/]name`), or undefined if it is. */
function labelKeyProblem(key: string): string | undefined {
  return qualifiedName(key);
}
