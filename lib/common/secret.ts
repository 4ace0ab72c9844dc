import { k8s } from 'cdk8s-plus-28';

/**
 * A reference to one key of a Kubernetes Secret that the operator creates (never a value).
 *
 * Constructs hand these to each other as typed handles, so that a consumer never rebuilds a
 * Secret name or key from strings.
 */
export class SecretKeyRef {
  /** Refers to `key` in the Secret named `secretName` (in the consumer's namespace). */
  public static of(secretName: string, key: string): SecretKeyRef {
    return new SecretKeyRef(secretName, key);
  }

  private constructor(
    /** Name of the Secret. */
    public readonly secretName: string,
    /** Key inside the Secret. */
    public readonly key: string,
  ) {}

  /** The `valueFrom` source of an env var that reads this key. */
  public toEnvVarSource(): k8s.EnvVarSource {
    return { secretKeyRef: { name: this.secretName, key: this.key } };
  }
}
