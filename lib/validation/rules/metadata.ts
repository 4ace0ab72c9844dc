import { asRecord } from '../objects';
import { Output } from '../output';
import { Finding, pointer } from '../problem';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const hasOwn = Object.prototype.hasOwnProperty;

/** What a name must look like, and the words that say so. */
interface NameRule {
  readonly test: (name: string) => boolean;
  readonly description: string;
}

const SUBDOMAIN: NameRule = {
  test: name => name.length <= 253 && DNS1123_SUBDOMAIN.test(name),
  description: 'a DNS-1123 subdomain (lower-case alphanumerics, "-" and ".", at most 253 characters)',
};
const LABEL: NameRule = {
  test: name => name.length <= 63 && DNS1123_LABEL.test(name),
  description: 'a DNS-1123 label (lower-case alphanumerics and "-", at most 63 characters)',
};
/** The name rule of the kinds that do not use {@link SUBDOMAIN} (a `Map`: looked up by the kind of every object). */
const NAME_RULES: ReadonlyMap<unknown, NameRule> = new Map([
  ['Namespace', LABEL],
  ['Service', {
    test: (name: string) => name.length <= 63 && DNS1035_LABEL.test(name),
    description: 'a DNS-1035 label (lower-case alphanumerics and "-", starting with a letter, at most 63 characters)',
  }],
  ['StatefulSet', {
    test: (name: string) => name.length <= 52 && DNS1123_LABEL.test(name),
    description: 'a DNS-1123 label of at most 52 characters (its pods get a controller-revision-hash label "<name>-<10-character hash>", which must fit 63)',
  }],
]);
const RBAC_NAME: NameRule = {
  test: name => name !== '.' && name !== '..' && !/[/%]/.test(name),
  description: 'a path segment (not "." or "..", no "/" or "%")',
};

/**
 * `metadata/name`: every object has a name of the form its kind requires. `metadata/namespace`:
 * namespaces are DNS-1123 labels. `metadata/label`: label keys and values anywhere (object and
 * template metadata, `matchLabels`, Service selectors) are valid. `metadata/duplicate`: no two
 * objects share API group, kind, namespace and name.
 */
export function metadataRules(output: Output, findings: Finding[]): void {
  const labels = new LabelWalk(findings);
  const entries = output.entries;
  for (let e = 0; e < entries.length; e++) {
    const { obj, group, namespace, first } = entries[e];
    nameFindings(obj, group, findings);
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

function nameFindings(obj: any, group: string, findings: Finding[]): void {
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || name === '') {
    findings.push({ obj, rule: 'metadata/name', path: pointer('metadata', 'name'), message: 'missing metadata.name' });
  } else {
    const rule = RBAC_KINDS.has(obj.kind) && group === 'rbac.authorization.k8s.io' ? RBAC_NAME : NAME_RULES.get(obj.kind) ?? SUBDOMAIN;
    if (!rule.test(name)) {
      findings.push({ obj, rule: 'metadata/name', path: pointer('metadata', 'name'), message: `${obj.kind} name "${name}" must be ${rule.description}` });
    }
  }
  const namespace = obj.metadata?.namespace;
  if (typeof namespace === 'string' && !LABEL.test(namespace)) {
    findings.push({ obj, rule: 'metadata/namespace', path: pointer('metadata', 'namespace'), message: `namespace "${namespace}" must be ${LABEL.description}` });
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
      } else if (child !== null && typeof child === 'object') {
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
      if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
        this.findings.push({
          obj: this.obj,
          rule: 'metadata/label',
          path: this.path(depth, key),
          message: `label value "${value}" must be empty or at most 63 alphanumerics, "-", "_" and ".", starting and ending with an alphanumeric`,
        });
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
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = key.slice(slash + 1);
  if (prefix !== undefined && !SUBDOMAIN.test(prefix)) {
    return `has prefix "${prefix}", which must be ${SUBDOMAIN.description}`;
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) {
    return 'must have a name part of 1 to 63 alphanumerics, "-", "_" and ".", starting and ending with an alphanumeric';
  }
  return undefined;
}
