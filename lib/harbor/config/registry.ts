import { stringify } from 'yaml';
import { HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';

/** Path of the registry's config.yml in both containers of the registry pod. */
export const REGISTRY_CONFIG_PATH = '/etc/registry/config.yml';
/** Path of the htpasswd file of the internal registry user. */
export const REGISTRY_HTPASSWD_PATH = '/etc/registry/passwd';

/**
 * The registry's `config.yml`. The two secrets it needs are not in it: `http.secret` comes from
 * `REGISTRY_HTTP_SECRET` and `redis.password` from `REGISTRY_REDIS_PASSWORD` (the registry reads
 * `REGISTRY_<SECTION>_<KEY>` env vars over the file), and the storage keys from `REGISTRY_STORAGE_<DRIVER>_*`.
 */
export function registryConfig(ctx: HarborContext): string {
  const level = ({ warning: 'warn', fatal: 'error' } as Record<string, string>)[ctx.logLevel] ?? ctx.logLevel;
  const config = {
    version: 0.1,
    log: { level, fields: { service: 'registry' } },
    storage: ctx.storage.storageConfig(),
    redis: {
      addr: ctx.redis.addr,
      db: ctx.redis.indexes.registry,
      enableTLS: ctx.redis.tls,
      readtimeout: '10s',
      writetimeout: '10s',
      dialtimeout: '10s',
      pool: { maxidle: 100, maxactive: 500, idletimeout: '60s' },
    },
    http: {
      addr: `:${HARBOR_PORTS.registry}`,
      relativeurls: false,
      debug: ctx.metrics
        ? { addr: `:${HARBOR_PORTS.metrics}`, prometheus: { enabled: true, path: '/metrics' } }
        : { addr: 'localhost:5001' },
    },
    auth: { htpasswd: { realm: 'harbor-registry-basic-realm', path: REGISTRY_HTPASSWD_PATH } },
    validation: { disabled: true },
    compatibility: { schema1: { enabled: true } },
  };
  return [
    '# http.secret comes from the env var REGISTRY_HTTP_SECRET,',
    '# redis.password from REGISTRY_REDIS_PASSWORD (both Secrets).',
    stringify(config),
  ].join('\n');
}

/** Registryctl's `config.yml`. */
export function registryctlConfig(ctx: HarborContext): string {
  return stringify({
    protocol: 'http',
    port: HARBOR_PORTS.registryctl,
    log_level: ctx.logLevel,
    registry_config: REGISTRY_CONFIG_PATH,
  });
}
