/**
 * What the cluster suite's tests use to talk to the test cluster: kubectl and helm from the
 * harness's cache with its kubeconfig, bounded waits that fail with the pod's events, last logs
 * and `describe` output, and HTTP from this machine (which reaches pod and Service addresses).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';

/** The running cluster's facts, from the state file `cluster.sh up` writes. */
export interface ClusterState {
  readonly KUBECONFIG: string;
  readonly KUBERNETES_BIN: string;
  readonly KUBERNETES_VERSION: string;
  readonly HELM_BIN: string;
  readonly NODE_IP: string;
  readonly NODE_NAME: string;
  readonly POD_CIDR: string;
  readonly SERVICE_CIDR: string;
  readonly [key: string]: string;
}

export const clusterDir = process.env.CDK8S_STATEFUL_CLUSTER_DIR ?? '/var/tmp/cdk8s-stateful-cluster';
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const distDir = path.join(repoRoot, 'dist');

let cached: ClusterState | undefined;

/** The cluster's state; throws when no cluster is up. */
export function cluster(): ClusterState {
  if (cached) return cached;
  const file = path.join(clusterDir, 'state.env');
  if (!fs.existsSync(file)) throw new Error(`no test cluster is up (${file} is missing)`);
  const state: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    // printf %q quotes only what needs it; the values here are paths, addresses and names.
    if (m) state[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  cached = state as unknown as ClusterState;
  return cached;
}

/** The outcome of a command that may fail. */
export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of a command run. */
export interface RunOptions {
  /** Standard input. */
  readonly input?: string;
  /** Hard limit. @default 120 s */
  readonly timeoutMs?: number;
  /** Extra environment. */
  readonly env?: Record<string, string>;
}

/** Runs a program, never throwing. */
export function run(program: string, args: readonly string[], options: RunOptions = {}): Run {
  const result = spawnSync(program, args, {
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, KUBECONFIG: cluster().KUBECONFIG, ...options.env },
  });
  return {
    status: result.status ?? -1,
    stdout: result.stdout ?? '',
    stderr: (result.stderr ?? '') + (result.error ? String(result.error) : ''),
  };
}

