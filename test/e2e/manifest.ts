/**
 * What a pod of a StatefulSet would run, read from synthesized manifests: its containers (init
 * containers in order, the main container, sidecars) with their commands, env and mounts, and the
 * files of its ConfigMap volumes. Only reads objects; it knows nothing about the scripts.
 */
import { find, Manifest } from '../support/manifests';

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
  };
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
}

export interface Container {
  readonly name: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: EnvVar[];
  readonly envFrom?: unknown[];
  readonly volumeMounts?: VolumeMount[];
  readonly readinessProbe?: { readonly exec?: { readonly command: string[] } };
}

/** A file of a ConfigMap volume, as the kubelet would project it. */
export interface ProjectedFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export type VolumeKind = 'configMap' | 'emptyDir' | 'claim' | 'existingClaim';

export class PodTemplate {
  /** The pod template of StatefulSet `name` in `objects`. */
  public static of(objects: readonly Manifest[], name: string): PodTemplate {
    return new PodTemplate(objects, find(objects, 'StatefulSet', name));
  }

  /** The pod template of the Jobs of CronJob `name` in `objects`. */
  public static ofCronJob(objects: readonly Manifest[], name: string): PodTemplate {
    const cronJob = find(objects, 'CronJob', name);
    return new PodTemplate(objects, { metadata: cronJob.metadata, spec: { template: cronJob.spec.jobTemplate.spec.template } });
  }

  /** The pod template of Job `name` in `objects`. */
  public static ofJob(objects: readonly Manifest[], name: string): PodTemplate {
    const job = find(objects, 'Job', name);
    return new PodTemplate(objects, { metadata: job.metadata, spec: { template: job.spec.template } });
  }

  /** The name of the StatefulSet, CronJob or Job. */
  public readonly statefulSet: string;
  public readonly initContainers: readonly Container[];
  public readonly containers: readonly Container[];
  private readonly spec: Manifest;

  private constructor(public readonly objects: readonly Manifest[], private readonly sts: Manifest) {
    this.statefulSet = sts.metadata.name;
    this.spec = sts.spec.template.spec;
    this.initContainers = this.spec.initContainers ?? [];
    this.containers = this.spec.containers;
  }

  /** The init or regular container `name`. */
  public container(name: string): Container {
    const c = [...this.initContainers, ...this.containers].find((x) => x.name === name);
    if (!c) throw new Error(`StatefulSet ${this.statefulSet} has no container ${name}`);
    return c;
  }

  /** Names of the pod's volumes and of the StatefulSet's claim templates. */
  public volumeNames(): string[] {
    return [
      ...(this.spec.volumes ?? []).map((v: Manifest) => v.name as string),
      ...(this.sts.spec.volumeClaimTemplates ?? []).map((c: Manifest) => c.metadata.name as string),
    ];
  }

  public volumeKind(name: string): VolumeKind {
    const v = (this.spec.volumes ?? []).find((x: Manifest) => x.name === name);
    if (v?.configMap) return 'configMap';
    if (v?.emptyDir) return 'emptyDir';
    if (v?.persistentVolumeClaim) return 'existingClaim';
    if (!v && (this.sts.spec.volumeClaimTemplates ?? []).some((c: Manifest) => c.metadata.name === name)) return 'claim';
    throw new Error(`volume ${name} of ${this.statefulSet} is neither a ConfigMap, an emptyDir, a claim nor a claim template`);
  }

  /** The claim name of a pod volume of an existing claim, else undefined. */
  public claimName(volume: string): string | undefined {
    const v = (this.spec.volumes ?? []).find((x: Manifest) => x.name === volume);
    return v?.persistentVolumeClaim?.claimName;
  }

  /** The files a ConfigMap volume projects: its `items` (or every key), with their modes. */
  public configMapFiles(volume: string): ProjectedFile[] {
    const v = (this.spec.volumes ?? []).find((x: Manifest) => x.name === volume);
    if (!v?.configMap) throw new Error(`volume ${volume} is not a ConfigMap volume`);
    const data: Record<string, string> = find(this.objects, 'ConfigMap', v.configMap.name).data ?? {};
    const defaultMode: number = v.configMap.defaultMode ?? 0o644;
    const items: { key: string; path: string; mode?: number }[] = v.configMap.items
      ?? Object.keys(data).map((key) => ({ key, path: key }));
    return items.map((item) => {
      if (!(item.key in data)) throw new Error(`ConfigMap ${v.configMap.name} has no key ${item.key}`);
      return { path: item.path, content: data[item.key], mode: item.mode ?? defaultMode };
    });
  }

  /** The container's command and args. */
  public argv(container: Container): string[] {
    return [...(container.command ?? []), ...(container.args ?? [])];
  }

  /**
   * The container's environment as the kubelet builds it: plain values, ConfigMap keys of `objects`, and Secret references
   * through `secret(name, key, envName)`. Any other kind of reference is an error (the harness would
   * otherwise run with a variable missing).
   */
  public env(container: Container, secret: (name: string, key: string, envName: string) => string): Record<string, string> {
    if (container.envFrom?.length) throw new Error(`container ${container.name}: envFrom is not emulated`);
    const env: Record<string, string> = {};
    for (const e of container.env ?? []) {
      if (e.value !== undefined) {
        env[e.name] = e.value;
      } else if (!e.valueFrom) {
        env[e.name] = ''; // a name alone: set and empty
      } else if (e.valueFrom.secretKeyRef) {
        env[e.name] = secret(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key, e.name);
      } else if (e.valueFrom.configMapKeyRef) {
        const { name, key } = e.valueFrom.configMapKeyRef;
        const data: Record<string, string> = find(this.objects, 'ConfigMap', name).data ?? {};
        if (!(key in data)) throw new Error(`CreateContainerConfigError: couldn't find key ${key} in ConfigMap ${name}`);
        env[e.name] = data[key];
      } else {
        throw new Error(`container ${container.name}: env ${e.name} has a source the harness does not emulate: ${JSON.stringify(e.valueFrom)}`);
      }
    }
    return env;
  }
}
