/**
 * Name rules of the Kubernetes API server (`k8s.io/apimachinery/pkg/util/validation`), as pure
 * functions: each returns `undefined` when the value is valid, else the rule it breaks, in words.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const HAS_LETTER = /[a-z]/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Longest DNS-1123 label. */
export const MAX_LABEL_LENGTH = 63;
/** Longest DNS-1123 subdomain. */
export const MAX_SUBDOMAIN_LENGTH = 253;
/** Longest StatefulSet name: its pods carry the label `controller-revision-hash: <name>-<10 characters>` (63 at most). */
export const MAX_STATEFULSET_NAME = 52;
/** Most bytes of all annotations of one object together (keys and values). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** A DNS-1123 label (RFC 1123): 1 to `max` (63) lower-case alphanumerics or '-', starting and ending with an alphanumeric. */
export function dns1123Label(value: string, max = MAX_LABEL_LENGTH): string | undefined {
  if (value.length > max) {
    return `must be at most ${max} characters (it has ${value.length})`;
  }
  return DNS1123_LABEL.test(value) ? undefined
    : "must be a DNS-1123 label: lower-case alphanumerics or '-', starting and ending with an alphanumeric (e.g. 'my-name' or '123-abc')";
}

/**
 * A domain-prefixed path such as `acme.io/foo` (`IsDomainPrefixedPath`), at most `max` characters: a DNS-1123
 * subdomain, `/`, and a non-empty path of HTTP path characters.
 */
export function domainPrefixedPath(value: string, max: number): string | undefined {
  if (value.length > max) {
    return `must be at most ${max} characters (it has ${value.length})`;
  }
  const slash = value.indexOf('/');
  const domain = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || rest === '' || !/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(rest) || dns1123Subdomain(domain) !== undefined) {
    return 'must be a domain-prefixed path (such as "acme.io/foo")';
  }
  return undefined;
}

/** A DNS-1123 subdomain: at most 253 characters, dot-separated DNS-1123 labels. */
export function dns1123Subdomain(value: string): string | undefined {
  if (value.length > MAX_SUBDOMAIN_LENGTH) {
    return `must be at most ${MAX_SUBDOMAIN_LENGTH} characters (it has ${value.length})`;
  }
  return DNS1123_SUBDOMAIN.test(value) ? undefined
    : "must be a DNS-1123 subdomain: lower-case alphanumerics, '-' or '.', starting and ending with an alphanumeric (e.g. 'example.com')";
}

/** A DNS-1035 label (RFC 1035): like a DNS-1123 label, but starting with a letter. */
export function dns1035Label(value: string): string | undefined {
  if (value.length > MAX_LABEL_LENGTH) {
    return `must be at most ${MAX_LABEL_LENGTH} characters (it has ${value.length})`;
  }
  return DNS1035_LABEL.test(value) ? undefined
    : "must be a DNS-1035 label: lower-case alphanumerics or '-', starting with a letter and ending with an alphanumeric (e.g. 'my-name' or 'abc-123')";
}

/**
 * A qualified name, as label and annotation keys are: `[prefix/]name`, the prefix a DNS-1123
 * subdomain, the name 1 to 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric.
 */
export function qualifiedName(value: string): string | undefined {
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) {
      return 'must have a non-empty prefix before "/"';
    }
    const prefixProblem = dns1123Subdomain(prefix);
    if (prefixProblem) {
      return `has prefix "${prefix}", which ${prefixProblem}`;
    }
  } else {
    return "must be a qualified name: a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  }
  if (name.length === 0) {
    return 'must have a non-empty name part';
  }
  if (name.length > MAX_LABEL_LENGTH) {
    return `must have a name part of at most ${MAX_LABEL_LENGTH} characters (it has ${name.length})`;
  }
  return QUALIFIED_NAME_PART.test(name) ? undefined
    : "must have a name part of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric (e.g. 'MyName', 'my.name' or '123-abc')";
}

