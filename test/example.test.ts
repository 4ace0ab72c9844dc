import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildEnsembleApp, Ensemble } from '../examples/ensemble';
import { buildRedisApp, RedisReplicas } from '../examples/redis-replicas';
import { appObjects, expectValid, find } from './support/manifests';

const outdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));

describe('a user construct: Redis primary and replicas (examples/redis-replicas.ts)', () => {
  const app = buildRedisApp(new App({ outdir: outdir() }));
  const objects = appObjects(app);
  const redis = app.node.findAll().find((c): c is RedisReplicas => c instanceof RedisReplicas)!;

  test('synthesizes strictly valid objects, through a plain app.synth()', () => {
    expectValid(objects);
    expect(() => app.synth()).not.toThrow();
  });

  test('the replicas name pod 0 by the DNS name the StatefulSet gives it', () => {
    const start = find(objects, 'ConfigMap', 'sessions-config').data['start.sh'];
    expect(start).toContain(`--replicaof ${redis.podDnsName(0)} 6379`);
    expect(redis.podDnsName(0)).toBe('sessions-0.sessions.cache.svc.cluster.local');
    expect(find(objects, 'StatefulSet', 'sessions').spec.serviceName).toBe('sessions');
    expect(redis.pvcName('data', 2)).toBe('data-sessions-2');
    expect(find(objects, 'Service', 'sessions-read').spec.selector).toEqual(find(objects, 'StatefulSet', 'sessions').spec.selector.matchLabels);
  });
});

describe('a user construct: a 3-node ensemble (examples/ensemble.ts)', () => {
  const app = buildEnsembleApp(new App({ outdir: outdir() }));
  const objects = appObjects(app);
  const zk = app.node.findAll().find((c): c is Ensemble => c instanceof Ensemble)!;

  test('synthesizes strictly valid objects', () => expectValid(objects));

  test('every member lists every peer by its stable DNS name', () => {
    const sts = find(objects, 'StatefulSet', 'zk');
    const servers = sts.spec.template.spec.containers[0].env.find((e: any) => e.name === 'ZOO_SERVERS').value.split(' ');
    expect(servers).toEqual([0, 1, 2].map(n => `server.${n + 1}=${zk.podDnsName(n)}:2888:3888;2181`));
    expect(zk.peers).toEqual(servers);
    expect(find(objects, 'Service', 'zk').spec.publishNotReadyAddresses).toBe(true);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
  });
});
