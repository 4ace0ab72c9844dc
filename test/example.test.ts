import { App } from 'cdk8s';
import { buildExampleApp, RedisCache } from '../examples/redis-cache';
import { appObjects, expectValid, find } from './support/manifests';

describe('a user construct extending StatefulApp (examples/redis-cache.ts)', () => {
  const app = buildExampleApp(new App({ outdir: 'unused' }));
  const objects = appObjects(app);

  test('synthesizes strictly valid objects', () => expectValid(objects));

  test('inherits the StatefulSet mechanics and handles', () => {
    const cache = app.node.findAll().find((c): c is RedisCache => c instanceof RedisCache)!;
    expect(cache.podDnsName(1)).toBe('sessions-1.sessions-headless.cache.svc.cluster.local');
    expect(cache.pvcName('data', 1)).toBe('data-sessions-1');
    expect(find(objects, 'StatefulSet', 'sessions').spec.serviceName).toBe('sessions-headless');
    expect(find(objects, 'PodDisruptionBudget', 'sessions').spec.maxUnavailable).toBe(1);
    expect(find(objects, 'ConfigMap', 'sessions-config').data['redis.conf']).toContain('maxmemory 128mb');
  });
});
