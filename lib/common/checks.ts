import type { IConstruct } from 'constructs';
import { check, InvalidPropError, ShownValue } from './errors';
import { absolutePath, annotationKey, annotationsSize, cidr, dns1123Label, dns1123Subdomain, isWholeQuantity, labelValue, parseQuantity, pinnedImage, portName, qualifiedName, quantity } from '../rules';
import type { Quantity } from '../rules';


/** Checks a DNS-1123 label (RFC 1123): lower-case alphanumerics and '-', at most `max` characters. */
export function checkDnsLabel(scope: IConstruct, prop: string, value: string, max = 63): void {
  checkRule(scope, prop, value, typeof value === 'string' ? dns1123Label(value, max) : 'must be a string');
}

/** Checks a DNS-1123 subdomain (dots allowed), at most 253 characters. */
export function checkDnsSubdomain(scope: IConstruct, prop: string, value: string): void {
  checkRule(scope, prop, value, typeof value === 'string' ? dns1123Subdomain(value) : 'must be a string');
}

/**
 * Checks `value` of `prop` with `checkName`. When the user did not give it (`given` false) it is derived
 * from another prop (`from`: that prop and the value the user wrote, e.g. `['name', 'Orders']`), and an
 * error names that prop: `name "Orders" is invalid: makes readServiceName "Orders-read", which must be ...`.
 */
export function checkNameFrom(scope: IConstruct, prop: string, value: string, given: boolean, from: readonly [string, unknown],
  checkName: (scope: IConstruct, prop: string, value: string) => void): void {
  if (given) return checkName(scope, prop, value);
  try {
    checkName(scope, prop, value);
  } catch (err) {
    if (!(err instanceof InvalidPropError)) throw err;
    throw new InvalidPropError(scope, from[0], from[1], `makes ${prop} ${err.shownValue}, which ${err.rule}`);
  }
}

