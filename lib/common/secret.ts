import type { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { configMapKey } from '../rules';
import { checkDnsSubdomain, checkRule } from './checks';
import { InvalidPropError } from './errors';

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
  checkSecretKeyRef(scope, prop, ref);
}

/** Checks the Secret name (a DNS-1123 subdomain) and key (a ConfigMap/Secret key) of a reference. */
export function checkSecretKeyRef(scope: IConstruct, prop: string, ref: SecretKeyRef): void {
  checkDnsSubdomain(scope, `${prop}.secretName`, ref.secretName);
  checkRule(scope, `${prop}.key`, ref.key, typeof ref.key === 'string' ? configMapKey(ref.key) : 'must be a string');
}


/**
 * One key of a Secret that must exist before the pods can start, in the one shape every construct
 * of this library reports them (`requiredSecrets`).
 */
export interface RequiredSecretKey {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Namespace it must exist in. @default - the namespace of the kubectl context */
  readonly namespace?: string;
  /** Key inside the Secret. */
  readonly key: string;
  /** What the value is, e.g. "password of the MySQL user root". */
  readonly purpose: string;
  /** Construct paths of the workloads that read it. */
  readonly usedBy: readonly string[];
}

/** Merges entries for the same Secret key (their `usedBy` lists are joined), keeping first-seen order. */
export function mergeRequiredSecrets(entries: readonly RequiredSecretKey[]): RequiredSecretKey[] {
  const merged = new Map<string, RequiredSecretKey>();
  for (const e of entries) {
    const id = `${e.namespace ?? ''}/${e.secretName}/${e.key}`;
    const seen = merged.get(id);
    merged.set(id, seen ? { ...seen, usedBy: [...new Set([...seen.usedBy, ...e.usedBy])] } : { ...e, usedBy: [...new Set(e.usedBy)] });
  }
  return [...merged.values()];
}
