/**
 * Pods of a synthesized MySQLReplication StatefulSet, emulated on this machine.
 *
 * Each pod gets a directory with one subdirectory per volume (the data claim, the conf emptyDir,
 * the projected ConfigMap volumes), a TMPDIR per container, and its own loopback address
 * 127.x.y.1<ordinal> (a loopback network chosen free for the run). Containers run the commands and env of the pod template, with only what
 * the kubelet and the pod network would make different:
 * - HOSTNAME is the pod name;
 * - MEMBER_HOST_TEMPLATE is `<prefix>{ordinal}` (127.x.y.1, a loopback network chosen free for the run, or the
 *   cluster's own address prefix): the manifests' `<sts>-{ordinal}.<sts>` DNS names, mapped to the members' addresses;
 * - MYSQL_HOST and CLONE_LISTEN_ADDRESS are the pod's own address (a pod's 127.0.0.1 and
 *   0.0.0.0 are its own; here every member shares one network namespace);
 * - paths in a container's command (the script) and its DATA_DIR, CONF_DIR and CONFIG_MAP_DIR
 *   point at the pod's directories, through the container's volume mounts;
 * - TMPDIR is the container's own directory; PATH is the machine's, or (with `hideTools`) one
 *   directory of symlinks to everything on it except the hidden tools.
 * The main container has no command (the image entrypoint runs the server); that part is
 * emulated by server.ts.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Manifest } from '../support/manifests';
import { Container, PodTemplate } from './manifest';
import { Background, killAllGroups, run, RunResult, StopWaiting, tail, waitUntil } from './processes';
import {
  findTools, initializeLikeImageEntrypoint, installDatabase, ServerLayout, startServer, toolPath, writeServerOptionFile,
} from './server';
import { Account, SqlClient, SqlTarget } from './sql';

/**
 * The default loopback network of emulated pods: member n listens on `<prefix>n` (e.g. `127.83.17.1` + n).
 * {@link chooseMemberAddresses} picks a free one, so that two runs on one machine never share an address.
 */
let defaultAddressPrefix = '127.0.0.1';

/** The address of member `ordinal` (0..9): `<prefix><ordinal>`. */
export function memberAddress(ordinal: number, prefix = defaultAddressPrefix): string {
  if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal > 9) throw new Error(`ordinal ${ordinal} has no emulated address`);
  return `${prefix}${ordinal}`;
}


/** Env variables holding a directory inside the container. */
const DIRECTORY_VARS = ['DATA_DIR', 'CONF_DIR', 'CONFIG_MAP_DIR', 'BACKUP_REPO_DIR'];

/**
 * A random password with characters that break naive quoting in shells, option files and SQL:
 * space, quotes, backslashes (one at the end), backtick, `$(...)`, `#`, `;`, `%`, a tab and a
 * newline. (Not for the replication password: MariaDB keeps it in master.info, one value per
 * line, and a newline in it breaks replication after a restart, "Error reading master
 * configuration"; a server limitation, not the scripts'.)
 */
export function awkwardPassword(): string {
  const r = crypto.randomBytes(12).toString('base64url');
  return `${r.slice(0, 6)} '"\\\`$(id);#!&%=*\t\n${r.slice(6)}\\`;
}

export interface ClusterOptions {
  readonly objects: readonly Manifest[];
  readonly statefulSet: string;
  /** Temp dir for every pod (removed by `removeFiles`). */
  readonly root: string;
  /** The image's data directory and conf.d (the engine's `dataDir` / `confDir`). */
  readonly serverDataDir: string;
  readonly serverConfDir: string;
  /** The main (database) and backup sidecar container names. */
  readonly mainContainer: string;
  readonly sidecarContainer: string;
  readonly port: number;
  /** Tools the containers must not find (e.g. `ncat`, to run the scripts' fallback transport). */
  readonly hideTools?: readonly string[];
  /** The Secrets of the namespace: decoded values by Secret name and key (what the kubelet reads). @default - generated per key */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Members' addresses are `<addressPrefix><ordinal>`. @default '127.0.0.1' */
  readonly addressPrefix?: string;
  /** Host directories of existing claims (pod volumes with `persistentVolumeClaim`), by claim name. @default {} */
  readonly claims?: Readonly<Record<string, string>>;
  /** Fixed values of Secret keys (`<secret>/<key>`), e.g. credentials a test server expects. @default {} */
  readonly secretValues?: Readonly<Record<string, string>>;
  /** Take every other Secret value from this cluster (a cluster restored from its backup has its users). */
  readonly secretsFrom?: EmulatedCluster;
}

