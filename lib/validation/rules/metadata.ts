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
const NAME_RULES: Record<string, NameRule> = {
  Namespace: LABEL,
  Service: {
    test: name => name.length <= 63 && DNS1035_LABEL.test(name),
    description: 'a DNS-1035 label (lower-case alphanumerics and "-", starting with a letter, at most 63 characters)',
  },
  StatefulSet: {
    test: name => name.length <= 52 && DNS1123_LABEL.test(name),
    description: 'a DNS-1123 label of at most 52 characters (its pods get a controller-revision-hash label "<name>-<10-character hash>", which must fit 63)',
  },
};
const RBAC_NAME: NameRule = {
  test: name => name !== '.' && name !== '..' && !/[/%]/.test(name),
  description: 'a path segment (not "." or "..", no "/" or "%")',
};

/** Where a Service keeps its selector. */
const SERVICE_SELECTOR: readonly string[] = ['spec', 'selector'];

/**
 * `metadata/name`: every object has a name of the form its kind requires. `metadata/namespace`:
 * namespaces are DNS-1123 labels. `metadata/label`: label keys and values anywhere (object and
 * template metadata, `matchLabels`, Service selectors) are valid. `metadata/duplicate`: no two
 * objects share API group, kind, namespace and name.
 */
export function metadataRules(output: Output, findings: Finding[]): void {
  const keys: Array<string | number> = [];
  const entries = output.entries;
  for (let e = 0; e < entries.length; e++) {
    const { obj, group, namespace, same } = entries[e];
    nameFindings(obj, group, findings);
    labelFindings(obj, obj, keys, findings);
    if (obj.kind === 'Service' && group === '') {
      labelMapFindings(obj, obj.spec?.selector, SERVICE_SELECTOR, findings);
    }
    const name = obj.metadata?.name;
    if (typeof name === 'string' && same.length > 1 && same[0] !== obj) {
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
    const rule = RBAC_KINDS.has(obj.kind) && group === 'rbac.authorization.k8s.io' ? RBAC_NAME : NAME_RULES[obj.kind] ?? SUBDOMAIN;
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
 * Checks every `metadata.labels` and `matchLabels` map in `node`, an object or array at `keys`
 * (the JSON pointer segments from `obj`, a stack this walk pushes to and pops from; the pointer
 * is only built for a finding).
 */
function labelFindings(obj: any, node: object, keys: Array<string | number>, findings: Finding[]): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child = node[i];
      if (child !== null && typeof child === 'object') {
        keys.push(i);
        labelFindings(obj, child, keys, findings);
        keys.pop();
      }
    }
    return;
  }
  const underMetadata = keys.length > 0 && keys[keys.length - 1] === 'metadata';
  for (const key in node) {
    if (!hasOwn.call(node, key)) {
      continue;
    }
    const child = (node as Record<string, unknown>)[key];
    if (key === 'matchLabels' || (key === 'labels' && underMetadata)) {
      keys.push(key);
      labelMapFindings(obj, child, keys, findings);
      keys.pop();
    } else if (child !== null && typeof child === 'object') {
      keys.push(key);
      labelFindings(obj, child, keys, findings);
      keys.pop();
    }
  }
}

/** Checks the label keys and values of `labels`, the map at `keys` in `obj`. */
function labelMapFindings(obj: any, labels: unknown, keys: ReadonlyArray<string | number>, findings: Finding[]): void {
  const map = asRecord(labels);
  for (const key in map) {
    if (!hasOwn.call(map, key)) {
      continue;
    }
    const value = map[key];
    const keyProblem = cachedLabelKeyProblem(key);
    if (keyProblem) {
      findings.push({ obj, rule: 'metadata/label', path: pointer(...keys, key), message: `label key "${key}" ${keyProblem}` });
    }
    if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      findings.push({
        obj,
        rule: 'metadata/label',
        path: pointer(...keys, key),
        message: `label value "${value}" must be empty or at most 63 alphanumerics, "-", "_" and ".", starting and ending with an alphanumeric`,
      });
    }
  }
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
