/**
 * A user's construct on the library's base, as one would write it in another project (there the
 * import is `from 'cdk8s-stateful'`): Redis with a primary (pod 0) and read replicas that follow
 * it. The replicas must name pod 0 in their config before the StatefulApp exists, so the config is
 * built with the static `StatefulApp.podDnsName`.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Probe, StatefulApp, StorageOptions } from '../lib';

/** Props of {@link RedisReplicas}. */
export interface RedisReplicasProps {
  /** Members: pod 0 is the primary, the others replicas. @default 3 */
  readonly replicas?: number;
  /** Each member's append-only-file claim. @default - 2Gi from the default StorageClass */
  readonly storage?: StorageOptions;
  /** Redis image. @default 'redis:7.4.1' */
  readonly image?: string;
}

/** Redis primary/replicas: every member runs `start.sh`, which points ordinals >= 1 at pod 0. */
export class RedisReplicas extends StatefulApp {
  constructor(scope: Construct, id: string, props: RedisReplicasProps = {}) {
    const namespace = Chart.of(scope).namespace;
    const primary = StatefulApp.podDnsName({ name: id, ordinal: 0, namespace });
    super(scope, id, {
      replicas: props.replicas ?? 3,
      appName: 'redis',
      component: 'cache',
      container: {
        name: 'redis',
        image: props.image ?? 'redis:7.4.1',
        command: ['sh', '/etc/redis/start.sh'],
        ports: [{ name: 'redis', port: 6379 }],
        readinessProbe: Probe.tcp('redis', { periodSeconds: 5 }),
        livenessProbe: Probe.tcp('redis'),
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        securityContext: { runAsUser: 999, runAsGroup: 999, runAsNonRoot: true, readOnlyRootFilesystem: true },
      },
      podSecurity: { fsGroup: 999 },
      configMaps: [{
        name: 'config',
        mountPath: '/etc/redis',
        files: {
          'redis.conf': 'appendonly yes\ndir /data\n',
          // Pod 0 is the primary; the primary's DNS name is known at synth time.
          'start.sh': 'case "$HOSTNAME" in *-0) exec redis-server /etc/redis/redis.conf ;; esac\n'
            + `exec redis-server /etc/redis/redis.conf --replicaof ${primary} 6379\n`,
        },
      }],
      volumeClaims: [{ name: 'data', size: '2Gi', ...props.storage, mountPath: '/data' }],
      clientService: { name: `${id}-read` },
    });
  }
}

/** The example app: one namespace, one replicated Redis. */
export function buildRedisApp(app: App = new App()): App {
  const chart = new Chart(app, 'cache', { namespace: 'cache' });
  new RedisReplicas(chart, 'sessions', { replicas: 3 });
  return app;
}