/**
 * A directory `bin` of symlinks to every file on `pathEnv` (first hit wins, as in a PATH lookup)
 * except `hidden`; returned as a PATH of that one directory.
 */
function pathWithout(pathEnv: string, hidden: readonly string[], bin: string): string {
  fs.mkdirSync(bin, { recursive: true });
  const seen = new Set(hidden);
  for (const dir of pathEnv.split(':').filter(Boolean)) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      fs.symlinkSync(path.join(dir, name), path.join(bin, name));
    }
  }
  return bin;
}

/** Env vars whose value must not hold a newline (see awkwardPassword). */
const NO_NEWLINE = new Set(['REPLICATION_PASSWORD']);

export class EmulatedCluster {
  private readonly randomSecrets = new Map<string, string>();
  /** The pod template and the objects it is read from (replaced by {@link apply}). */
  public template: PodTemplate;
  public readonly sql: SqlClient;
  public readonly tools: Record<string, string>;
  public readonly pathEnv: string;
  /** PATH of the containers: `pathEnv`, or a directory without the hidden tools. */
  public readonly containerPath: string;
  private readonly pods = new Map<number, EmulatedPod>();

  constructor(public readonly options: ClusterOptions) {
    this.pathEnv = toolPath();
    this.tools = findTools(this.pathEnv);
    this.containerPath = options.hideTools?.length
      ? pathWithout(this.pathEnv, options.hideTools, path.join(options.root, 'bin'))
      : this.pathEnv;
    this.template = PodTemplate.of(options.objects, options.statefulSet);
    this.sql = new SqlClient(path.join(options.root, 'client'), { PATH: this.pathEnv });
  }

  /**
   * The value of Secret key `name`/`key` (read into env `envName`). With `secrets`, from there: a
   * missing one is an error, as the kubelet refuses to create a container whose env reads it
   * (CreateContainerConfigError). Otherwise a fixed value, another cluster's, or a random awkward
   * password, the same for every pod.
   */
  public secret(name: string, key: string, envName = ''): string {
    if (this.options.secrets) {
      const given = this.options.secrets[name]?.[key];
      if (given === undefined) throw new Error(`CreateContainerConfigError: couldn't find key ${key} in Secret ${name}`);
      return given;
    }
    const id = `${name}/${key}`;
    const fixed = this.options.secretValues?.[id];
    if (fixed !== undefined) return fixed;
    if (this.options.secretsFrom) return this.options.secretsFrom.secret(name, key, envName);
    let v = this.randomSecrets.get(id);
    if (v === undefined) {
      // MariaDB keeps the replication password in master.info, one value per line: no newline there.
      v = NO_NEWLINE.has(envName) ? awkwardPassword().replace(/\n/g, '') : awkwardPassword();
      this.randomSecrets.set(id, v);
    }
    return v;
  }

  public get addressPrefix(): string {
    return this.options.addressPrefix ?? defaultAddressPrefix;
  }

  public pod(ordinal: number): EmulatedPod {
    let p = this.pods.get(ordinal);
    if (!p) {
      p = new EmulatedPod(this, ordinal);
      this.pods.set(ordinal, p);
    }
    return p;
  }

  /**
   * Applies new manifests of the same cluster (another `primary`): containers started from now on read their
   * env (the topology ConfigMap) and ConfigMap volumes from them, as after a `kubectl apply`.
   */
  public apply(objects: readonly Manifest[]): void {
    this.template = PodTemplate.of(objects, this.options.statefulSet);
  }

  /** The main container's env with its Secret values (for the accounts the test logs in with). */
  public mainEnv(): Record<string, string> {
    return this.template.env(this.template.container(this.options.mainContainer), (n, k) => this.secret(n, k));
  }

  /** root, as the scripts log in (MYSQL_ROOT_PASSWORD). */
  public root(): Account {
    return { user: 'root', password: this.mainEnv().MYSQL_ROOT_PASSWORD };
  }

  /** The application account (MYSQL_USER / MYSQL_PASSWORD). */
  public app(): Account {
    const env = this.mainEnv();
    return { user: env.MYSQL_USER, password: env.MYSQL_PASSWORD };
  }

