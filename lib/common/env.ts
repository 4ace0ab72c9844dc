import type { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { envVarName, literalCredential } from '../rules';
import { checkRule } from './checks';
import { InvalidPropError, ShownValue } from './errors';
import { checkSecretKeyRef } from './secret';
import type { SecretKeyRef } from './secret';

/** The value of one environment variable: a literal, or a reference resolved by the kubelet. */
export class EnvValue {
  /** A literal value. Never use this for credentials: a credential-like name with a literal value is rejected. */
  public static fromValue(value: string): EnvValue {
    return new EnvValue({ value });
  }

  /** The value of a Secret key. */
  public static fromSecret(ref: SecretKeyRef): EnvValue {
    return new EnvValue({ valueFrom: ref.toEnvVarSource() }, ref);
  }

  /** The value of a ConfigMap key. */
  public static fromConfigMap(configMapName: string, key: string): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key } } });
  }

  /**
   * A field of the pod, such as `metadata.name`, `metadata.namespace` or `status.podIP`. Written with
   * `apiVersion: v1`, which the server fills in: `fieldRef` is an atomic struct, so without it a
   * server-side apply over a client-side one conflicts on it.
   */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  }

  private constructor(
    private readonly source: Omit<k8s.EnvVar, 'name'>,
    /** The Secret key this value reads, for values made by {@link fromSecret}. */
    public readonly secretKeyRef?: SecretKeyRef,
  ) {}

  /** The literal value, for values made by {@link fromValue}. */
  public get literal(): string | undefined {
    return this.source.value;
  }

  /**
   * Renders the env var entry. An empty literal is written as the name alone, as the server stores it
   * (the container sees the variable set and empty either way), so re-applying changes nothing.
   */
  public toEnvVar(name: string): k8s.EnvVar {
    return this.source.value === '' ? { name } : { name, ...this.source };
  }
}

/**
 * Checks env vars as the API server (1.28 rules) does, and the library's rule against credentials
 * in manifests: names, the Secret references of values, and no literal value under a
 * credential-like name (the value is never shown).
 */
export function checkEnv(scope: IConstruct, prop: string, env: Readonly<Record<string, EnvValue>> | undefined): void {
  for (const [name, value] of Object.entries(env ?? {})) {
    checkRule(scope, prop, name, envVarName(name));
    if (value.secretKeyRef) checkSecretKeyRef(scope, `${prop}.${name}`, value.secretKeyRef);
    const literal = value.literal;
    const rule = literal === undefined ? undefined : literalCredential(name, literal);
    if (rule !== undefined) {
      throw new InvalidPropError(scope, `${prop}.${name}`, new ShownValue('(a literal value, not shown)'),
        `${rule}: read it from a Secret with EnvValue.fromSecret(SecretKeyRef.of(secretName, key))`);
    }
  }
}
