/**
 * What the mysql and wordpress cluster checks share: SQL run inside the database pods (the
 * password comes from the container's own env, never an argument or an output), Secret values
 * held only in memory (hashed for comparison, searched for in logs, never printed), the Pod
 * Security facts of a namespace and the clean-up that lets the next file start from nothing.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { kubectlJson, releaseFile, Run, tryKubectl, waitUntil } from './kube';

/** Who runs a statement: root on the pod's own server, or the application user (MYSQL_USER/MYSQL_PASSWORD of the pod). */
export interface SqlAs {
  /** @default 'root' */
  readonly user?: 'root' | 'app';
  /** Host to connect to from inside the pod. @default 127.0.0.1 (the pod's own server) */
  readonly host?: string;
  /** Container to exec in. @default 'mariadb' */
  readonly container?: string;
}

/**
 * Runs `sql` (on stdin) with the mariadb client inside `pod`, never throwing. The password is read
 * from the container's env by the shell inside the pod (MYSQL_PWD), so it never appears in an
 * argument list, here or there. Output is tab-separated, without column names.
 */
export function trySql(namespace: string, pod: string, sql: string, as: SqlAs = {}): Run {
  const user = as.user ?? 'root';
  const env = user === 'root' ? 'MYSQL_ROOT_PASSWORD' : 'MYSQL_PASSWORD';
  const login = user === 'root' ? 'root' : '"$MYSQL_USER"';
  const host = as.host ?? '127.0.0.1';
  if (!/^[a-z0-9.-]+$/.test(host)) throw new Error(`not a host name: ${host}`);
  const script = `MYSQL_PWD="$${env}" exec mariadb --protocol=TCP -h ${host} -u${login} --batch --skip-column-names --connect-timeout=5`;
  return tryKubectl(['-n', namespace, 'exec', '-i', pod, '-c', as.container ?? 'mariadb', '--', 'sh', '-c', script], { input: sql, timeoutMs: 60_000 });
}

