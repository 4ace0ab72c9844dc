import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { buildNodeAgentApp, NodeAgent } from '../examples/node-agent';
import { AppVolume, StatefulApp } from '../lib';
import { appObjects, expectValid, find } from './support/manifests';

const container = { name: 'agent', image: 'busybox:1.37.0', ports: [{ name: 'http', port: 8080 }] };

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'test' });
}

describe('a third workload kind on the one hook (examples/node-agent.ts: a DaemonSet)', () => {
  test('the base builds the pod, ConfigMaps and names around the DaemonSet, in order, and the objects are valid', () => {
    const app = buildNodeAgentApp(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'node-agent-')) }));
    const objects = appObjects(app);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/node-exporter-web', 'DaemonSet/node-exporter', 'Service/node-exporter']);
    const ds = find(objects, 'DaemonSet', 'node-exporter');
    expect(ds.metadata.namespace).toBe('monitoring');
    expect(ds.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'node-exporter', 'app.kubernetes.io/instance': 'node-exporter', 'app.kubernetes.io/component': 'metrics' });
    expect(ds.spec.template.metadata.labels).toMatchObject(ds.spec.selector.matchLabels);
    expect(ds.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    expect(ds.spec.template.spec.volumes).toEqual([{ name: 'web', configMap: { name: 'node-exporter-web' } }]);
    expect(ds.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'web', mountPath: '/etc/exporter' }]);
    expect(find(objects, 'Service', 'node-exporter').spec.selector).toEqual(ds.spec.selector.matchLabels);
    expectValid(objects);
    expect(() => app.synth()).not.toThrow();
  });

  test('additions after construction reach the rendered pod template, and claims are mounted', () => {
    const c = chart();
    const agent = new NodeAgent(c, 'agent', { container, volumeClaims: [{ name: 'spool', existingClaim: 'shared-spool', mountPath: '/spool' }] });
    agent.addSidecar({ name: 'shipper', image: 'busybox:1.37.0' });
    agent.addVolume(AppVolume.emptyDir('scratch'));
    agent.addVolumeMount({ volume: 'scratch', mountPath: '/scratch' }, 'shipper');
    const objects = c.toJson();
    const pod = find(objects, 'DaemonSet', 'agent').spec.template.spec;
    expect(pod.containers.map((x: any) => x.name)).toEqual(['agent', 'shipper']);
    expect(pod.volumes).toEqual([{ name: 'spool', persistentVolumeClaim: { claimName: 'shared-spool' } }, { name: 'scratch', emptyDir: {} }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'spool', mountPath: '/spool' }]);
    expect(agent.serviceEndpointOf(agent.service!, 'http')).toEqual({ host: 'agent.test.svc.cluster.local', port: 8080 });
    expectValid(objects);
  });

  test("the kind's own checks and the base's checks refuse bad input, naming path, prop, value and rule", () => {
    expect(() => new NodeAgent(chart(), 'agent', { container, volumeClaims: [{ name: 'data', size: '1Gi' }] }))
      .toThrow(/test\/agent: volumeClaims\[0\]\.existingClaim \(unset\) is invalid: must be set: a DaemonSet makes no claims/);
    expect(() => new NodeAgent(chart(), 'Agent', { container })).toThrow(/name "Agent" is invalid/);
    expect(() => new NodeAgent(chart(), 'agent', { container: { ...container, volumeMounts: [{ volume: 'nope', mountPath: '/x' }] } }))
      .toThrow(/"nope"/);
  });

  test('a mount added later that names no volume fails the synth (the base re-checks the pod)', () => {
    const app = Testing.app();
    const agent = new NodeAgent(new Chart(app, 'test', { namespace: 'test' }), 'agent', { container, service: false });
    agent.addVolumeMount({ volume: 'missing', mountPath: '/m' });
    expect(() => app.synth()).toThrow(/missing/);
  });

  test('its objects join the app-wide name claims: a StatefulApp that would make the same Service is refused', () => {
    const c = chart();
    new NodeAgent(c, 'agent', { container });
    expect(() => new StatefulApp(c, 'other', { name: 'agent', container })).toThrow(/makes Service "agent" in namespace "test", which test\/agent makes too/);
  });

  test('an object a kind makes by hand after the hook is claimed when the app is synthesized', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test', { namespace: 'test' });
    new StatefulApp(c, 'db', { container });
    const agent = new NodeAgent(c, 'agent', { container, service: false });
    new k8s.KubeService(agent, 'extra', { metadata: { name: 'db' }, spec: { ports: [{ port: 80 }] } });
    expect(() => app.synth()).toThrow(/makes Service "db" in namespace "test", which test\/db makes too/);
  });
});