  /**
   * Maps a member's DNS name (`<sts>-<ordinal>.<sts>...`, as in endpoints) to its address, or the DNS name of a
   * Service that selects one member by its pod name (the write Service) to that member's.
   */
  public resolve(host: string): string {
    const service = this.template.objects.find((o) => o.kind === 'Service' && o.metadata.name === host.split('.')[0]);
    const podName: string | undefined = service?.spec.selector?.['statefulset.kubernetes.io/pod-name'];
    if (podName !== undefined) return this.resolve(`${podName}.${this.options.statefulSet}`);
    const m = /^(.+)-(\d+)\.([^.]+)(\..*)?$/.exec(host);
    if (!m || m[1] !== this.options.statefulSet || m[3] !== this.options.statefulSet) {
      throw new Error(`${host} is not a member DNS name of ${this.options.statefulSet}`);
    }
    return memberAddress(Number(m[2]), this.addressPrefix);
  }

  /** Stops every pod (SIGTERM, then SIGKILL), then kills anything left. */
  public async stopAll(): Promise<void> {
    try {
      await Promise.all([...this.pods.values()].map((p) => p.stop('SIGTERM')));
    } finally {
      killAllGroups();
    }
  }

  public removeFiles(): void {
    fs.rmSync(this.options.root, { recursive: true, force: true });
  }
}

/** The outcome of one init container. */
export interface InitResult {
  readonly container: string;
  readonly code: number | null;
  readonly stderr: string;
}

export class EmulatedPod {
  public readonly name: string;
  public readonly address: string;
  public readonly dir: string;
  public server?: Background;
  public sidecar?: Background;
  /** Init container results of every start, oldest first. */
  public readonly initRuns: InitResult[][] = [];
  private starts = 0;
  private sidecarStarts = 0;

  constructor(private readonly cluster: EmulatedCluster, public readonly ordinal: number) {
    this.name = `${cluster.options.statefulSet}-${ordinal}`;
    this.address = memberAddress(ordinal, cluster.addressPrefix);
    this.dir = path.join(cluster.options.root, this.name);
  }

  private get template(): PodTemplate {
    return this.cluster.template;
  }

  private container(name: string): Container {
    return this.template.container(name);
  }

  /** The pod-local directory of a volume (a claim survives pod restarts, an emptyDir does not). */
  public volumeDir(volume: string): string {
    const claim = this.template.claimName(volume);
    if (claim !== undefined) {
      const dir = this.cluster.options.claims?.[claim];
      if (!dir) throw new Error(`${this.name}: volume ${volume} is claim ${claim}, which the test gave no directory (ClusterOptions.claims)`);
      return dir;
    }
    return path.join(this.dir, 'volumes', volume);
  }