/** Checks a whole number within [min, max]. */
export function checkInteger(scope: IConstruct, prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  check(Number.isInteger(value), scope, prop, value, 'must be a whole number');
  check(value >= min && value <= max, scope, prop, value,
    max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be between ${min} and ${max}`);
}

/** Checks a TCP/UDP port number. */
export function checkPort(scope: IConstruct, prop: string, value: number): void {
  checkInteger(scope, prop, value, 1, 65535);
}

/** Checks a port name: an IANA service name, at most 15 characters, with at least one letter. */
export function checkPortName(scope: IConstruct, prop: string, value: string): void {
  checkRule(scope, prop, value, typeof value === 'string' ? portName(value) : 'must be a string');
}

const UNIT_HINTS: Record<string, string> = {
  kb: 'Ki', k: 'k', mb: 'Mi', gb: 'Gi', tb: 'Ti', pb: 'Pi', eb: 'Ei', kib: 'Ki', mib: 'Mi', gib: 'Gi', tib: 'Ti',
};

/** Checks a Kubernetes resource quantity such as `10Gi`, `500m` or `1.5`, and suggests the right unit. */
export function checkQuantity(scope: IConstruct, prop: string, value: string): void {
  if (typeof value === 'string' && quantity(value) === undefined) return;
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(value.trim()) : null;
  const hint = m && UNIT_HINTS[m[2].toLowerCase()];
  const rule = hint
    ? `must be a Kubernetes quantity: did you mean "${m![1]}${hint}"? (binary units are Ki, Mi, Gi, Ti)`
    : 'must be a Kubernetes quantity: a number with an optional unit, e.g. "10Gi", "512Mi" or "500m"';
  throw new InvalidPropError(scope, prop, value, rule);
}

/** What a resource quantity counts: bytes must be whole, CPU may be a fraction of a core. */
export type QuantityUnit = 'bytes' | 'cpu';

/**
 * Checks a resource quantity as the API server does: a quantity, never negative (greater than zero
 * when `positive`), and for bytes a whole number (`64m` is 64 millibytes, a typo for `64Mi`).
 * Returns the parsed quantity.
 */
export function checkResourceQuantity(scope: IConstruct, prop: string, value: string, unit: QuantityUnit, positive = false): Quantity {
  checkQuantity(scope, prop, value);
  const q = parseQuantity(value)!;
  if (positive) check(q.nanos > 0n, scope, prop, value, 'must be greater than zero');
  else check(q.nanos >= 0n, scope, prop, value, 'must not be negative');
  if (unit === 'bytes' && !isWholeQuantity(q)) {
    const text = value.trim();
    const hint = text.endsWith('m') ? `: did you mean "${text.slice(0, -1)}Mi"?` : '';
    throw new InvalidPropError(scope, prop, value, `must be a whole number of bytes ("m" means milli, a thousandth)${hint}`);
  }
  return q;
}

/** Checks a user or group ID: a whole number from 0 to 2147483647, as the API server accepts. */
export function checkLinuxId(scope: IConstruct, prop: string, value: number | undefined): void {
  if (value !== undefined) checkInteger(scope, prop, value, 0, 2147483647);
}

/** Checks labels (or a node selector): keys are qualified names, values label values (at most 63 characters). */
export function checkLabels(scope: IConstruct, prop: string, labels: Readonly<Record<string, string>> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    checkRule(scope, prop, key, ruleOf('a label key', qualifiedName(key)));
    checkRule(scope, `${prop}.${key}`, value, typeof value === 'string' ? ruleOf('a label value', labelValue(value)) : 'must be a string');
  }
}

/** Checks annotations: keys are qualified names, keys and values together at most 256 KiB. */
export function checkAnnotations(scope: IConstruct, prop: string, annotations: Readonly<Record<string, string>> | undefined): void {
  const all = annotations ?? {};
  for (const [key, value] of Object.entries(all)) {
    checkRule(scope, prop, key, ruleOf('an annotation key', annotationKey(key)));
    check(typeof value === 'string', scope, `${prop}.${key}`, value, 'must be a string');
  }
  checkRule(scope, prop, new ShownValue(`(${Object.keys(all).length} keys)`), annotationsSize(all));
}

/** `rule` said of `what` (`a label key must ...`), or undefined. */
function ruleOf(what: string, rule: string | undefined): string | undefined {
  return rule === undefined ? undefined : `${what} ${rule}`;
}

/** Checks an image reference pinned to a tag or a digest (never an implicit `latest`). */
export function checkImage(scope: IConstruct, prop: string, value: string): void {
  checkRule(scope, prop, value, typeof value === 'string' ? pinnedImage(value) : 'must be a string');
}

/** Checks an absolute, normalised path. */
export function checkAbsolutePath(scope: IConstruct, prop: string, value: string): void {
  checkRule(scope, prop, value, typeof value === 'string' ? absolutePath(value) : 'must be a string');
}

/** Throws {@link InvalidPropError} with `rule` unless it is undefined (`rule` comes from a function of `lib/rules`). */
export function checkRule(scope: IConstruct, prop: string, value: unknown, rule: string | undefined): void {
  if (rule !== undefined) {
    throw new InvalidPropError(scope, prop, value, rule);
  }
}

/** Throws when `values` has a duplicate, naming the first one. */
export function checkUnique(scope: IConstruct, prop: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    check(!seen.has(v), scope, prop, v, 'must be unique, but appears more than once');
    seen.add(v);
  }
}

/** Checks a CIDR (`10.0.0.0/8`, `2001:db8::/64`), as the API server parses one. */
export function checkCidr(scope: IConstruct, prop: string, value: string): void {
  checkRule(scope, prop, value, typeof value === 'string' ? cidr(value) : 'must be a string');
}

const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Checks a server address: a DNS name or an IPv4 address, without scheme, port or path. */
export function checkHost(scope: IConstruct, prop: string, host: string): void {
  check(typeof host === 'string' && host.length > 0, scope, prop, host, "is required: the server's host name or IP address");
  check(!/[:/]/.test(host), scope, prop, host, 'must be a bare host name or IPv4 address: no scheme or path, and give the port in `port`');
  if (!IPV4.test(host)) {
    check(dns1123Subdomain(host) === undefined, scope, prop, host, 'must be a lower-case DNS name or an IPv4 address');
  }
}
