import { IConstruct } from 'constructs';
import { check, InvalidPropError } from './errors';
import { absolutePath, dns1123Label, dns1123Subdomain, MAX_STATEFULSET_NAME as MAX_NAME, pinnedImage, portName, quantity } from '../rules';

/** Longest StatefulSet name: its pods carry `controller-revision-hash: <name>-<10 chars>` (63 max). */
export const MAX_STATEFULSET_NAME = MAX_NAME;

/** Checks a DNS-1123 label (RFC 1123): lower-case alphanumerics and '-', at most `max` characters. */
export function checkDnsLabel(scope: IConstruct, prop: string, value: string, max = 63): void {
  checkRule(scope, prop, value, typeof value === 'string' ? dns1123Label(value, max) : 'must be a string');
}

/** Checks a DNS-1123 subdomain (dots allowed), at most 253 characters. */
export function checkDnsSubdomain(scope: IConstruct, prop: string, value: string): void {
  checkRule(scope, prop, value, typeof value === 'string' ? dns1123Subdomain(value) : 'must be a string');
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

/** Checks an image reference pinned to a tag or a digest (never an implicit `latest`). */
export function checkImage(scope: IConstruct, prop: string, value: string): void {
  checkRule(scope, prop, value, typeof value === 'string' ? pinnedImage(value) : 'must be a string');
}

/** Checks an absolute, normalised path. */
export function checkAbsolutePath(scope: IConstruct, prop: string, value: string): void {
  checkRule(scope, prop, value, typeof value === 'string' ? absolutePath(value) : 'must be a string');
}

/** Throws {@link InvalidPropError} with `rule` unless it is undefined. */
function checkRule(scope: IConstruct, prop: string, value: unknown, rule: string | undefined): void {
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

const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Checks a server address: a DNS name or an IPv4 address, without scheme, port or path. */
export function checkHost(scope: IConstruct, prop: string, host: string): void {
  check(typeof host === 'string' && host.length > 0, scope, prop, host, "is required: the server's host name or IP address");
  check(!/[:/]/.test(host), scope, prop, host, 'must be a bare host name or IPv4 address: no scheme or path, and give the port in `port`');
  if (!IPV4.test(host)) {
    check(dns1123Subdomain(host) === undefined, scope, prop, host, 'must be a lower-case DNS name or an IPv4 address');
  }
}
