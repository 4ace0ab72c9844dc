/**
 * Kubernetes resource quantities exactly as `k8s.io/apimachinery/pkg/api/resource` parses them
 * (`ParseQuantity`, and `Quantity.UnmarshalJSON`, which trims white space first): a sign, digits
 * with an optional '.', then a suffix: binary SI (`Ki` … `Ei`), decimal SI (`n`, `u`, `m`, `k`,
 * `M` … `E`) or a decimal exponent (`e3`, `E-2`). Values are kept exactly, in nano units rounded
 * away from zero as the server does, so that they compare as the server compares them.
 */

/** A parsed quantity. */
export interface Quantity {
  /** The value in units of 10^-9, rounded up (away from zero) to a whole number as the server rounds. */
  readonly nanos: bigint;
}

const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Readonly<Record<string, number>> = { 'n': -9, 'u': -6, 'm': -3, '': 0, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };
const SUFFIX_CHARS = 'eEinumkKMGTP';
const NANOS_PER_UNIT = 1_000_000_000n;

/** The server's message for a quantity it cannot parse. */
export const QUANTITY_GRAMMAR = "must be a quantity: a number with an optional suffix (binary Ki, Mi, Gi, Ti, Pi, Ei; decimal n, u, m, k, M, G, T, P, E; or an exponent e3), e.g. '500m', '1.5Gi', '10'";

const cache = new Map<string, Quantity | null>();
const MAX_CACHED = 10_000;

/** The quantity `value` (a string, or a JSON number), or undefined if the server cannot parse it. */
export function parseQuantity(value: string | number): Quantity | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  let parsed = cache.get(text);
  if (parsed === undefined) {
    parsed = parse(text.trim()) ?? null;
    if (cache.size >= MAX_CACHED) {
      cache.clear();
    }
    cache.set(text, parsed);
  }
  return parsed ?? undefined;
}

/** Why `value` is not a quantity, or undefined if it is one. */
export function quantity(value: string | number): string | undefined {
  return parseQuantity(value) ? undefined : QUANTITY_GRAMMAR;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** Whether a quantity is a whole number (no fraction of a unit; for bytes and integer resources). */
export function isWholeQuantity(q: Quantity): boolean {
  return q.nanos % NANOS_PER_UNIT === 0n;
}

/** The grammar of `parseQuantityString` and the suffixes of `quantitySuffixer.interpret`. */
function parse(s: string): Quantity | undefined {
  const end = s.length;
  if (end === 0) {
    return undefined;
  }
  let pos = 0;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    pos++;
  }
  while (pos < end && s[pos] === '0') {
    pos++;
  }
  if (pos >= end) {
    return { nanos: 0n };
  }
  let i = pos;
  while (i < end && isDigit(s, i)) {
    i++;
  }
  const num = s.slice(pos, i) || '0';
  let denom = '';
  if (i < end && s[i] === '.') {
    const start = ++i;
    while (i < end && isDigit(s, i)) {
      i++;
    }
    denom = s.slice(start, i);
  }
  const suffixStart = i;
  while (i < end && SUFFIX_CHARS.includes(s[i])) {
    i++;
  }
  if (i < end && (s[i] === '-' || s[i] === '+')) {
    i++;
  }
  while (i < end && isDigit(s, i)) {
    i++;
  }
  if (i < end) {
    return undefined;
  }
  const suffix = s.slice(suffixStart);
  const mantissa = BigInt(num + denom);
  let nanos: bigint;
  if (Object.prototype.hasOwnProperty.call(BINARY, suffix)) {
    nanos = scaled(mantissa << BigInt(BINARY[suffix]), -denom.length);
  } else if (Object.prototype.hasOwnProperty.call(DECIMAL, suffix)) {
    nanos = scaled(mantissa, DECIMAL[suffix] - denom.length);
  } else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (!Number.isSafeInteger(exponent)) {
      return undefined;
    }
    nanos = scaled(mantissa, exponent - denom.length);
  } else {
    return undefined;
  }
  return { nanos: negative ? -nanos : nanos };
}

/** `mantissa * 10^exponent` in nano units, rounded up. */
function scaled(mantissa: bigint, exponent: number): bigint {
  const shift = exponent + 9;
  if (shift >= 0) {
    // Far beyond the server's cap (2^63-1 with scale 10^18 or so): capped, the exact size does not matter for comparisons.
    return mantissa * 10n ** BigInt(Math.min(shift, 400));
  }
  if (-shift > String(mantissa).length) {
    return mantissa === 0n ? 0n : 1n;
  }
  const divisor = 10n ** BigInt(-shift);
  const whole = mantissa / divisor;
  return mantissa % divisor === 0n ? whole : whole + 1n;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}
