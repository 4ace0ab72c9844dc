/**
 * Applying dist/ the way GitOps tools and reviewers do, on the real API server: a second apply of
 * unchanged output changes nothing (client-side and server-side) and `kubectl diff` is empty; the
 * documented prune command, copied from the review page, removes what a release no longer has and
 * nothing else; `npm run plan` refuses exactly the changes the server refuses.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { cluster, distDir, distFiles, kubectl, kubectlJson, releaseFile, repoRoot, tryKubectl, waitUntil } from '../support/kube';

const namespaces = ['myapp', 'wordpress', 'harbor'];

function docs(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter(Boolean);
}

function writeDocs(file: string, objects: readonly any[]): void {
  fs.writeFileSync(file, objects.map((o) => YAML.stringify(o)).join('---\n'));
}

/**
 * What a write through the API would change of every object of dist/: its spec's generation and
 * the fields kubectl's apply owns (status updates by controllers change neither).
 */
function appliedState(): Record<string, unknown> {
  const live = kubectlJson(['get', '-f', distDir]).items as any[];
  return Object.fromEntries(live.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, {
    generation: o.metadata.generation,
    applied: (o.metadata.managedFields ?? []).filter((f: any) => f.operation === 'Apply'),
  }]));
}

/** The prune command as the release's review page documents it, for `file` instead of the release's file. */
function documentedPruneCommand(release: string, file: string): string {
  const page = fs.readFileSync(releaseFile(release).replace(/\.k8s\.yaml$/, '.md'), 'utf8');
  const block = /```sh\n(kubectl apply -f \S+ --prune[^`]*)```/.exec(page);
  if (!block) throw new Error(`the review page of ${release} documents no prune command`);
  const original = path.relative(repoRoot, releaseFile(release));
  return block[1].replace(original, file);
}

function shell(command: string): { status: number; out: string } {
  const r = spawnSync('bash', ['-c', command], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: cluster().KUBECONFIG, PATH: `${cluster().KUBERNETES_BIN}:${process.env.PATH}` },
  });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

async function deleteNamespaces(): Promise<void> {
  tryKubectl(['delete', 'namespace', ...namespaces, '--ignore-not-found', '--wait=true', '--timeout=300s']);
  await waitUntil('the release namespaces gone', () => namespaces.every((n) => tryKubectl(['get', 'namespace', n]).status !== 0), { timeoutMs: 300_000 });
}

describe('applying dist/ again, pruning and planning against the real server', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-e2e-apply-'));
  });

  afterAll(async () => {
    await deleteNamespaces();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('kubectl apply -f dist/ creates every object; a second apply changes none', () => {
    const first = kubectl(['apply', '-f', distDir]);
    expect(first).not.toMatch(/unchanged/);
    const versions = () => Object.fromEntries((kubectlJson(['get', '-f', distDir]).items as any[])
      .filter((o) => o.kind === 'PodDisruptionBudget').map((o) => [o.metadata.name, o.metadata.generation]));
    const before = versions();
    const second = kubectl(['apply', '-f', distDir]).trim().split('\n');
    expect(second.length).toBe(distFiles().flatMap(docs).length);
    // kubectl always sends a PodDisruptionBudget's selector (its patch strategy is `replace`) and
    // so reports it `configured`; its spec is not changed (same generation). Every other object says unchanged.
    expect(second.filter((l) => !/ unchanged$/.test(l) && !/^poddisruptionbudget\.policy\/\S+ configured$/.test(l))).toEqual([]);
    expect(versions()).toEqual(before);
  });

  test('kubectl diff of unchanged dist/ is empty', () => {
    const diff = tryKubectl(['diff', '-f', distDir], { env: { KUBECTL_EXTERNAL_DIFF: 'diff -u' } });
    expect({ status: diff.status, diff: diff.stdout }).toEqual({ status: 0, diff: '' });
  });

  test('server-side apply of unchanged dist/ again changes nothing, and its diff is empty', () => {
    kubectl(['apply', '--server-side', '--force-conflicts', '-f', distDir]);
    const before = appliedState();
    kubectl(['apply', '--server-side', '-f', distDir]);
    expect(appliedState()).toEqual(before);
    const diff = tryKubectl(['diff', '--server-side', '-f', distDir], { env: { KUBECTL_EXTERNAL_DIFF: 'diff -u' } });
    expect({ status: diff.status, diff: diff.stdout }).toEqual({ status: 0, diff: '' });
  });

  test('the prune command documented on the review page removes exactly what the release no longer has', async () => {
    // The apply above started the StatefulSet's pods in order; list only once every member exists and is
    // Ready, so the controller does not add a pod or a claim between the two listings.
    await waitUntil('every myapp member Ready', () => {
      const sts = kubectlJson(['-n', 'myapp', 'get', 'statefulset', 'myapp']);
      return sts.status?.observedGeneration === sts.metadata.generation && sts.status?.readyReplicas === sts.spec.replicas
        && sts.status?.currentReplicas === sts.spec.replicas;
    }, { timeoutMs: 300_000 });
    // Another release's object and an object of no release in the same namespace: both must stay.
    kubectl(['-n', 'myapp', 'create', 'configmap', 'other-release']);
    kubectl(['-n', 'myapp', 'label', 'configmap', 'other-release', 'cdk8s-stateful/release=mysql']);
    kubectl(['-n', 'myapp', 'create', 'configmap', 'no-release']);
    const objects = docs(releaseFile('myapp'));
    const dropped = objects.find((o) => o.kind === 'PodDisruptionBudget');
    expect(dropped).toBeDefined();
    const file = path.join(tmp, 'myapp-without-pdb.k8s.yaml');
    writeDocs(file, objects.filter((o) => o !== dropped));
    const listed = () => kubectl(['-n', 'myapp', 'get', 'all,configmap,pdb,pvc,serviceaccount', '-o', 'name']).trim().split('\n').sort();
    const before = listed();
    const run = shell(documentedPruneCommand('myapp', file));
    expect({ status: run.status, out: run.out }).toMatchObject({ status: 0 });
    expect(run.out).toMatch(/poddisruptionbudget.policy\/myapp pruned/);
    expect(listed()).toEqual(before.filter((n) => n !== 'poddisruptionbudget.policy/myapp'));
  });

  test('npm run plan refuses exactly the changes the API server refuses', () => {
    const cases: { name: string; change: (sts: any, objects: any[]) => void }[] = [
      { name: 'claim size grown', change: (s) => { s.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi'; } },
      { name: 'serviceName changed', change: (s) => { s.spec.serviceName = 'myapp-renamed'; } },
      { name: 'podManagementPolicy changed', change: (s) => { s.spec.podManagementPolicy = 'Parallel'; } },
      { name: 'selector changed', change: (s) => { s.spec.selector.matchLabels.tier = 'x'; s.spec.template.metadata.labels.tier = 'x'; } },
      { name: 'replicas changed', change: (s) => { s.spec.replicas = 5; } },
      { name: 'pod template changed', change: (s) => { s.spec.template.metadata.annotations = { rollout: '2' }; } },
      { name: 'update strategy changed', change: (s) => { s.spec.updateStrategy = { type: 'OnDelete' }; } },
      {
        name: 'headless Service made a ClusterIP Service',
        change: (_s, objects) => { objects.find((o) => o.kind === 'Service' && o.spec.clusterIP === 'None').spec.clusterIP = '10.0.0.10'; },
      },
    ];
    const verdicts = cases.map(({ name, change }) => {
      const objects = docs(releaseFile('myapp'));
      change(objects.find((o) => o.kind === 'StatefulSet'), objects);
      const to = path.join(tmp, name.replace(/\W+/g, '-'));
      fs.mkdirSync(to, { recursive: true });
      writeDocs(path.join(to, path.basename(releaseFile('myapp'))), objects);
      const against = path.join(tmp, 'against');
      fs.mkdirSync(against, { recursive: true });
      fs.copyFileSync(releaseFile('myapp'), path.join(against, path.basename(releaseFile('myapp'))));
      const plan = spawnSync('node', [path.join(repoRoot, 'build', 'lib', 'cli.js'), 'plan', '--against', against, '--to', to], { cwd: repoRoot, encoding: 'utf8' });
      const server = tryKubectl(['apply', '--dry-run=server', '-f', to]);
      return { name, planRefuses: plan.status === 1, serverRefuses: server.status !== 0, server: server.stderr.split('\n')[0] };
    });
    for (const v of verdicts) {
      expect({ name: v.name, planRefuses: v.planRefuses }).toEqual({ name: v.name, planRefuses: v.serverRefuses });
    }
    // The cases must cover both verdicts, or the comparison proves nothing.
    expect(new Set(verdicts.map((v) => v.serverRefuses))).toEqual(new Set([true, false]));
  });
});
