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

/** How the server writes a quantity back: the format of the suffix it was given. */
type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_SUFFIXES: Readonly<Record<number, string>> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };

/**
 * `value` as the API server stores and returns it (`ParseQuantity`, then `Quantity.String()`), or
 * undefined if it is no quantity. The server keeps the text when it is already in its short form
 * (`500m`, `3Mi`, `1E3`); otherwise it writes the format of the suffix (binary `Ki`…, decimal `m`,
 * `k`…, or an exponent `e3`) with the largest suffix that keeps the number whole: `1024Mi` -> `1Gi`,
 * `1000m` -> `1`, `0.5` -> `500m`, `1.5Gi` -> `1536Mi`, `2000` -> `2k`; a binary quantity below 1024
 * or not whole is written in decimal (`0.5Ki` -> `512`). With `resourceList` (container resources,
 * claim sizes: the server's `SetDefaults_ResourceList`) the value is first rounded up to milli units
 * (`1n` -> `1m`). Written so, a quantity in a manifest is what the server keeps: a re-apply is no change.
 */
export function canonicalQuantity(value: string | number, options: { readonly resourceList?: boolean } = {}): string | undefined {
  const text = (typeof value === 'number' ? String(value) : value).trim();
  const q = parseQuantity(text);
  if (!q) return undefined;
  if (text === '0') return text;
  const kept = keptText(text);
  let nanos = q.nanos;
  if (options.resourceList) {
    const rem = nanos % MILLI_IN_NANOS;
    if (rem !== 0n) nanos += (nanos > 0n ? MILLI_IN_NANOS : -MILLI_IN_NANOS) - rem;
    if (kept && kept.scale >= -3) return text;
  } else if (kept) {
    return text;
  }
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  let format = formatOf(text);
  if (format === 'BinarySI' && (abs < 1024n * NANOS_PER_UNIT || abs % NANOS_PER_UNIT !== 0n)) format = 'DecimalSI';
  if (format === 'BinarySI') {
    let units = abs / NANOS_PER_UNIT;
    let power = 0;
    while (power < BINARY_SUFFIXES.length - 1 && units % 1024n === 0n) {
      units /= 1024n;
      power++;
    }
    return `${sign}${units}${BINARY_SUFFIXES[power]}`;
  }
  // abs nano units = mantissa * 10^exponent, with the exponent a multiple of 3 and the mantissa as small as that allows.
  let mantissa = abs;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const extra = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(extra);
  exponent -= extra;
  if (format === 'DecimalExponent') return `${sign}${mantissa}${exponent ? `e${exponent}` : ''}`;
  while (exponent > 18) {
    mantissa *= 1000n;
    exponent -= 3;
  }
  return `${sign}${mantissa}${DECIMAL_SUFFIXES[exponent]}`;
}

const MILLI_IN_NANOS = 1_000_000n;
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Whether `ParseQuantity`'s fast path keeps `text` as the quantity's string (it is in short form
 * already), and its scale (the decimal exponent of its last digit); undefined when the server
 * writes the quantity anew.
 */
function keptText(text: string): { scale: number } | undefined {
  const m = /^([+-]?)0*(\d*)(?:\.(\d*))?(\D.*|)$/.exec(text);
  if (!m) return undefined;
  const num = m[2] || '0';
  const denom = m[3] ?? '';
  const suffix = m[4];
  const shifted = num + denom;
  if (Object.prototype.hasOwnProperty.call(BINARY, suffix)) {
    const exponent = BINARY[suffix];
    const precision = 15 - num.length - Math.floor(exponent * 3 / 10) - 1;
    if (denom.length || precision < 0 || BigInt(num) << BigInt(exponent) > INT64_MAX) return undefined;
    return BigInt(num) % 8n !== 0n ? { scale: 0 } : undefined;
  }
  let exponent: number;
  if (Object.prototype.hasOwnProperty.call(DECIMAL, suffix)) exponent = DECIMAL[suffix];
  else if (suffix.length > 1 && /^[eE][-+]?\d+$/.test(suffix)) exponent = Number(suffix.slice(1));
  else return undefined;
  const scale = exponent - denom.length;
  if (18 - shifted.length < 0 || scale < -9 || BigInt(shifted) > INT64_MAX) return undefined;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0' ? { scale } : undefined;
}

/** The format the server keeps for a quantity written as `text` (valid). */
function formatOf(text: string): QuantityFormat {
  const suffix = /[eEinumkKMGTP][-+0-9]*$|[KMGTPE]i$/.exec(text)?.[0] ?? '';
  if (Object.prototype.hasOwnProperty.call(BINARY, suffix)) return 'BinarySI';
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) return 'DecimalExponent';
  return 'DecimalSI';
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
