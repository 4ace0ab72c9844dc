/**
 * The seed's StatefulSet demo (dist/0000-myapp.k8s.yaml) on the real node: ordered start, stable
 * claims and names, ordered scale-down and claim reuse, a partitioned rolling update.
 */
import { httpGet, kubectl, kubectlJson, releaseFile, tryKubectl, waitPodReady, waitUntil } from '../support/kube';
import { phase } from '../support/report';
import { PodWatch } from '../support/watch';

const ns = 'myapp';
const selector = 'app.kubernetes.io/name=myapp';

function claimUids(): Record<string, string> {
  const claims = kubectlJson(['-n', ns, 'get', 'pvc']).items as any[];
  return Object.fromEntries(claims.map((c) => [c.metadata.name, c.metadata.uid]));
}

function podIp(pod: string): string {
  return kubectlJson(['-n', ns, 'get', 'pod', pod]).status.podIP;
}

describe('myapp (the seed StatefulSet demo)', () => {
  let startWatch: PodWatch;

  beforeAll(async () => {
    startWatch = new PodWatch(ns, selector);
    await phase('myapp Ready', async () => {
      kubectl(['apply', '-f', releaseFile('myapp')]);
      for (const n of [0, 1, 2]) await waitPodReady(ns, `myapp-${n}`);
    });
    startWatch.stop();
  });

  afterAll(() => {
    startWatch?.stop();
    tryKubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=120s']);
  });

  test('pods are created in order 0, 1, 2, each only after the one before is Ready', () => {
    for (const n of [1, 2]) {
      const previousReady = startWatch.firstReady(`myapp-${n - 1}`);
      const added = startWatch.added(`myapp-${n}`);
      expect({ pod: n, previousReady: previousReady >= 0, addedAfterPreviousReady: added > previousReady, events: startWatch.toString() })
        .toMatchObject({ pod: n, previousReady: true, addedAfterPreviousReady: true });
    }
  });

  test('each pod has its own claim data-myapp-<n>, bound by the default StorageClass', () => {
    const claims = kubectlJson(['-n', ns, 'get', 'pvc']).items as any[];
    expect(claims.map((c) => c.metadata.name).sort()).toEqual(['data-myapp-0', 'data-myapp-1', 'data-myapp-2']);
    for (const c of claims) {
      expect(c.status.phase).toBe('Bound');
      expect(c.spec.storageClassName).toBe('standard');
    }
    for (const n of [0, 1, 2]) {
      const pod = kubectlJson(['-n', ns, 'get', 'pod', `myapp-${n}`]);
      const volume = pod.spec.volumes.find((v: any) => v.name === 'data');
      expect(volume.persistentVolumeClaim.claimName).toBe(`data-myapp-${n}`);
    }
  });

  test('from another pod, myapp-<n>.myapp.myapp.svc.cluster.local answers with that pod\'s own name', async () => {
    const from = podIp('myapp-0');
    for (const n of [0, 1, 2]) {
      const host = `myapp-${n}.myapp.myapp.svc.cluster.local`;
      const url = `http://${from}:8080/dial?request=hostname&protocol=http&port=8080&tries=1&host=${host}`;
      const answer = await waitUntil(`${host} answering myapp-0 through cluster DNS`, async () => {
        const res = JSON.parse((await httpGet(url)).body) as { responses?: string[]; errors?: string[] };
        if (!res.responses?.length) throw new Error(JSON.stringify(res));
        return res;
      }, { timeoutMs: 60_000 });
      expect({ host, responses: answer.responses }).toEqual({ host, responses: [`myapp-${n}`] });
    }
  });

  test('scaling to 1 deletes myapp-2, then myapp-1, and keeps their claims', async () => {
    const before = claimUids();
    const watch = new PodWatch(ns, selector);
    try {
      kubectl(['-n', ns, 'scale', 'statefulset', 'myapp', '--replicas=1']);
      await waitUntil('myapp-1 and myapp-2 gone', () => {
        const pods = kubectlJson(['-n', ns, 'get', 'pods', '-l', selector]).items as any[];
        return pods.length === 1 && pods[0].metadata.name === 'myapp-0';
      }, { timeoutMs: 120_000 });
      await waitUntil('both deletions seen', () => watch.deleted('myapp-1') >= 0 && watch.deleted('myapp-2') >= 0, { timeoutMs: 10_000 });
      expect({ twoBeforeOne: watch.deleted('myapp-2') < watch.deleted('myapp-1'), events: watch.toString() })
        .toMatchObject({ twoBeforeOne: true });
    } finally {
      watch.stop();
    }
    expect(claimUids()).toEqual(before);
  });

  test('scaling to 4 reuses the kept claims (same UIDs) and adds myapp-3 with a new one', async () => {
    const before = claimUids();
    kubectl(['-n', ns, 'scale', 'statefulset', 'myapp', '--replicas=4']);
    for (const n of [1, 2, 3]) await waitPodReady(ns, `myapp-${n}`);
    const after = claimUids();
    expect(Object.keys(after).sort()).toEqual(['data-myapp-0', 'data-myapp-1', 'data-myapp-2', 'data-myapp-3']);
    for (const name of Object.keys(before)) expect({ name, uid: after[name] }).toEqual({ name, uid: before[name] });
    expect(before['data-myapp-3']).toBeUndefined();
  });

  test('a RollingUpdate with partition 2 replaces only myapp-2 and myapp-3', async () => {
    const revisionOf = (n: number) => kubectlJson(['-n', ns, 'get', 'pod', `myapp-${n}`]).metadata.labels['controller-revision-hash'];
    const old = [0, 1, 2, 3].map(revisionOf);
    expect(new Set(old).size).toBe(1);
    kubectl(['-n', ns, 'patch', 'statefulset', 'myapp', '--type=merge', '-p', JSON.stringify({
      spec: {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
        template: { metadata: { annotations: { 'e2e.cdk8s-stateful/rollout': 'partitioned' } } },
      },
    })]);
    const sts = await waitUntil('the StatefulSet to roll out up to its partition', () => {
      const s = kubectlJson(['-n', ns, 'get', 'statefulset', 'myapp']);
      return s.status.updateRevision !== s.status.currentRevision && s.status.updatedReplicas === 2 && s.status.readyReplicas === 4 ? s : undefined;
    }, { timeoutMs: 180_000 });
    for (const n of [2, 3]) await waitPodReady(ns, `myapp-${n}`);
    expect([0, 1, 2, 3].map(revisionOf)).toEqual([old[0], old[1], sts.status.updateRevision, sts.status.updateRevision]);
  });
});