function check(what: string, r: Run): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${r.stderr.trim()}\n${r.stdout.trim()}`.trim());
  return r.stdout;
}

/** kubectl with the cluster's admin kubeconfig; throws with its stderr when it fails. */
export function kubectl(args: readonly string[], options: RunOptions = {}): string {
  return check(`kubectl ${args.join(' ')}`, tryKubectl(args, options));
}

/** kubectl, never throwing. */
export function tryKubectl(args: readonly string[], options: RunOptions = {}): Run {
  return run(path.join(cluster().KUBERNETES_BIN, 'kubectl'), args, options);
}

/** kubectl … -o json, parsed. */
export function kubectlJson<T = any>(args: readonly string[]): T {
  return JSON.parse(kubectl([...args, '-o', 'json'])) as T;
}

/** helm (built from helm.sh/helm/v4) against the cluster; throws when it fails. */
export function helm(args: readonly string[], options: RunOptions = {}): string {
  return check(`helm ${args.join(' ')}`, tryHelm(args, options));
}

/** helm, never throwing. */
export function tryHelm(args: readonly string[], options: RunOptions = {}): Run {
  return run(path.join(cluster().HELM_BIN, 'helm'), args, { timeoutMs: 600_000, ...options });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Options of waitUntil. */
export interface WaitOptions {
  /** How long to wait. @default 180 s */
  readonly timeoutMs?: number;
  /** Between tries. @default 1 s */
  readonly intervalMs?: number;
  /** What to add to the error when time runs out (pod diagnostics, say). */
  readonly diagnose?: () => string;
}

/**
 * Polls `probe` until it returns a value other than undefined/false and returns that value.
 * When time runs out, throws an error naming `what`, the last thing the probe threw and what
 * `diagnose` says.
 */
export async function waitUntil<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) {
      const more = options.diagnose ? `\n${options.diagnose()}` : '';
      throw new Error(`timed out after ${Math.round((options.timeoutMs ?? 180_000) / 1000)} s waiting for ${what}`
        + (last ? `\nlast error: ${last}` : '') + more);
    }
    await sleep(options.intervalMs ?? 1000);
  }
}

/** Events, `describe` output and the last log lines of every container of the pods a selector picks. */
export function podDiagnostics(namespace: string, selector: string): string {
  const pods = tryKubectl(['-n', namespace, 'get', 'pods', '-l', selector, '-o', 'name']).stdout.split('\n').filter(Boolean);
  return diagnosticsOf(namespace, pods);
}

/** The same for named pods (`pod/<name>`). */
function diagnosticsOf(namespace: string, pods: readonly string[]): string {
  const parts = [`--- pods in ${namespace}:\n${tryKubectl(['-n', namespace, 'get', 'pods', '-o', 'wide']).stdout}`];
  for (const pod of pods) {
    parts.push(`--- kubectl describe ${pod}:\n${tryKubectl(['-n', namespace, 'describe', pod]).stdout}`);
    const logs = tryKubectl(['-n', namespace, 'logs', pod, '--all-containers', '--prefix', '--tail=30']);
    parts.push(`--- last logs of ${pod}:\n${logs.stdout}${logs.stderr}`);
    const previous = tryKubectl(['-n', namespace, 'logs', pod, '--all-containers', '--prefix', '--tail=30', '--previous']);
    if (previous.status === 0 && previous.stdout.trim()) parts.push(`--- logs of ${pod} before its last restart:\n${previous.stdout}`);
  }
  parts.push(`--- events in ${namespace}:\n${tryKubectl(['-n', namespace, 'get', 'events', '--sort-by=.lastTimestamp']).stdout}`);
  return parts.join('\n');
}

function podReady(pod: any): boolean {
  return (pod?.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Waits until the named pod exists and is Ready; fails with the pod's diagnostics. */
export async function waitPodReady(namespace: string, pod: string, timeoutMs = 300_000): Promise<any> {
  return waitUntil(`pod ${namespace}/${pod} Ready`, () => {
    const r = tryKubectl(['-n', namespace, 'get', 'pod', pod, '-o', 'json']);
    if (r.status !== 0) return undefined;
    const p = JSON.parse(r.stdout);
    return podReady(p) ? p : undefined;
  }, { timeoutMs, intervalMs: 500, diagnose: () => diagnosticsOf(namespace, [`pod/${pod}`]) });
}

/** Waits until a Job has succeeded; fails with its pods' diagnostics, or at once if it failed. */
export async function waitJobComplete(namespace: string, job: string, timeoutMs = 300_000): Promise<void> {
  await waitUntil(`job ${namespace}/${job} complete`, () => {
    const j = kubectlJson(['-n', namespace, 'get', 'job', job]);
    const failed = (j.status?.conditions ?? []).find((c: any) => c.type === 'Failed' && c.status === 'True');
    if (failed) throw new Error(`job ${job} failed: ${failed.reason}: ${failed.message}\n${podDiagnostics(namespace, `job-name=${job}`)}`);
    return (j.status?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True');
  }, { timeoutMs, diagnose: () => podDiagnostics(namespace, `job-name=${job}`) });
}

/** A pod's data, or undefined when it does not exist. */
export function getPod(namespace: string, pod: string): any {
  const r = tryKubectl(['-n', namespace, 'get', 'pod', pod, '-o', 'json']);
  return r.status === 0 ? JSON.parse(r.stdout) : undefined;
}

/** An HTTP GET from this machine. */
export function httpGet(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** The release files of dist/ in the order `kubectl apply -f dist/` reads them. */
export function distFiles(): string[] {
  return fs.readdirSync(distDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(distDir, f));
}

/** The dist/ file of one release (`mysql` → dist/0001-mysql.k8s.yaml). */
export function releaseFile(release: string): string {
  const file = distFiles().find((f) => path.basename(f).replace(/^\d+-/, '') === `${release}.k8s.yaml`);
  if (!file) throw new Error(`dist/ has no file for release ${release}`);
  return file;
}
