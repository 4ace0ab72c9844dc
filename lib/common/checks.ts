import { IConstruct } from 'constructs';
import { check, InvalidPropError } from './errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$/;
const IMAGE = /^[a-z0-9][a-z0-9._\-/:]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** Longest StatefulSet name: its pods carry `controller-revision-hash: <name>-<10 chars>` (63 max). */
export const MAX_STATEFULSET_NAME = 52;

/** Checks a DNS-1123 label (RFC 1123): lower-case alphanumerics and '-', at most `max` characters. */
export function checkDnsLabel(scope: IConstruct, prop: string, value: string, max = 63): void {
  check(typeof value === 'string' && DNS1123_LABEL.test(value), scope, prop, value,
    "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit");
  check(value.length <= max, scope, prop, value, `must be at most ${max} characters (it has ${value.length})`);
}

/** Checks a DNS-1123 subdomain (dots allowed), at most 253 characters. */
export function checkDnsSubdomain(scope: IConstruct, prop: string, value: string): void {
  check(typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value), scope, prop, value,
    "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters");
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
  check(typeof value === 'string' && PORT_NAME.test(value) && !value.includes('--') && /[a-z]/.test(value),
    scope, prop, value, "must be an IANA service name: lower-case letters, digits and single '-', with a letter");
  check(value.length <= 15, scope, prop, value, `must be at most 15 characters (it has ${value.length})`);
}

const UNIT_HINTS: Record<string, string> = {
  kb: 'Ki', k: 'k', mb: 'Mi', gb: 'Gi', tb: 'Ti', pb: 'Pi', eb: 'Ei', kib: 'Ki', mib: 'Mi', gib: 'Gi', tib: 'Ti',
};

/** Checks a Kubernetes resource quantity such as `10Gi`, `500m` or `1.5`, and suggests the right unit. */
export function checkQuantity(scope: IConstruct, prop: string, value: string): void {
  if (typeof value === 'string' && QUANTITY.test(value)) return;
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(value.trim()) : null;
  const hint = m && UNIT_HINTS[m[2].toLowerCase()];
  const rule = hint
    ? `must be a Kubernetes quantity: did you mean "${m![1]}${hint}"? (binary units are Ki, Mi, Gi, Ti)`
    : 'must be a Kubernetes quantity: a number with an optional unit, e.g. "10Gi", "512Mi" or "500m"';
  throw new InvalidPropError(scope, prop, value, rule);
}

/** Checks an image reference pinned to a tag or a digest (never an implicit `latest`). */
export function checkImage(scope: IConstruct, prop: string, value: string): void {
  check(typeof value === 'string' && IMAGE.test(value) && !/:latest$/.test(value), scope, prop, value,
    'must name a pinned tag or digest, e.g. "mysql:8.4.6" or "mysql@sha256:<digest>" (no implicit or explicit "latest")');
}

/** Checks an absolute, normalised path. */
export function checkAbsolutePath(scope: IConstruct, prop: string, value: string): void {
  check(typeof value === 'string' && value.startsWith('/') && !value.split('/').includes('..'), scope, prop, value,
    "must be an absolute path without '..'");
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
    check(host.length <= 253 && DNS1123_SUBDOMAIN.test(host), scope, prop, host,
      'must be a lower-case DNS name or an IPv4 address');
  }
}
