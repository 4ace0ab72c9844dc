import { k8s } from 'cdk8s-plus-28';
import { SecretKeyRef } from './secret';

/** The value of one environment variable: a literal, or a reference resolved by the kubelet. */
export class EnvValue {
  /** A literal value. Never use this for credentials: the validator rejects literal passwords. */
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

  /** A field of the pod, such as `metadata.name`, `metadata.namespace` or `status.podIP`. */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(
    private readonly source: Omit<k8s.EnvVar, 'name'>,
    /** The Secret key this value reads, for values made by {@link fromSecret}. */
    public readonly secretKeyRef?: SecretKeyRef,
  ) {}

  /** Renders the env var entry. */
  public toEnvVar(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}
