/**
 * The test cluster itself, before any release: the version it reports, Pod Security admission,
 * the StorageClasses the releases name, and a pod network that reaches nothing beyond this machine.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cluster, kubectl, kubectlJson, tryKubectl, waitPodReady } from '../support/kube';

const ns = 'cluster-check';

function iptablesSave(table: string): string {
  const r = spawnSync('iptables-save', ['-t', table], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`iptables-save -t ${table}: ${r.stderr}`);
  return r.stdout;
}

describe('the test cluster', () => {
  afterAll(() => {
    tryKubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=60s']);
  });

  test('the node and the API server report the Kubernetes version go.mod pins', () => {
    const goMod = fs.readFileSync(path.join(__dirname, '..', 'go.mod'), 'utf8');
    const pinned = /^\s*k8s\.io\/kubernetes (v\S+)$/m.exec(goMod)![1];
    const version = kubectlJson(['version']);
    expect(version.serverVersion.gitVersion).toBe(pinned);
    const node = kubectlJson(['get', 'node', cluster().NODE_NAME]);
    expect(node.status.nodeInfo.kubeletVersion).toBe(pinned);
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\/2\./);
  });

  test('Pod Security admission refuses a privileged pod in a namespace that enforces restricted', () => {
    kubectl(['create', 'namespace', ns]);
    kubectl(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'privileged', namespace: ns },
      spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10.1', securityContext: { privileged: true } }] },
    };
    const r = tryKubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
  });

  test('a pod that never gets Ready fails its wait with its events, describe output and last logs', async () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'never-ready', namespace: ns },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'c', image: 'registry.k8s.io/e2e-test-images/agnhost:2.47', args: ['netexec', '--http-port=8080'],
          readinessProbe: { httpGet: { path: '/no-such-path', port: 8081 }, periodSeconds: 1 },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        }],
      },
    };
    kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    const failure = await waitPodReady(ns, 'never-ready', 20_000).then(() => 'Ready', (e: Error) => e.message);
    expect(failure).toMatch(/^timed out after 20 s waiting for pod cluster-check\/never-ready Ready/);
    expect(failure).toMatch(/kubectl describe pod\/never-ready:[\s\S]*Readiness probe failed/);
    expect(failure).toMatch(/--- events in cluster-check:/);
    expect(failure).toMatch(/last logs of pod\/never-ready:\n\[pod\/never-ready\/c\] .*Started HTTP server on port 8080/);
  });

  test('the StorageClasses the releases name exist, with a default', () => {
    const classes = kubectlJson(['get', 'storageclass']).items as any[];
    expect(classes.map((c) => c.metadata.name).sort()).toEqual(['sc-nfs', 'standard']);
    const defaults = classes.filter((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    expect(defaults.map((c) => c.metadata.name)).toEqual(['standard']);
  });

  test('the pod network is not masqueraded and nothing from it is forwarded beyond the bridge', () => {
    const { POD_CIDR, BRIDGE } = cluster();
    expect(iptablesSave('nat').split('\n').filter((l) => l.includes(POD_CIDR) && /MASQUERADE|SNAT/.test(l))).toEqual([]);
    // In the mangle table's FORWARD chain, which runs before the filter table's (kube-proxy's accepts).
    const mangle = iptablesSave('mangle');
    expect(mangle.split('\n').filter((l) => l.startsWith('-A FORWARD '))[0]).toBe('-A FORWARD -j CDK8S-STATEFUL');
    expect(mangle).toContain(`-A CDK8S-STATEFUL -s ${POD_CIDR} ! -o ${BRIDGE} -j DROP`);
    expect(mangle).toContain(`-A CDK8S-STATEFUL -d ${POD_CIDR} ! -i ${BRIDGE} -j DROP`);
  });
});
