import { podOptionsOf } from '../../common/placement';
import * as path from 'path';
import { EnvValue } from '../../common/env';
import { Probe } from '../../common/probe';
import { readScripts } from '../../common/scripts';
import { AppVolume } from '../../common/volume';
import { StatefulApp } from '../../stateful-app/stateful-app';
import type { HarborBuiltInRedisOptions } from '../backends';
import { CONTAINER_SECURITY, dataStorage, DATA_POD_SECURITY, HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';

/** Default size of the Redis claim. */
export const REDIS_SIZE = '1Gi';

/**
 * The bundled Redis (`goharbor/redis-photon`, uid 999): one pod with its `data` claim. Unlike the
 * official chart's, it requires a password, from the operator's Secret: `scripts/redis-start.sh`
 * writes it into a memory-backed file, so it is neither on the command line nor in the YAML.
 */
export function createRedis(ctx: HarborContext, options: HarborBuiltInRedisOptions): StatefulApp {
  const component = 'redis';
  const data = dataStorage(options.storage, REDIS_SIZE, '/var/lib/redis');
  return new StatefulApp(ctx.scope, component, {
    ...podOptionsOf(options),
    name: ctx.names.redis,
    ...ctx.labels(component),
    replicas: 1,
    volumeClaims: data.volumeClaims,
    configMaps: [{ name: 'scripts', files: { ...readScripts(path.join('lib', 'harbor', 'scripts')) }, mountPath: '/scripts', defaultMode: 0o555 }],
    volumes: [...data.volumes, AppVolume.emptyDir('auth', { medium: 'Memory', sizeLimit: '1Mi' })],
    container: {
      name: component,
      image: ctx.image(redisImageName(ctx.version)),
      command: ['sh', '/scripts/redis-start.sh'],
      env: { ...ctx.redis.passwordEnv(component), REDIS_AUTH_DIR: EnvValue.fromValue('/run/redis-auth') },
      volumeMounts: [...data.mounts, { volume: 'auth', mountPath: '/run/redis-auth' }],
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

/**
 * The internal Redis image of a Harbor release: Harbor ships Valkey as `valkey-photon` since v2.15.2
 * (goharbor/harbor make/photon/valkey; no `redis-photon:v2.15.2` is published), `redis-photon` before.
 */
export function redisImageName(version: string): string {
  const [minor, patch] = (/^v2\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  return minor > 15 || (minor === 15 && patch >= 2) ? 'valkey-photon' : 'redis-photon';
}
