/**
 * A real Prometheus (Debian's `prometheus` package, run on the node) configured the way the
 * Prometheus Operator configures one from a release's objects: a scrape job per PodMonitor (the
 * pods its selector picks, the port it names, labelled namespace/pod/container/endpoint, job
 * `<namespace>/<name>`) and the groups of every PrometheusRule as its rule file. Pod IPs are
 * reachable from the node. Start it once the pods are Ready: their addresses are read at start.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { httpGet, kubectlJson, waitUntil } from './kube';

/**
 * The scrape job the Operator makes of a PodMonitor (its first endpoint), at `interval`. Debian's
 * Prometheus is built without Kubernetes discovery, so the pods are discovered here, as the
 * Operator's relabelling would keep them: the selector's pods, the containers with the endpoint's
 * port, labelled namespace, pod, container, endpoint; job `<namespace>/<name>`.
 */
function scrapeJob(monitor: any, interval: string): any {
  const ns = monitor.metadata.namespace;
  const endpoint = monitor.spec.podMetricsEndpoints[0];
  const selector = Object.entries(monitor.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = kubectlJson(['-n', ns, 'get', 'pods', '-l', selector]).items as any[];
  return {
    job_name: `${ns}/${monitor.metadata.name}`,
    scrape_interval: interval,
    metrics_path: endpoint.path ?? '/metrics',
    static_configs: pods.flatMap((pod) => (pod.spec.containers as any[]).flatMap((c) => (c.ports ?? [])
      .filter((p: any) => p.name === endpoint.port)
      .map((p: any) => ({
        targets: [`${pod.status.podIP}:${p.containerPort}`],
        labels: { namespace: ns, pod: pod.metadata.name, container: c.name, endpoint: endpoint.port },
      })))),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** One Prometheus process, its files in a temp directory. */
export class TestPrometheus {
  private constructor(private readonly child: ChildProcess, private readonly dir: string, public readonly url: string) {}

  /** Starts Prometheus for the PodMonitors and PrometheusRules among `objects`; waits until it is ready. */
  public static async start(objects: readonly any[], interval: string): Promise<TestPrometheus> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-prometheus-'));
    const rules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((r) => r.spec.groups);
    fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify({ groups: rules }));
    fs.writeFileSync(path.join(dir, 'prometheus.yaml'), YAML.stringify({
      global: { scrape_interval: interval, evaluation_interval: interval },
      rule_files: [path.join(dir, 'rules.yaml')],
      scrape_configs: objects.filter((o) => o.kind === 'PodMonitor').map((m) => scrapeJob(m, interval)),
    }));
    const port = await freePort();
    const log = fs.openSync(path.join(dir, 'prometheus.log'), 'w');
    const child = spawn('prometheus', [
      `--config.file=${path.join(dir, 'prometheus.yaml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ], { stdio: ['ignore', log, log] });
    fs.closeSync(log); // the child has its own copy
    const prometheus = new TestPrometheus(child, dir, `http://127.0.0.1:${port}`);
    try {
      await waitUntil('Prometheus ready', async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}:\n${prometheus.log()}`);
        return (await httpGet(`${prometheus.url}/-/ready`).catch(() => ({ status: 0 }))).status === 200;
      }, { timeoutMs: 60_000, diagnose: () => prometheus.log() });
    } catch (e) {
      await prometheus.stop();
      throw e;
    }
    return prometheus;
  }

  /** An instant query: each series' labels and value. */
  public async query(expr: string): Promise<{ labels: Record<string, string>; value: number }[]> {
    const r = await httpGet(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = JSON.parse(r.body);
    if (body.status !== 'success') throw new Error(`query ${expr}: ${r.body}`);
    return body.data.result.map((s: any) => ({ labels: s.metric, value: Number(s.value[1]) }));
  }

  /** The alerts Prometheus holds now (pending or firing). */
  public async alerts(): Promise<{ name: string; state: string; labels: Record<string, string>; annotations: Record<string, string> }[]> {
    const body = JSON.parse((await httpGet(`${this.url}/api/v1/alerts`)).body);
    return body.data.alerts.map((a: any) => ({ name: a.labels.alertname, state: a.state, labels: a.labels, annotations: a.annotations }));
  }

  /** The scrape targets, for diagnostics. */
  public async targets(): Promise<string> {
    const body = JSON.parse((await httpGet(`${this.url}/api/v1/targets`)).body);
    return body.data.activeTargets.map((t: any) => `${t.labels.pod} ${t.scrapeUrl} ${t.health} ${t.lastError}`).join('\n');
  }

  /** The last lines of its log. */
  public log(): string {
    return fs.readFileSync(path.join(this.dir, 'prometheus.log'), 'utf8').split('\n').slice(-30).join('\n');
  }

  /** Stops it and removes its files. */
  public async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
