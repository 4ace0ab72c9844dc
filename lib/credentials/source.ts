/** A `SecretStore` or `ClusterSecretStore` of the External Secrets Operator. */
export interface SecretStoreRef {
  /** Kind of the store. */
  readonly kind: 'SecretStore' | 'ClusterSecretStore';
  /** Its name. */
  readonly name: string;
}

/** Where one Secret key comes from in the store. */
export interface RemoteKey {
  /** The remote secret's key (path, name) in the store. */
  readonly key: string;
  /** A property (field) of that remote secret, for JSON secrets. @default - the whole value */
  readonly property?: string;
  /** A version of it. @default - the store's current version */
  readonly version?: string;
}

/**
 * The ESO `Password` generator (`generators.external-secrets.io/v1alpha1`) for some keys. The
 * ExternalSecret then uses `refreshPolicy: CreatedOnce`: the values are made once, when the
 * Secret does not exist, and never replaced by a refresh.
 */
export interface PasswordGeneratorOptions {
  /** The keys it fills, each with its own value. */
  readonly keys: readonly string[];
  /** Length. @default 32 */
  readonly length?: number;
  /** How many digits. @default - ESO's default, 25% of the length */
  readonly digits?: number;
  /** How many symbols. @default 0 (symbols break URLs, SQL and shell words) */
  readonly symbols?: number;
  /** The symbols to draw from. @default - ESO's default set */
  readonly symbolCharacters?: string;
  /** No upper-case letters. @default false */
  readonly noUpper?: boolean;
  /** Allow a character more than once. @default true */
  readonly allowRepeat?: boolean;
}

/** Options of {@link CredentialSource.external}. */
export interface ExternalCredentialOptions {
  /** The store to read from. */
  readonly storeRef: SecretStoreRef;
  /** Remote key of each Secret key read from the store: a string is the remote key itself. @default {} */
  readonly remoteKeys?: Readonly<Record<string, string | RemoteKey>>;
  /** How often ESO reads the store again (a Go duration). @default '1h' */
  readonly refreshInterval?: string;
  /** Generate these keys with the ESO `Password` generator instead of reading them. @default - none */
  readonly passwordGenerator?: PasswordGeneratorOptions;
}

/**
 * Where the values of one Secret come from. Chosen per Secret; the default is
 * {@link CredentialSource.generated}.
 */
export class CredentialSource {
  /**
   * Someone else creates the Secret (kubectl, a sealed secret, a vault agent, ...): it is listed in
   * `requiredSecrets` with every key and what it must look like.
   */
  public static existing(): CredentialSource {
    return new CredentialSource('existing');
  }

  /**
   * The {@link SecretGenerator} Job of the release (of the namespace, outside a Release) creates the
   * Secret, once, with values of the right shape, and later only adds missing keys: it never
   * changes a value that exists.
   */
  public static generated(): CredentialSource {
    return new CredentialSource('generated');
  }

  /** An `ExternalSecret` (`external-secrets.io/v1`) fills the Secret and its keys from a store. */
  public static external(options: ExternalCredentialOptions): CredentialSource {
    return new CredentialSource('external', options);
  }

  private constructor(
    /** Which source. */
    public readonly kind: 'existing' | 'generated' | 'external',
    /** The options of an external source. @default - none */
    public readonly external?: ExternalCredentialOptions,
  ) {}
}
