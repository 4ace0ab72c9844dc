/**
 * How a user extends this library: a Redis cache built by composing StatefulApp, the way one would
 * in another project (there the import is `from 'cdk8s-stateful'`).
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Probe, StatefulApp } from '../lib';

/** Props of {@link RedisCache}. */
export interface RedisCacheProps {
  /** Members. @default 1 */
  readonly replicas?: number;
  /** Memory limit, also Redis's `maxmemory`, in MiB. @default 256 */
  readonly maxMemoryMiB?: number;
}

/** A Redis cache with an append-only file on its own claim. */
export class RedisCache extends StatefulApp {
  constructor(scope: Construct, id: string, props: RedisCacheProps = {}) {
    const maxMemory = props.maxMemoryMiB ?? 256;
    super(scope, id, {
      replicas: props.replicas,
      appName: 'redis',
      component: 'cache',
      version: '7.4.1',
      container: {
        name: 'redis',
        image: 'redis:7.4.1',
        args: ['/etc/redis/redis.conf'],
        ports: [{ name: 'redis', port: 6379 }],
        readinessProbe: Probe.tcp('redis', { periodSeconds: 5 }),
        livenessProbe: Probe.tcp('redis'),
        resources: { requests: { cpu: '100m', memory: `${maxMemory}Mi` }, limits: { memory: `${maxMemory + 64}Mi` } },
        securityContext: { runAsUser: 999, runAsGroup: 999, runAsNonRoot: true, readOnlyRootFilesystem: true },
      },
      podSecurity: { fsGroup: 999 },
      configMaps: [{
        name: 'config',
        mountPath: '/etc/redis',
        files: { 'redis.conf': `appendonly yes\ndir /data\nmaxmemory ${maxMemory}mb\nmaxmemory-policy allkeys-lru\n` },
      }],
      volumeClaims: [{ name: 'data', size: '2Gi', mountPath: '/data' }],
      clientService: { name: id },
      headlessService: { name: `${id}-headless` },
    });
  }
}

/** The example app: one namespace, one cache. */
export function buildExampleApp(app: App = new App()): App {
  const chart = new Chart(app, 'cache', { namespace: 'cache' });
  new RedisCache(chart, 'sessions', { replicas: 2, maxMemoryMiB: 128 });
  return app;
}

if (require.main === module) {
  buildExampleApp().synth();
}
