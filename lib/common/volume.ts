import { k8s } from 'cdk8s-plus-28';

/** A pod volume that is not a claim template: scratch space, a Secret, a ConfigMap or an existing claim. */
export class AppVolume {
  /** Scratch space that lives as long as the pod. */
  public static emptyDir(name: string, options: { medium?: 'Memory'; sizeLimit?: string } = {}): AppVolume {
    return new AppVolume(name, {
      emptyDir: {
        medium: options.medium,
        sizeLimit: options.sizeLimit ? k8s.Quantity.fromString(options.sizeLimit) : undefined,
      },
    });
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
    return new AppVolume(name, { persistentVolumeClaim: { claimName, readOnly: options.readOnly } });
  }

  private constructor(
    /** Volume name, referred to by volume mounts. */
    public readonly name: string,
    private readonly source: Omit<k8s.Volume, 'name'>,
  ) {}

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
