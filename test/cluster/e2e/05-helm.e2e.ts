/**
 * The mysql release's Helm chart (dist/helm/mysql) through the seed's Helm life cycle on the real
 * node, with the commands as a user types them: install with --create-namespace, upgrade with
 * `--set secondary.replicaCount=2` (one more member), history, rollback to revision 1, uninstall,
 * install with `-f values.yaml`, and package, push to an OCI registry (a `docker-registry` this
 * file starts on 127.0.0.1) and install from there; `helm lint` on every chart. Rows written
 * before the upgrade are counted after the upgrade, the rollback and each new install, and the
 * data claims keep their UIDs throughout.
 *
 * SQL runs inside the pods with the root password from the container's env; no Secret value is
 * ever printed or put in an argument list.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { distDir, helm, httpGet, kubectl, kubectlJson, releaseFile, tryHelm, tryKubectl, waitJobComplete, waitPodReady, waitUntil } from '../support/kube';
import { phase } from '../support/report';

const ns = 'wordpress';
const chart = path.join(distDir, 'helm', 'mysql');
const selector = 'app.kubernetes.io/component=database,app.kubernetes.io/instance=mysql';
const table = 'helm_e2e.rows_before_upgrade';
const rowsWritten = 5;

/** The objects of the plain file, which the chart installs (without the Namespace). */
const chartObjects = parseAllDocuments(fs.readFileSync(releaseFile('mysql'), 'utf8')).map((d) => d.toJS()).filter((o) => o && o.kind !== 'Namespace');
const generatorJob = chartObjects.find((o) => o.kind === 'Job').metadata.name as string;
const chartVersion = String(parseAllDocuments(fs.readFileSync(path.join(chart, 'Chart.yaml'), 'utf8'))[0].toJS().version);

/** Helm's own folders and the registry's storage, removed in afterAll. */
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-e2e-'));
const helmEnv = { HELM_CONFIG_HOME: path.join(work, 'helm-config'), HELM_CACHE_HOME: path.join(work, 'helm-cache'), HELM_DATA_HOME: path.join(work, 'helm-data') };
const h = (args: string[]) => helm(args, { env: helmEnv, timeoutMs: 180_000 });

/** SQL on stdin to the mariadb container of a pod, as root with the password from the container's env. */
function sql(pod: string, statements: string): string {
  return kubectl(['-n', ns, 'exec', '-i', pod, '-c', 'mariadb', '--', 'sh', '-c', 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mariadb -uroot -N -B'], { input: statements }).trim();
}

/** Waits until a member answers with every row written before the upgrade. */
async function rowsOn(pod: string): Promise<number> {
  return waitUntil(`${pod} to hold the ${rowsWritten} rows`, () => {
    const n = Number(sql(pod, `SELECT COUNT(*) FROM ${table};`));
    return n === rowsWritten ? n : undefined;
  }, { timeoutMs: 60_000, intervalMs: 1000 });
}

function claimUids(): Record<string, string> {
  const claims = kubectlJson(['-n', ns, 'get', 'pvc']).items as any[];
  return Object.fromEntries(claims.filter((c) => !c.metadata.deletionTimestamp).map((c) => [c.metadata.name, c.metadata.uid]));
}

function members(): string[] {
  return (kubectlJson(['-n', ns, 'get', 'pods', '-l', selector]).items as any[]).map((p) => p.metadata.name).sort();
}

async function membersReady(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await waitPodReady(ns, `mysql-${i}`, 240_000);
  await waitUntil(`exactly ${n} mysql members`, () => members().length === n, { timeoutMs: 120_000 });
}

function history(): Array<{ revision: number; status: string; description: string; chart: string }> {
  return JSON.parse(h(['history', 'mysql', '-n', ns, '-o', 'json']));
}

/** `kubectl get` of a chart object: undefined when it is gone. */
function liveObject(o: any): any {
  const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  const r = tryKubectl(['-n', ns, 'get', `${o.kind}${group}`, o.metadata.name, '-o', 'json']);
  if (r.status !== 0 && /NotFound|not found/.test(r.stderr)) return undefined;
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

async function namespaceGone(): Promise<void> {
  tryKubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
  await waitUntil(`namespace ${ns} gone`, () => tryKubectl(['get', 'namespace', ns]).status !== 0, { timeoutMs: 180_000, intervalMs: 1000 });
}

/** A free port on 127.0.0.1 (the kernel's choice, released for the registry to take). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

let registry: ChildProcess | undefined;
let registryHost = '';
const registryLog = path.join(work, 'registry.log');

/** Debian's docker-registry (distribution v2.8) on a free port, plain HTTP, storage in the temp folder. */
async function startRegistry(): Promise<void> {
  const port = await freePort();
  registryHost = `127.0.0.1:${port}`;
  const config = path.join(work, 'registry.yml');
  fs.writeFileSync(config, [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(work, 'registry')}`,
    'http:',
    `  addr: ${registryHost}`,
    `  secret: helm-e2e-${port}`,
    '',
  ].join('\n'));
  const log = fs.openSync(registryLog, 'a');
  registry = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  await waitUntil(`docker-registry answering on ${registryHost}`, async () => (await httpGet(`http://${registryHost}/v2/`, { Connection: 'close' })).status === 200,
    { timeoutMs: 20_000, intervalMs: 200, diagnose: () => fs.readFileSync(registryLog, 'utf8') });
}

async function stopRegistry(): Promise<void> {
  if (!registry || registry.exitCode !== null) return;
  const exited = new Promise((resolve) => registry!.once('exit', resolve));
  registry.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 5000); })]);
  clearTimeout(timer);
  if (registry.exitCode === null && registry.signalCode === null) registry.kill('SIGKILL');
}

