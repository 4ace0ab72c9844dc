/**
 * A Job of a synthesized CronJob (the backup, the restore drill), or a synthesized Job (`kind: 'Job'`: the
 * switchover), emulated on this machine: its
 * init containers, then its containers, one after the other, each with the command, env and
 * mounts of the pod template, as a pod of `cluster` would see them (member DNS names mapped to
 * the members' addresses, paths through the mounts, existing claims from ClusterOptions.claims,
 * Secret values of the cluster). Each run gets fresh emptyDirs and ConfigMap volumes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Manifest } from '../support/manifests';
import { Container, PodTemplate } from './manifest';
import { EmulatedCluster } from './pod';
import { Background } from './processes';

/** Env variables holding a directory inside the container. */
const DIRECTORY_VARS = ['DATA_DIR', 'BACKUP_REPO_DIR'];

/** One container's outcome. */
export interface ContainerRun {
  readonly container: string;
  readonly status: string;
  readonly log: string;
}

export class EmulatedJob {
  public readonly template: PodTemplate;
  private runs = 0;
  private current?: Background;

  constructor(private readonly cluster: EmulatedCluster, objects: readonly Manifest[], public readonly cronJob: string,
    private readonly root: string, kind: 'CronJob' | 'Job' = 'CronJob') {
    this.template = kind === 'Job' ? PodTemplate.ofJob(objects, cronJob) : PodTemplate.ofCronJob(objects, cronJob);
  }

  /** The container running now, if any (to kill a Job halfway). */
  public get running(): Background | undefined {
    return this.current?.running ? this.current : undefined;
  }

  /** Runs one Job to its end; stops at the first container that does not exit 0. */
  public async run(): Promise<ContainerRun[]> {
    this.runs += 1;
    const dir = path.join(this.root, `${this.cronJob}-${this.runs}`);
    const volumes = this.createVolumes(dir);
    const results: ContainerRun[] = [];
    for (const c of [...this.template.initContainers, ...this.template.containers]) {
      const hostPath = (p: string) => this.hostPath(c, volumes, dir, p);
      const env: Record<string, string> = {
        PATH: this.cluster.containerPath,
        ...this.template.env(c, (n, k, e) => this.cluster.secret(n, k, e)),
        HOSTNAME: `${this.cronJob}-${this.runs}-emulated`,
        TMPDIR: path.join(dir, 'tmp', c.name),
      };
      fs.mkdirSync(env.TMPDIR, { recursive: true });
      if (env.BACKUP_SOURCE_HOST) env.BACKUP_SOURCE_HOST = this.cluster.resolve(env.BACKUP_SOURCE_HOST);
      if (env.MEMBER_HOST_TEMPLATE) env.MEMBER_HOST_TEMPLATE = `${this.cluster.addressPrefix}{ordinal}`;
      for (const v of DIRECTORY_VARS) if (v in env) env[v] = hostPath(env[v]);
      const argv = this.template.argv(c).map((a) => (a.startsWith('/') ? hostPath(a) : a));
      const logFile = path.join(dir, `${c.name}.log`);
      this.current = new Background(`${this.cronJob} job ${this.runs} ${c.name}`, logFile, argv, env);
      await this.current.exited;
      const result = { container: c.name, status: this.current.status ?? 'running', log: this.current.log() };
      this.current = undefined;
      results.push(result);
      if (result.status !== 'exit status 0') break;
    }
    return results;
  }

  private createVolumes(dir: string): Map<string, string> {
    const volumes = new Map<string, string>();
    for (const volume of this.template.volumeNames()) {
      const kind = this.template.volumeKind(volume);
      if (kind === 'existingClaim') {
        const claim = this.template.claimName(volume)!;
        const host = this.cluster.options.claims?.[claim];
        if (!host) throw new Error(`${this.cronJob}: claim ${claim} has no directory (ClusterOptions.claims)`);
        fs.mkdirSync(host, { recursive: true });
        volumes.set(volume, host);
        continue;
      }
      const host = path.join(dir, 'volumes', volume);
      fs.mkdirSync(host, { recursive: true });
      if (kind === 'configMap') {
        for (const f of this.template.configMapFiles(volume)) {
          fs.writeFileSync(path.join(host, f.path), f.content);
          fs.chmodSync(path.join(host, f.path), f.mode);
        }
      }
      volumes.set(volume, host);
    }
    return volumes;
  }

  /** `p` inside container `c`, through its mounts (the longest match wins). */
  private hostPath(c: Container, volumes: Map<string, string>, dir: string, p: string): string {
    const mount = (c.volumeMounts ?? [])
      .filter((m) => p === m.mountPath || p.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
      .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    if (!mount) return path.join(dir, 'rootfs', c.name, p);
    return path.join(volumes.get(mount.name)!, mount.subPath ?? '', path.relative(mount.mountPath, p));
  }
}