/** trySql, throwing with the client's error (never a password: the client does not print it). */
export function sql(namespace: string, pod: string, statement: string, as: SqlAs = {}): string {
  const r = trySql(namespace, pod, statement, as);
  if (r.status !== 0) throw new Error(`SQL on ${pod} as ${as.user ?? 'root'} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** SHOW SLAVE STATUS of a replica as a map of column to value. */
export function replicaStatus(namespace: string, pod: string): Record<string, string> {
  const r = tryKubectl(['-n', namespace, 'exec', '-i', pod, '-c', 'mariadb', '--', 'sh', '-c',
    'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mariadb --protocol=TCP -h 127.0.0.1 -uroot --vertical'], { input: 'SHOW SLAVE STATUS;' });
  if (r.status !== 0) throw new Error(`SHOW SLAVE STATUS on ${pod} exited ${r.status}: ${r.stderr.trim()}`);
  const status: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([A-Za-z_]+):\s?(.*)$/.exec(line);
    if (m) status[m[1]] = m[2];
  }
  return status;
}

/** The base64 data of a Secret; the values stay in memory and must never be printed. */
export function secretData(namespace: string, name: string): Record<string, string> {
  const secret = kubectlJson(['-n', namespace, 'get', 'secret', name]);
  return secret.data ?? {};
}

/** sha256 of each key's value: what a comparison may show. */
export function secretHashes(namespace: string, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(secretData(namespace, name))
    .map(([key, value]) => [key, createHash('sha256').update(value).digest('hex').slice(0, 16)]));
}

/** Every decoded value of every Secret of the namespace except service-account tokens, keyed `<secret>/<key>`. */
export function secretValues(namespace: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const s of kubectlJson(['-n', namespace, 'get', 'secrets']).items as any[]) {
    if (s.type === 'kubernetes.io/service-account-token') continue;
    for (const [key, value] of Object.entries<string>(s.data ?? {})) {
      values.set(`${s.metadata.name}/${key}`, Buffer.from(value, 'base64').toString('utf8'));
    }
  }
  return values;
}

/** The lines of the `spec` of a secret-generator ConfigMap: `[secret, key, shape, ...parameters]`. */
export function generatorSpec(namespace: string, configMap: string): string[][] {
  const cm = kubectlJson(['-n', namespace, 'get', 'configmap', configMap]);
  return String(cm.data.spec).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/));
}

/** The log of every container (init containers too, and the run before a restart) of every pod of the namespace. */
export function allLogs(namespace: string): { source: string; text: string }[] {
  const logs: { source: string; text: string }[] = [];
  for (const pod of kubectlJson(['-n', namespace, 'get', 'pods']).items as any[]) {
    const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c: any) => c.name as string);
    for (const c of containers) {
      for (const previous of [false, true]) {
        const r = tryKubectl(['-n', namespace, 'logs', pod.metadata.name, '-c', c, ...(previous ? ['--previous'] : [])]);
        if (r.status === 0) logs.push({ source: `${pod.metadata.name}/${c}${previous ? ' (previous)' : ''}`, text: r.stdout });
      }
    }
  }
  return logs;
}

/** Where a Secret value appears in a log: `<log source>: <secret>/<key>` (never the value). */
export function leakedSecrets(namespace: string): { checkedLogs: number; checkedValues: number; leaks: string[] } {
  const values = secretValues(namespace);
  const logs = allLogs(namespace);
  const leaks: string[] = [];
  for (const { source, text } of logs) {
    for (const [name, value] of values) {
      if (value.length >= 8 && text.includes(value)) leaks.push(`${source}: ${name}`);
    }
  }
  return { checkedLogs: logs.length, checkedValues: values.size, leaks };
}

/** The Pod Security labels of a namespace and every FailedCreate event in it that names PodSecurity. */
export function podSecurityFacts(namespace: string): { labels: Record<string, string>; refusals: string[] } {
  const labels = Object.fromEntries(Object.entries<string>(kubectlJson(['get', 'namespace', namespace]).metadata.labels ?? {})
    .filter(([k]) => k.startsWith('pod-security.kubernetes.io/')));
  const events = kubectlJson(['-n', namespace, 'get', 'events']).items as any[];
  const refusals = events
    .filter((e) => e.reason === 'FailedCreate' && /PodSecurity|pod-security/i.test(e.message ?? ''))
    .map((e) => `${e.involvedObject?.kind}/${e.involvedObject?.name}: ${e.message}`);
  return { labels, refusals };
}

/** The objects of a release file. */
export function distObjects(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter(Boolean);
}

/** A copy of a release's dist/ file, taken once, and its objects. */
export interface ReleaseSnapshot {
  /** The copy, for `kubectl apply -f`. */
  readonly file: string;
  readonly objects: any[];
}

/**
 * Copies a release's dist/ file aside (waiting up to a minute for it to exist) and parses it. A
 * check applies and reads the copy: a `cdk8s synth` run meanwhile (it empties dist/ while it writes)
 * must not pull the file from under a running check.
 */
export async function releaseSnapshot(release: string): Promise<ReleaseSnapshot> {
  const [name, text] = await waitUntil(`dist/ to hold the ${release} release`, () => {
    const source = releaseFile(release);
    const t = fs.readFileSync(source, 'utf8');
    YAML.parseAllDocuments(t).forEach((d) => { if (d.errors.length) throw d.errors[0]; });
    return [path.basename(source), t];
  }, { timeoutMs: 60_000 });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-e2e-')), name);
  fs.writeFileSync(file, text);
  return { file, objects: distObjects(file) };
}

/** Deletes the namespace, waits until it is gone, then deletes the PVs its claims left behind. */
export async function deleteNamespace(namespace: string): Promise<void> {
  tryKubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  await waitUntil(`namespace ${namespace} gone`, () => tryKubectl(['get', 'namespace', namespace]).status !== 0,
    { timeoutMs: 240_000, intervalMs: 2000, diagnose: () => tryKubectl(['get', 'namespace', namespace, '-o', 'yaml']).stdout });
  const pvs = (kubectlJson(['get', 'pv']).items as any[]).filter((pv) => pv.spec?.claimRef?.namespace === namespace);
  for (const pv of pvs) tryKubectl(['delete', 'pv', pv.metadata.name, '--wait=true', '--timeout=60s']);
}