describe('the mysql Helm chart: the seed\'s life cycle with helm', () => {
  let claimsAtInstall: Record<string, string>;

  beforeAll(async () => {
    // Start from nothing: a run cut short may have left the namespace (02-mysql's, or this file's).
    tryHelm(['uninstall', 'mysql', '-n', ns], { env: helmEnv });
    await namespaceGone();
    await startRegistry();
  });

  afterAll(async () => {
    tryHelm(['uninstall', 'mysql', '-n', ns], { env: helmEnv });
    await namespaceGone();
    await stopRegistry();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('helm lint passes on every chart of dist/helm', () => {
    const charts = fs.readdirSync(path.join(distDir, 'helm')).sort();
    expect(charts).toEqual(['harbor', 'myapp', 'mysql', 'wordpress']);
    for (const c of charts) {
      const out = h(['lint', path.join(distDir, 'helm', c)]);
      expect({ chart: c, out }).toEqual({ chart: c, out: expect.stringContaining('1 chart(s) linted, 0 chart(s) failed') });
    }
  });

  test('helm install mysql dist/helm/mysql -n wordpress --create-namespace: two members Ready, the objects owned by the release', async () => {
    await phase('helm install mysql (2 members Ready)', async () => {
      h(['install', 'mysql', chart, '-n', ns, '--create-namespace']);
      await waitJobComplete(ns, generatorJob, 180_000);
      await membersReady(2);
    });
    expect(kubectlJson(['get', 'namespace', ns]).metadata.labels).toMatchObject({ name: ns }); // made by --create-namespace
    const sts = kubectlJson(['-n', ns, 'get', 'statefulset', 'mysql']);
    expect(sts.spec.replicas).toBe(2);
    expect(sts.metadata.labels['app.kubernetes.io/managed-by']).toBe('Helm');
    expect(sts.metadata.annotations).toMatchObject({ 'meta.helm.sh/release-name': 'mysql', 'meta.helm.sh/release-namespace': ns });
    for (const o of chartObjects) expect({ object: `${o.kind} ${o.metadata.name}`, live: liveObject(o) !== undefined }).toEqual({ object: `${o.kind} ${o.metadata.name}`, live: true });

    sql('mysql-0', [
      'CREATE DATABASE IF NOT EXISTS helm_e2e;',
      `CREATE TABLE ${table} (id INT PRIMARY KEY, note VARCHAR(64) NOT NULL);`,
      `INSERT INTO ${table} VALUES ${Array.from({ length: rowsWritten }, (_, i) => `(${i}, 'written at revision 1')`).join(', ')};`,
    ].join('\n'));
    expect(await rowsOn('mysql-0')).toBe(rowsWritten);
    expect(await rowsOn('mysql-1')).toBe(rowsWritten); // replicated
    claimsAtInstall = claimUids();
    expect(Object.keys(claimsAtInstall).sort()).toEqual(['data-mysql-0', 'data-mysql-1', 'mysql-backups']);
  });

  test('helm upgrade --set secondary.replicaCount=2 adds mysql-2, which clones the rows; the claims keep their UIDs', async () => {
    await phase('helm upgrade mysql (a third member)', async () => {
      h(['upgrade', 'mysql', chart, '-n', ns, '--set', 'secondary.replicaCount=2']);
      await membersReady(3);
    });
    expect(kubectlJson(['-n', ns, 'get', 'statefulset', 'mysql']).spec.replicas).toBe(3);
    for (const pod of ['mysql-0', 'mysql-1', 'mysql-2']) expect({ pod, rows: await rowsOn(pod) }).toEqual({ pod, rows: rowsWritten });
    const claims = claimUids();
    expect(claims).toEqual({ ...claimsAtInstall, 'data-mysql-2': expect.any(String) });
  });

  test('helm history shows both revisions; helm rollback mysql 1 scales back to 2, keeps data-mysql-2 and every row', async () => {
    expect(history().map(({ revision, status, description }) => ({ revision, status, description }))).toEqual([
      { revision: 1, status: 'superseded', description: 'Install complete' },
      { revision: 2, status: 'deployed', description: 'Upgrade complete' },
    ]);
    const before = claimUids();
    await phase('helm rollback mysql 1', async () => {
      h(['rollback', 'mysql', '1', '-n', ns]);
      await waitUntil('mysql-2 gone', () => !members().includes('mysql-2'), { timeoutMs: 120_000 });
      await membersReady(2);
    });
    expect(kubectlJson(['-n', ns, 'get', 'statefulset', 'mysql']).spec.replicas).toBe(2);
    expect(history().map(({ revision, status, description }) => ({ revision, status, description }))).toEqual([
      { revision: 1, status: 'superseded', description: 'Install complete' },
      { revision: 2, status: 'superseded', description: 'Upgrade complete' },
      { revision: 3, status: 'deployed', description: 'Rollback to 1' },
    ]);
    for (const pod of ['mysql-0', 'mysql-1']) expect({ pod, rows: await rowsOn(pod) }).toEqual({ pod, rows: rowsWritten });
    expect(claimUids()).toEqual(before); // whenScaled: Retain keeps data-mysql-2
  });

  test('helm uninstall deletes every object of the chart but the claims; the data claims, the backup claim and the generated Secret stay', async () => {
    const claims = claimUids();
    await phase('helm uninstall mysql', async () => {
      h(['uninstall', 'mysql', '-n', ns]);
      await waitUntil('every object of the chart but its claims gone', () => chartObjects.filter((o) => o.kind !== 'PersistentVolumeClaim').every((o) => liveObject(o) === undefined), { timeoutMs: 120_000 });
      await waitUntil('the mysql pods gone', () => members().length === 0, { timeoutMs: 180_000 });
    });
    expect(JSON.parse(h(['list', '-n', ns, '-o', 'json']))).toEqual([]);
    // Claims from the StatefulSet's claim template are no object of the chart (whenDeleted: Retain keeps
    // them); mysql-backups is one, and its helm.sh/resource-policy: keep keeps it.
    expect(claimUids()).toEqual(claims);
    // The generator Job made mysql-credentials outside the chart: it stays, so the kept data still opens.
    expect(tryKubectl(['-n', ns, 'get', 'secret', 'mysql-credentials', '-o', 'name']).stdout.trim()).toBe('secret/mysql-credentials');
  });

  test('helm install -f values.yaml (secondary.replicaCount: 0) reuses data-mysql-0 with its rows', async () => {
    const values = path.join(work, 'values.yaml');
    fs.writeFileSync(values, 'secondary:\n  replicaCount: 0\n');
    const claims = claimUids();
    await phase('helm install mysql -f values.yaml (1 member)', async () => {
      h(['install', 'mysql', chart, '-n', ns, '-f', values]);
      await membersReady(1);
    });
    expect(kubectlJson(['-n', ns, 'get', 'statefulset', 'mysql']).spec.replicas).toBe(1);
    expect(await rowsOn('mysql-0')).toBe(rowsWritten);
    expect(claimUids()).toEqual(claims);
  });

  test('helm package, helm push to an OCI registry, helm install from oci://: the default two members, every row there', async () => {
    h(['uninstall', 'mysql', '-n', ns]);
    await waitUntil('the mysql pods gone', () => members().length === 0, { timeoutMs: 180_000 });
    const claims = claimUids();
    const packaged = `mysql-${chartVersion}.tgz`;
    expect(h(['package', chart, '-d', work])).toContain(path.join(work, packaged));
    expect(h(['push', path.join(work, packaged), `oci://${registryHost}/charts`, '--plain-http'])).toContain(`Pushed: ${registryHost}/charts/mysql:${chartVersion}`);
    await phase('helm install mysql from oci:// (2 members)', async () => {
      h(['install', 'mysql', `oci://${registryHost}/charts/mysql`, '--version', chartVersion, '-n', ns, '--create-namespace', '--plain-http']);
      await membersReady(2);
    });
    expect(history().map(({ revision, status, chart: c }) => ({ revision, status, chart: c }))).toEqual([{ revision: 1, status: 'deployed', chart: `mysql-${chartVersion}` }]);
    for (const pod of ['mysql-0', 'mysql-1']) expect({ pod, rows: await rowsOn(pod) }).toEqual({ pod, rows: rowsWritten });
    expect(claimUids()).toEqual(claims);
  });
});
