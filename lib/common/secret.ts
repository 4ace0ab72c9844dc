import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { check, InvalidPropError } from './errors';

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

/**
 * Checks a SecretKeyRef prop, and rejects the literal a JavaScript caller might pass instead
 * without ever printing it (error messages end up in CI logs).
 */
export function checkSecretRef(scope: IConstruct, prop: string, ref: unknown): asserts ref is SecretKeyRef {
  if (!(ref instanceof SecretKeyRef)) {
    const shown = ref === null ? 'null' : typeof ref === 'object' ? 'an object' : `a ${typeof ref}, not shown`;
    throw new InvalidPropError(scope, prop, `(${shown})`,
      'must be a SecretKeyRef, e.g. SecretKeyRef.of(secretName, key): passwords are never written into manifests');
  }
  check(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref.secretName) && ref.secretName.length <= 253, scope, `${prop}.secretName`,
    ref.secretName, 'must be a DNS-1123 subdomain (a Secret name)');
  check(/^[-._a-zA-Z0-9]+$/.test(ref.key) && ref.key.length <= 253, scope, `${prop}.key`, ref.key,
    "must consist of letters, digits, '-', '_' or '.' (a Secret key)");
}
