import { isIP } from '../rules';

/** Alphabets for {@link CredentialShape.password} and {@link CredentialShape.fixedLength}. */
export const ALPHABETS = {
  /** `A-Z a-z 0-9`: safe in URLs, SQL strings, option files, env vars and shell words. */
  alphanumeric: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  /** `a-z 0-9`. */
  lowerAlphanumeric: 'abcdefghijklmnopqrstuvwxyz0123456789',
  /** `0-9 a-f`: what `openssl rand -hex` makes. */
  hex: '0123456789abcdef',
} as const;

/**
 * Characters an alphabet may hold: printable ASCII without space, quotes are allowed; `-`, `\`,
 * `[` and `]` are not (the generator's `tr` would read them as ranges, escapes or classes).
 */
const ALPHABET_CHARS = /^[A-Za-z0-9!#$%&'()*+,./:;<=>?@^_`{|}~"]+$/;

/** Options of {@link CredentialShape.password}. */
export interface PasswordShapeOptions {
  /** Number of characters. @default 32 */
  readonly length?: number;
  /** The characters to draw from, each equally likely. @default ALPHABETS.alphanumeric */
  readonly alphabet?: string;
  /**
   * Character classes the password must contain at least once (e.g. Harbor's rule for the admin
   * password); the generator draws again until it does. @default [] (none)
   */
  readonly mustContain?: ReadonlyArray<CharacterClass>;
}

/** A character class a password may be required to contain. */
export type CharacterClass = 'lower' | 'upper' | 'digit';

const CLASS_PATTERNS: Record<CharacterClass, RegExp> = { lower: /[a-z]/, upper: /[A-Z]/, digit: /[0-9]/ };

/** Options of {@link CredentialShape.rsaPrivateKey}. */
export interface RsaPrivateKeyShapeOptions {
  /** Key size in bits. @default 4096 */
  readonly bits?: number;
}

/** Options of {@link CredentialShape.selfSignedCertificate}. */
export interface SelfSignedCertificateShapeOptions {
  /** The key of the same Secret that holds the RSA private key to sign with. */
  readonly privateKeyFrom: string;
  /** Subject common name, e.g. `harbor-token-ca`. */
  readonly commonName: string;
  /** Validity in days. @default 3650 */
  readonly days?: number;
  /**
   * DNS names of the subjectAltName (lower-case, `*.` for a wildcard), e.g. the Ingress hosts.
   * With `dnsNames` or `ipAddresses` the certificate is a TLS server certificate: also
   * `basicConstraints: CA:FALSE`, `keyUsage: digitalSignature, keyEncipherment` and
   * `extendedKeyUsage: serverAuth`, which browsers and Go clients (docker) require.
   * @default [] - no subjectAltName: a plain self-signed certificate (e.g. a token-signing key's)
   */
  readonly dnsNames?: readonly string[];
  /** IP addresses (IPv4 or IPv6) of the subjectAltName, for clients that use an address. @default [] */
  readonly ipAddresses?: readonly string[];
}

/** Options of {@link CredentialShape.htpasswdBcrypt}. */
export interface HtpasswdShapeOptions {
  /** The user name of the line. */
  readonly user: string;
  /** The key of the same Secret whose value is the password to hash. */
  readonly fromKey: string;
  /** bcrypt cost. @default 10 (what `htpasswd -B` uses) */
  readonly cost?: number;
}

/** What a shape is, for checks: the kind and its parameters. */
export type CredentialShapeKind = 'random' | 'rsa-private-key' | 'self-signed-certificate' | 'htpasswd-bcrypt';

/**
 * The shape of one Secret value: what a generator makes for it. Never a value: a shape is written
 * into the generator's spec (a ConfigMap) and compared between the constructs that ask for it.
 */
export class CredentialShape {
  /** A random password of `length` characters of `alphabet`. */
  public static password(options: PasswordShapeOptions = {}): CredentialShape {
    const length = options.length ?? 32;
    const alphabet = options.alphabet ?? ALPHABETS.alphanumeric;
    const classes = [...new Set(options.mustContain ?? [])].sort();
    const contains = classes.length ? `, with at least one ${classes.join(', one ')}` : '';
    return new CredentialShape('random', [String(length), alphabet, ...classes.length ? [classes.join('+')] : []],
      `password of ${length} characters of ${describeAlphabet(alphabet)}${contains}`);
  }

  /** A random key of exactly `length` characters of `alphabet` (e.g. Harbor's 16-character secret key). */
  public static fixedLength(length: number, alphabet: string = ALPHABETS.alphanumeric): CredentialShape {
    return new CredentialShape('random', [String(length), alphabet], `exactly ${length} characters of ${describeAlphabet(alphabet)}`, undefined, true);
  }

  /** An RSA private key, PEM (PKCS#8, `BEGIN PRIVATE KEY`). */
  public static rsaPrivateKey(options: RsaPrivateKeyShapeOptions = {}): CredentialShape {
    const bits = options.bits ?? 4096;
    return new CredentialShape('rsa-private-key', [String(bits)], `RSA ${bits} private key (PEM)`);
  }

  /**
   * A self-signed X.509 certificate (PEM) of the private key in key `privateKeyFrom` of the same
   * Secret; with `dnsNames` or `ipAddresses`, a TLS server certificate for those names.
   */
  public static selfSignedCertificate(options: SelfSignedCertificateShapeOptions): CredentialShape {
    const days = options.days ?? 3650;
    const names = [...(options.dnsNames ?? []).map(n => `DNS:${n}`), ...(options.ipAddresses ?? []).map(a => `IP:${a}`)];
    const san = names.join(',');
    return new CredentialShape('self-signed-certificate', [options.privateKeyFrom, String(days), options.commonName, ...san ? [san] : []],
      `self-signed ${san ? 'TLS server ' : ''}certificate CN=${options.commonName}${san ? ` for ${names.map(n => n.replace(/^[A-Z]+:/, '')).join(', ')}` : ''}, ` +
      `${days} days, of key ${options.privateKeyFrom} (PEM)`, options.privateKeyFrom);
  }

  /** An htpasswd line `user:<bcrypt hash>` of the password in key `fromKey` of the same Secret. */
  public static htpasswdBcrypt(options: HtpasswdShapeOptions): CredentialShape {
    const cost = options.cost ?? 10;
    return new CredentialShape('htpasswd-bcrypt', [options.fromKey, String(cost), options.user],
      `htpasswd line ${options.user}:<bcrypt, cost ${cost}> of key ${options.fromKey}`, options.fromKey);
  }

  private constructor(
    /** What the generator makes. */
    public readonly kind: CredentialShapeKind,
    /** The parameters, in the order of the generator's spec line. */
    public readonly params: readonly string[],
    /** One line for people: docs, `generatedSecrets`, error messages. */
    public readonly description: string,
    /** The key of the same Secret a derived value is made from. @default - not derived */
    public readonly derivedFrom?: string,
    /** Whether the consumer needs exactly this length (a password may be longer). @default false */
    public readonly exactLength: boolean = false,
  ) {}

  /** The shape as the generator's spec reads it (after `<secret> <key> `). */
  public specFields(): string {
    return [this.kind, ...this.params].join(' ');
  }

  /** Whether two shapes make the same kind of value with the same parameters. */
  public equals(other: CredentialShape): boolean {
    return this.specFields() === other.specFields();
  }
}

function describeAlphabet(alphabet: string): string {
  for (const [name, chars] of Object.entries(ALPHABETS)) {
    if (chars === alphabet) return name;
  }
  return `"${alphabet}"`;
}

/** Why a shape's parameters are invalid, or undefined. Checked at synth time by every user of a shape. */
export function shapeProblem(shape: CredentialShape): string | undefined {
  const intIn = (v: string, min: number, max: number) => /^[0-9]+$/.test(v) && Number(v) >= min && Number(v) <= max;
  switch (shape.kind) {
    case 'random': {
      const [length, alphabet, classes] = shape.params;
      if (!intIn(length, 1, 4096)) return `length ${length} must be an integer from 1 to 4096`;
      for (const c of classes ? classes.split('+') : []) {
        const pattern = CLASS_PATTERNS[c as CharacterClass];
        if (!pattern) return `mustContain "${c}" must be lower, upper or digit`;
        if (!pattern.test(alphabet)) return `alphabet has no ${c} character, which mustContain requires`;
      }
      if (classes && classes.split('+').length > Number(length)) return `length ${length} is too short for mustContain ${classes}`;
      if (!ALPHABET_CHARS.test(alphabet)) return 'alphabet must be printable ASCII without space, "-", "\\", "[" or "]"';
      if (new Set(alphabet).size !== alphabet.length) return 'alphabet must not repeat a character (it would be more likely)';
      if (alphabet.length < 2) return 'alphabet must have at least 2 characters';
      return undefined;
    }
    case 'rsa-private-key':
      return [2048, 3072, 4096].includes(Number(shape.params[0])) ? undefined : `bits ${shape.params[0]} must be 2048, 3072 or 4096`;
    case 'self-signed-certificate': {
      const [, days, commonName, san] = shape.params;
      if (!intIn(days, 1, 36500)) return `days ${days} must be an integer from 1 to 36500`;
      if (!/^[A-Za-z0-9]([A-Za-z0-9._-]{0,62})$/.test(commonName)) return `commonName "${commonName}" must be 1 to 63 letters, digits, ".", "_" or "-"`;
      return san === undefined ? undefined : subjectAltNameProblem(san.split(','));
    }
    case 'htpasswd-bcrypt': {
      const [, cost, user] = shape.params;
      if (!intIn(cost, 4, 31)) return `cost ${cost} must be an integer from 4 to 31`;
      if (!/^[A-Za-z0-9._-]{1,255}$/.test(user)) return `user "${user}" must be letters, digits, ".", "_" or "-"`;
      return undefined;
    }
  }
}

const DNS_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why subjectAltName entries (`DNS:<name>`, `IP:<address>`) are invalid, or undefined. */
function subjectAltNameProblem(entries: readonly string[]): string | undefined {
  if (entries.length > 100) return `a certificate takes at most 100 names, not ${entries.length}`;
  if (new Set(entries).size !== entries.length) return `subjectAltName names ${entries.find((e, i) => entries.indexOf(e) !== i)} twice`;
  for (const entry of entries) {
    const [, type, name] = /^(DNS|IP):([\s\S]*)$/.exec(entry) ?? [];
    if (type === 'DNS' && !(DNS_NAME.test(name) && name.length <= 253 && name.split('.').every(l => l.length <= 63))) {
      return `dnsNames "${name}" must be a lower-case DNS name (RFC 1123, "*." for a wildcard)`;
    }
    if (type === 'IP' && !isIP(name)) return `ipAddresses "${name}" must be an IPv4 or IPv6 address`;
    if (type === undefined) return `subjectAltName entry "${entry}" must be DNS:<name> or IP:<address>`;
  }
  return undefined;
}
