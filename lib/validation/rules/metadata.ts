import { apiGroup, asRecord, namespaceOf } from '../objects';
import { Output } from '../output';
import { Finding, pointer } from '../problem';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

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

/**
 * `metadata/name`: every object has a name of the form its kind requires. `metadata/namespace`:
 * namespaces are DNS-1123 labels. `metadata/label`: label keys and values anywhere (object and
 * template metadata, `matchLabels`, Service selectors) are valid. `metadata/duplicate`: no two
 * objects share API group, kind, namespace and name.
 */
export function* metadataRules(output: Output): Iterable<Finding> {
  for (const obj of output.objects) {
    yield* nameFindings(obj);
    yield* labelFindings(obj, obj, '');
    if (obj.kind === 'Service' && apiGroup(obj) === '') {
      yield* labelMapFindings(obj, obj.spec?.selector, pointer('spec', 'selector'));
    }
    const name = obj.metadata?.name;
    const same = typeof name === 'string' ? output.find(apiGroup(obj), obj.kind, namespaceOf(obj), name) : [];
    if (same.length > 1 && same[0] !== obj) {
      yield {
        obj,
        rule: 'metadata/duplicate',
        path: pointer('metadata', 'name'),
        message: `another ${obj.kind} of API group "${apiGroup(obj)}" named "${name}"${namespaceOf(obj) ? ` in namespace "${namespaceOf(obj)}"` : ''} comes earlier in the output`,
      };
    }
  }
}

function* nameFindings(obj: any): Iterable<Finding> {
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || name === '') {
    yield { obj, rule: 'metadata/name', path: pointer('metadata', 'name'), message: 'missing metadata.name' };
  } else {
    const rule = RBAC_KINDS.has(obj.kind) && apiGroup(obj) === 'rbac.authorization.k8s.io' ? RBAC_NAME : NAME_RULES[obj.kind] ?? SUBDOMAIN;
    if (!rule.test(name)) {
      yield { obj, rule: 'metadata/name', path: pointer('metadata', 'name'), message: `${obj.kind} name "${name}" must be ${rule.description}` };
    }
  }
  const namespace = obj.metadata?.namespace;
  if (typeof namespace === 'string' && !LABEL.test(namespace)) {
    yield { obj, rule: 'metadata/namespace', path: pointer('metadata', 'namespace'), message: `namespace "${namespace}" must be ${LABEL.description}` };
  }
}

/** Checks every `metadata.labels` and `matchLabels` map in `node` (at JSON pointer `path`). */
function* labelFindings(obj: any, node: unknown, path: string): Iterable<Finding> {
  if (node === null || typeof node !== 'object') {
    return;
  }
  for (const [key, child] of Object.entries(node)) {
    const childPath = path + pointer(key);
    if (key === 'matchLabels' || (key === 'labels' && path.endsWith('/metadata'))) {
      yield* labelMapFindings(obj, child, childPath);
    } else {
      yield* labelFindings(obj, child, childPath);
    }
  }
}

function* labelMapFindings(obj: any, labels: unknown, path: string): Iterable<Finding> {
  for (const [key, value] of Object.entries(asRecord(labels))) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) {
      yield { obj, rule: 'metadata/label', path: path + pointer(key), message: `label key "${key}" ${keyProblem}` };
    }
    if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      yield {
        obj,
        rule: 'metadata/label',
        path: path + pointer(key),
        message: `label value "${value}" must be empty or at most 63 alphanumerics, "-", "_" and ".", starting and ending with an alphanumeric`,
      };
    }
  }
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
