import type { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkResourceQuantity } from './checks';
import { k8sQuantity } from './storage';

/** A pod volume that is not a claim template: scratch space, a Secret, a ConfigMap or an existing claim. */
export class AppVolume {
  /** Scratch space that lives as long as the pod. */
  public static emptyDir(name: string, options: { medium?: 'Memory'; sizeLimit?: string } = {}): AppVolume {
    return new AppVolume(name, {
      emptyDir: {
        medium: options.medium,
        sizeLimit: options.sizeLimit ? k8sQuantity(options.sizeLimit, { resourceList: false }) : undefined,
      },
    }, options.sizeLimit);
  }

  /** The keys of a Secret as files (mode 0440 by default: readable by the owner and the pod's fsGroup). */
  public static secret(name: string, secretName: string, options: { items?: Record<string, string>; defaultMode?: number } = {}): AppVolume {
    return new AppVolume(name, {
      secret: { secretName, defaultMode: options.defaultMode ?? 0o440, items: keyToPath(options.items) },
    });
  }

  /** The keys of an existing ConfigMap as files. */
  public static configMap(name: string, configMapName: string, options: { items?: Record<string, string>; defaultMode?: number } = {}): AppVolume {
    return new AppVolume(name, {
      configMap: { name: configMapName, defaultMode: options.defaultMode, items: keyToPath(options.items) },
    });
  }

  /** An existing PersistentVolumeClaim. */
  public static persistentVolumeClaim(name: string, claimName: string, options: { readOnly?: boolean } = {}): AppVolume {
    // `readOnly: false` is the default, which the API server drops: written only when true, so that a re-apply is a no-op.
    return new AppVolume(name, { persistentVolumeClaim: { claimName, readOnly: options.readOnly || undefined } });
  }

  private constructor(
    /** Volume name, referred to by volume mounts. */
    public readonly name: string,
    private readonly source: Omit<k8s.Volume, 'name'>,
    /** The size limit of an emptyDir volume, as given. */
    private readonly sizeLimit?: string,
  ) {}

  /** Checks the volume as the API server does, naming `prop` in errors: its name, Secret name, size limit. */
  public check(scope: IConstruct, prop: string): void {
    checkDnsLabel(scope, `${prop}.name`, this.name);
    const secretName = this.source.secret?.secretName;
    if (secretName !== undefined) checkDnsSubdomain(scope, `${prop}.secretName`, secretName);
    const configMapName = this.source.configMap?.name;
    if (configMapName !== undefined) checkDnsSubdomain(scope, `${prop}.configMapName`, configMapName);
    const claimName = this.source.persistentVolumeClaim?.claimName;
    if (claimName !== undefined) checkDnsSubdomain(scope, `${prop}.claimName`, claimName);
    if (this.sizeLimit !== undefined) checkResourceQuantity(scope, `${prop}.sizeLimit`, this.sizeLimit, 'bytes');
  }

  /** The Secret this volume mounts and the keys it lists, for volumes made by {@link secret}. */
  public get secretSource(): { readonly secretName: string; readonly keys: readonly string[] } | undefined {
    const src = this.source.secret;
    return src?.secretName ? { secretName: src.secretName, keys: (src.items ?? []).map(i => i.key) } : undefined;
  }

  /** Renders the pod volume. */
  public toVolume(): k8s.Volume {
    return { name: this.name, ...this.source };
  }
}

function keyToPath(items: Record<string, string> | undefined): k8s.KeyToPath[] | undefined {
  if (!items) return undefined;
  return Object.entries(items).map(([key, path]) => ({ key, path }));
}
