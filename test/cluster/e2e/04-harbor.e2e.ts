/**
 * The Harbor release (dist/0003-harbor.k8s.yaml) on the real node. Every object is accepted and
 * every pod admitted; the components whose programs Debian has (PostgreSQL, Valkey/Redis, the
 * registry, nginx for the portal) run from stand-in images and pass their probes. Harbor's own
 * Go services (core, jobservice, registryctl, the Trivy adapter) are in no registry reachable
 * here: those pods are listed with the reason they could not run, and the test asserts that it
 * is exactly that reason, so any other failure of theirs still fails it.
 */
import { kubectl, kubectlJson, podDiagnostics, releaseFile, tryKubectl, waitJobComplete, waitUntil } from '../support/kube';
import { phase } from '../support/report';

const ns = 'harbor';

/** Components with a stand-in image, by workload, and the containers that must be Ready. */
const standIns: Record<string, string[]> = {
  'harbor-database': ['database'],
  'harbor-redis': ['redis'],
  'harbor-portal': ['portal'],
  'harbor-registry': ['registry'],
};

/** Images no registry here serves (docs/testing.md): their containers wait on the pull. */
const unavailableImages = [
  'goharbor/harbor-core:v2.15.2',
  'goharbor/harbor-exporter:v2.15.2',
  'goharbor/harbor-jobservice:v2.15.2',
  'goharbor/harbor-registryctl:v2.15.2',
  'goharbor/trivy-adapter-photon:v2.15.2',
];

function workloads(): { kind: string; name: string; replicas: number; selector: Record<string, string> }[] {
  const out: { kind: string; name: string; replicas: number; selector: Record<string, string> }[] = [];
  for (const kind of ['deployment', 'statefulset']) {
    for (const w of kubectlJson(['-n', ns, 'get', kind]).items as any[]) {
      out.push({ kind, name: w.metadata.name, replicas: w.spec.replicas ?? 1, selector: w.spec.selector.matchLabels });
    }
  }
  return out;
}

function selectorOf(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

describe('harbor', () => {
  beforeAll(async () => {
    await phase('harbor applied, stand-in components Ready', async () => {
      kubectl(['apply', '-f', releaseFile('harbor')]);
      const job = (kubectlJson(['-n', ns, 'get', 'jobs']).items as any[]).find((j) => j.metadata.name.startsWith('harbor-secret-generator'));
      await waitJobComplete(ns, job.metadata.name);
      for (const w of workloads().filter((x) => standIns[x.name])) {
        await waitUntil(`${w.name}'s ${standIns[w.name].join(', ')} Ready`, () => {
          const pods = kubectlJson(['-n', ns, 'get', 'pods', '-l', selectorOf(w.selector)]).items as any[];
          return pods.length === w.replicas && pods.every((p) => standIns[w.name].every((c) =>
            (p.status.containerStatuses ?? []).some((s: any) => s.name === c && s.ready)));
        }, { timeoutMs: 300_000, diagnose: () => podDiagnostics(ns, selectorOf(w.selector)) });
      }
    });
  });

  afterAll(() => {
    tryKubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=180s']);
  });

  test('every object of the release is accepted by the API server', () => {
    const applied = kubectl(['apply', '-f', releaseFile('harbor'), '--dry-run=server', '-o', 'name']).trim().split('\n');
    const inFile = (kubectl(['create', '-f', releaseFile('harbor'), '--dry-run=client', '-o', 'name']).trim().split('\n'));
    expect(applied.sort()).toEqual(inFile.sort());
  });

  test('every workload got all its pods: none refused by admission (Pod Security included)', () => {
    for (const w of workloads()) {
      const pods = kubectlJson(['-n', ns, 'get', 'pods', '-l', selectorOf(w.selector)]).items as any[];
      expect({ workload: w.name, pods: pods.length }).toEqual({ workload: w.name, pods: w.replicas });
    }
    const refused = (kubectlJson(['-n', ns, 'get', 'events', '--field-selector', 'reason=FailedCreate']).items as any[])
      .map((e) => `${e.involvedObject.name}: ${e.message}`);
    expect(refused).toEqual([]);
  });

  test('the generator made every Secret the release reads', () => {
    const secrets = new Set((kubectlJson(['-n', ns, 'get', 'secrets']).items as any[]).map((s) => s.metadata.name));
    const read = new Set<string>();
    for (const p of kubectlJson(['-n', ns, 'get', 'pods']).items as any[]) {
      for (const v of p.spec.volumes ?? []) if (v.secret) read.add(v.secret.secretName);
      for (const c of [...(p.spec.initContainers ?? []), ...p.spec.containers]) {
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) read.add(e.valueFrom.secretKeyRef.name);
        for (const e of c.envFrom ?? []) if (e.secretRef) read.add(e.secretRef.name);
      }
    }
    for (const i of kubectlJson(['-n', ns, 'get', 'ingress']).items as any[]) {
      for (const t of i.spec.tls ?? []) read.add(t.secretName);
    }
    expect(read.size).toBeGreaterThan(3);
    expect([...read].filter((s) => !secrets.has(s))).toEqual([]);
  });

  test('the database has Harbor\'s registry database; Redis answers with the generated password only', () => {
    const dbs = kubectl(['-n', ns, 'exec', 'harbor-database-0', '-c', 'database', '--', 'psql', '-U', 'postgres', '-Atc', 'select datname from pg_database']);
    expect(dbs.split('\n')).toEqual(expect.arrayContaining(['registry']));
    // The password goes through the environment the container already has, never an argument.
    const ping = (auth: boolean) => kubectl(['-n', ns, 'exec', 'harbor-redis-0', '-c', 'redis', '--', 'sh', '-c',
      `cli=$(command -v redis-cli || command -v valkey-cli); ${auth ? 'REDISCLI_AUTH="$REDIS_PASSWORD" ' : ''}"$cli" ping`]).trim();
    expect(ping(true)).toBe('PONG');
    expect(ping(false)).toMatch(/^NOAUTH/);
  });

  test('the components without a stand-in wait on their image, and only those', () => {
    const waiting: string[] = [];
    for (const p of kubectlJson(['-n', ns, 'get', 'pods']).items as any[]) {
      for (const s of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) {
        if (s.ready || s.state?.terminated?.reason === 'Completed') continue;
        const reason = s.state?.waiting?.reason ?? s.state?.terminated?.reason ?? 'running, not ready';
        waiting.push(`${String(s.image).replace(/^docker\.io\//, '')} ${['ErrImagePull', 'ImagePullBackOff'].includes(reason) ? 'image not available' : reason}`);
      }
    }
    expect([...new Set(waiting)].sort()).toEqual(unavailableImages.map((i) => `${i} image not available`).sort());
  });
});