  /**
   * Translates `p`, a path inside `container`, through its volume mounts (the longest matching
   * mount wins). A path under no mount is in the container's own image filesystem, emulated as
   * rootfs/<container>/ (not created, never shared with another container).
   */
  public hostPath(container: Container, p: string): string {
    const mount = (container.volumeMounts ?? [])
      .filter((m) => p === m.mountPath || p.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
      .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    if (!mount) return path.join(this.dir, 'rootfs', container.name, p);
    const base = path.join(this.volumeDir(mount.name), mount.subPath ?? '');
    return path.join(base, path.relative(mount.mountPath, p));
  }

  /** The server's data directory and conf.d on this machine, and where it listens. */
  public get layout(): ServerLayout {
    const main = this.container(this.cluster.options.mainContainer);
    return {
      dataDir: this.hostPath(main, this.cluster.options.serverDataDir),
      confDir: this.hostPath(main, this.cluster.options.serverConfDir),
      runDir: path.join(this.dir, 'run'),
      address: this.address,
      port: this.cluster.options.port,
    };
  }

  /** Where the test connects to this member. */
  public get target(): SqlTarget {
    return { host: this.address, port: this.cluster.options.port };
  }

  /** The env a container of this pod runs with (see the file comment), plus `extra`. */
  public env(container: Container, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: Record<string, string> = {
      PATH: this.cluster.containerPath,
      ...this.template.env(container, (n, k, e) => this.cluster.secret(n, k, e)),
    };
    env.HOSTNAME = this.name;
    if ('MEMBER_HOST_TEMPLATE' in env) env.MEMBER_HOST_TEMPLATE = `${this.cluster.addressPrefix}{ordinal}`;
    if ('MYSQL_HOST' in env) env.MYSQL_HOST = this.address;
    if ('CLONE_LISTEN_ADDRESS' in env) env.CLONE_LISTEN_ADDRESS = this.address;
    for (const v of DIRECTORY_VARS) {
      if (v in env) env[v] = this.hostPath(container, env[v]);
    }
    env.TMPDIR = path.join(this.dir, 'tmp', container.name);
    fs.mkdirSync(env.TMPDIR, { recursive: true });
    return { ...env, ...extra };
  }

  /** A container command with the paths under its mounts (the script) translated. */
  private argv(container: Container, argv: readonly string[]): string[] {
    if (argv.length === 0) throw new Error(`container ${container.name} has no command`);
    return argv.map((a) => (a.startsWith('/') ? this.hostPath(container, a) : a));
  }

  /** A new pod: fresh emptyDirs and ConfigMap volumes; claims (the data) are kept. */
  private createVolumes(): void {
    for (const volume of this.template.volumeNames()) {
      const dir = this.volumeDir(volume);
      const kind = this.template.volumeKind(volume);
      if (kind === 'existingClaim') {
        fs.mkdirSync(dir, { recursive: true });
        continue;
      }
      if (kind === 'claim') {
        fs.mkdirSync(dir, { recursive: true });
        continue;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      if (kind === 'configMap') {
        for (const f of this.template.configMapFiles(volume)) {
          fs.writeFileSync(path.join(dir, f.path), f.content);
          fs.chmodSync(path.join(dir, f.path), f.mode);
        }
      }
    }
    // subPath mounts are created by the kubelet when missing
    for (const c of [...this.template.initContainers, ...this.template.containers]) {
      for (const m of c.volumeMounts ?? []) {
        if (m.subPath) fs.mkdirSync(path.join(this.volumeDir(m.name), m.subPath), { recursive: true });
      }
    }
    fs.mkdirSync(path.join(this.dir, 'logs'), { recursive: true });
  }

  /**
   * Runs the init containers in order, as the kubelet does, stopping at the first that exits
   * non-zero. `extraEnv` is added to each.
   */
  public async runInitContainers(extraEnv: Record<string, string> = {}): Promise<InitResult[]> {
    this.createVolumes();
    const results: InitResult[] = [];
    this.initRuns.push(results);
    for (const c of this.template.initContainers) {
      const r: RunResult = await run(`${this.name} init container ${c.name}`, this.argv(c, this.template.argv(c)),
        { env: this.env(c, extraEnv), timeoutMs: 60000 });
      fs.appendFileSync(path.join(this.dir, 'logs', `${c.name}.log`), r.stderr + r.stdout);
      results.push({ container: c.name, code: r.code, stderr: r.stderr });
      if (r.code !== 0) break;
    }
    return results;
  }

  /** The stderr of init container `name` in the latest start. */
  public lastInitLog(name: string): string {
    const r = this.initRuns[this.initRuns.length - 1]?.find((x) => x.container === name);
    if (!r) throw new Error(`${this.name}: init container ${name} did not run in the latest start`);
    return r.stderr;
  }

  /**
   * Starts the pod: init containers (each must exit 0), then the database container (its
   * entrypoint: first-start initialization when the data dir is empty, then mariadbd) and the
   * backup sidecar side by side; resolves once the readiness probe passes.
   */
  public async start(): Promise<void> {
    if (this.server?.running || this.sidecar?.running) throw new Error(`${this.name} is already running`);
    this.starts += 1;
    const results = await this.runInitContainers();
    const failed = results.find((r) => r.code !== 0);
    if (failed) throw new Error(`${this.name}: init container ${failed.container} exited with ${failed.code}:\n${tail(failed.stderr)}`);

    const main = this.container(this.cluster.options.mainContainer);
    const mainEnv = this.env(main) as Record<string, string>;
    const layout = this.layout;
    const optionFile = path.join(this.dir, 'run', 'server.cnf');
    writeServerOptionFile(optionFile, layout);
    const firstStart = !fs.existsSync(path.join(layout.dataDir, 'mysql'));
    if (firstStart && this.ordinal > 0) {
      throw new Error(`${this.name}: the data dir is still empty after the init containers, so the image entrypoint `
        + `would initialize an empty replica (clone.sh did not seed it):\n${tail(this.lastInitLog('clone'))}`);
    }

    this.startSidecar();
    if (firstStart) await installDatabase(this.cluster.tools, optionFile, mainEnv);
    this.server = startServer(`${this.name} mariadbd`, this.cluster.tools, optionFile,
      path.join(this.dir, 'logs', `mariadbd-${this.starts}.log`), mainEnv);
    if (firstStart) {
      const initdb = this.hostPath(main, '/docker-entrypoint-initdb.d');
      await initializeLikeImageEntrypoint(this.cluster.tools, layout, this.server, initdb, mainEnv);
    }
    await this.waitReady();
  }

  /** Starts the backup sidecar (again): its log goes to logs/<name>-<n>.log. */
  public startSidecar(): Background {
    if (this.sidecar?.running) throw new Error(`${this.name}: the sidecar is already running`);
    const c = this.container(this.cluster.options.sidecarContainer);
    this.sidecarStarts += 1;
    this.sidecar = new Background(`${this.name} ${c.name}`, path.join(this.dir, 'logs', `${c.name}-${this.sidecarStarts}.log`),
      this.argv(c, this.template.argv(c)), this.env(c));
    return this.sidecar;
  }

  /** Runs the readiness probe's exec command once, in the main container's env. */
  public async readinessProbe(): Promise<RunResult> {
    const main = this.container(this.cluster.options.mainContainer);
    const command = main.readinessProbe?.exec?.command;
    if (!command) throw new Error(`container ${main.name} has no exec readiness probe`);
    return run(`${this.name} readiness probe`, this.argv(main, command), { env: this.env(main), timeoutMs: 15000 });
  }

  /** Polls the readiness probe (as the kubelet would) until it passes; fails at once if a container exits. */
  public async waitReady(timeoutMs = 60000): Promise<void> {
    await waitUntil(`${this.name} to become ready`, async () => {
      for (const p of [this.server, this.sidecar]) {
        if (p && !p.running) throw new StopWaiting(`${p.name} exited (${p.status})`);
      }
      const r = await this.readinessProbe();
      if (r.code !== 0) throw new Error(`readiness probe exit status ${r.code}: ${r.stderr.trim()}`);
      return true;
    }, { timeoutMs, intervalMs: 1000, detail: () => this.describe() });
  }

  /** Waits until the current sidecar has logged `text` (e.g. that it serves backups). */
  public async waitForSidecarLog(text: string, timeoutMs = 30000): Promise<void> {
    const sidecar = this.sidecar;
    if (!sidecar) throw new Error(`${this.name}: no sidecar was started`);
    await waitUntil(`${sidecar.name} to log "${text}"`, () => {
      if (sidecar.log().includes(text)) return true;
      if (!sidecar.running) throw new StopWaiting(`${sidecar.name} exited (${sidecar.status})`);
      return false;
    }, { timeoutMs, detail: () => sidecar.describe() });
  }

  /** The end of the server's and the sidecar's logs, for failure messages. */
  public describe(): string {
    return [this.server, this.sidecar].filter((p): p is Background => p !== undefined).map((p) => p.describe()).join('\n');
  }

  /** Stops the sidecar and the server with `signal` (SIGKILL after a grace period). */
  public async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await Promise.all([this.sidecar?.stop(signal), this.server?.stop(signal)]);
  }
}

/** Whether this process can listen on host:port (nobody else does). */
function canListen(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A loopback network (`127.<x>.<y>.1`: member n listens on `<prefix>n`) on which every member's ports are free,
 * picked at random, so that two test runs on one machine (or a leftover server of an interrupted run) never
 * collide; never one of `taken` (the networks of other clusters of the same run).
 */
export async function freeAddressPrefix(ordinals: readonly number[], ports: readonly number[], taken: readonly string[] = []): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const prefix = `127.${1 + Math.floor(Math.random() * 254)}.${Math.floor(Math.random() * 256)}.1`;
    if (taken.includes(prefix)) continue;
    let free = true;
    for (const n of ordinals) for (const port of ports) free = free && await canListen(memberAddress(n, prefix), port);
    if (free) return prefix;
  }
  throw new Error(`no free loopback network for the emulated pods (ports ${ports.join(', ')}) after 50 attempts`);
}

/** Makes a free loopback network ({@link freeAddressPrefix}) the default one of this run's emulated pods. */
export async function chooseMemberAddresses(ordinals: readonly number[], ports: readonly number[]): Promise<void> {
  defaultAddressPrefix = await freeAddressPrefix(ordinals, ports);
}