/** A label value: empty, or at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric. */
export function labelValue(value: string): string | undefined {
  if (value.length > MAX_LABEL_LENGTH) {
    return `must be at most ${MAX_LABEL_LENGTH} characters (it has ${value.length})`;
  }
  return LABEL_VALUE.test(value) ? undefined
    : "must be empty or alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric (e.g. 'MyValue', 'my_value' or '12345')";
}

/** The annotations of one object: keys are qualified names (lower-case prefix), keys and values together at most 256 KiB. */
export function annotationsSize(annotations: Readonly<Record<string, unknown>>): string | undefined {
  let chars = 0;
  for (const key in annotations) {
    const value = annotations[key];
    chars += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (chars * 3 <= MAX_ANNOTATIONS_BYTES) {
    return undefined; // at most 3 UTF-8 bytes per UTF-16 unit: certainly within the limit
  }
  let bytes = 0;
  for (const key of Object.keys(annotations)) {
    const value = annotations[key];
    bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  return bytes > MAX_ANNOTATIONS_BYTES ? `annotations may hold at most ${MAX_ANNOTATIONS_BYTES} bytes, keys and values together (they have ${bytes})` : undefined;
}

/**
 * An environment variable name as the server accepts it: before Kubernetes 1.34 (the
 * RelaxedEnvironmentVariableValidation gate, default on from 1.32 beta) letters, digits, '_', '-'
 * and '.', not starting with a digit, not '.', '..' or starting with '..'; with `relaxed`, any
 * printable ASCII character but '='.
 */
export function envVarName(value: string, relaxed = false): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  if (relaxed) {
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 32 || c > 126 || c === 61) {
        return "must consist of printable ASCII characters except '='";
      }
    }
    return undefined;
  }
  if (!ENV_VAR_NAME.test(value)) {
    return "must consist of letters, digits, '_', '-' or '.', and must not start with a digit (e.g. 'MY_ENV.NAME')";
  }
  return chDirPrefix(value);
}

/** A key of a ConfigMap, a Secret or a projected item: 1 to 253 alphanumerics, '-', '_' or '.', not '.', '..' or starting with '..'. */
export function configMapKey(value: string): string | undefined {
  if (value.length > MAX_SUBDOMAIN_LENGTH) {
    return `must be at most ${MAX_SUBDOMAIN_LENGTH} characters (it has ${value.length})`;
  }
  if (!CONFIG_MAP_KEY.test(value)) {
    return "must consist of alphanumerics, '-', '_' or '.' (e.g. 'key.name' or 'KEY_NAME')";
  }
  return chDirPrefix(value);
}

function chDirPrefix(value: string): string | undefined {
  if (value === '.' || value === '..') {
    return `must not be '${value}'`;
  }
  return value.startsWith('..') ? "must not start with '..'" : undefined;
}

/** A C identifier: letters, digits and '_', not starting with a digit. */
export function cIdentifier(value: string): string | undefined {
  return C_IDENTIFIER.test(value) ? undefined : "must be a C identifier: letters, digits and '_', not starting with a digit";
}

/** A port name (IANA_SVC_NAME, RFC 6335): 1 to 15 lower-case alphanumerics or '-', with a letter, no '--', not starting or ending with '-'. */
export function portName(value: string): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  if (value.length > 15) {
    return `must be at most 15 characters (it has ${value.length})`;
  }
  if (!IANA_SVC_NAME.test(value)) {
    return "must be an IANA service name: lower-case alphanumerics or '-', starting and ending with an alphanumeric";
  }
  if (value.includes('--')) {
    return "must not contain '--'";
  }
  return HAS_LETTER.test(value) ? undefined : 'must contain at least one letter';
}

/** A name that is a path segment (RBAC objects and others): not '.' or '..', no '/' or '%'. */
export function pathSegmentName(value: string): string | undefined {
  if (value === '.' || value === '..') {
    return `must not be '${value}'`;
  }
  return /[/%]/.test(value) ? "must not contain '/' or '%'" : undefined;
}

/** An annotation key: a qualified name once lower-cased (the server checks `strings.ToLower(key)`). */
export function annotationKey(value: string): string | undefined {
  return qualifiedName(value.toLowerCase());
}
