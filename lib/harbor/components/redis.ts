import { Probe } from '../../common/probe';
import { StatefulApp } from '../../stateful-app/stateful-app';
import { InternalRedisOptions } from '../backends';
import { CONTAINER_SECURITY, dataClaim, DATA_POD_SECURITY, HARBOR_PORTS, HarborContext, REDIS_PASSWORD_ENV } from '../context';

/** Default size of the Redis claim. */
export const REDIS_SIZE = '1Gi';

/**
 * The bundled Redis (`goharbor/redis-photon`, uid 999): one pod with its `data` claim. Unlike the
 * official chart's, it requires a password (`--requirepass $(REDIS_PASSWORD)`, filled in by the
 * kubelet from the operator's Secret).
 */
export function createRedis(ctx: HarborContext, options: InternalRedisOptions): StatefulApp {
  const component = 'redis';
  return new StatefulApp(ctx.scope, component, {
    name: ctx.names.redis,
    ...ctx.labels(component),
    replicas: 1,
    volumeClaims: [dataClaim(options.persistence, REDIS_SIZE, '/var/lib/redis')],
    container: {
      name: component,
      image: ctx.image('redis-photon'),
      command: ['redis-server', '/etc/redis.conf', '--requirepass', `$(${REDIS_PASSWORD_ENV})`],
      env: ctx.redis.passwordEnv(component),
      ports: [{ name: 'redis', port: HARBOR_PORTS.redis }],
      livenessProbe: Probe.tcp('redis', { periodSeconds: 10 }),
      readinessProbe: Probe.tcp('redis', { periodSeconds: 10 }),
      resources: options.resources ?? { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '512Mi' } },
      securityContext: CONTAINER_SECURITY,
    },
    podSecurity: DATA_POD_SECURITY,
    terminationGracePeriodSeconds: 120,
  });
}
