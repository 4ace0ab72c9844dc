import { HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';

/** Core's beego `app.conf`. */
export function coreAppConf(): string {
  return [
    'appname = Harbor',
    'runmode = prod',
    'enablegzip = true',
    '',
    '[prod]',
    `httpport = ${HARBOR_PORTS.core}`,
    '',
  ].join('\n');
}

/** Registry types a proxy-cache project may point at (as the official chart sets them). */
// As harbor-helm 1.19 (Harbor 2.15) sets them.
const PROXY_CACHE_REGISTRY_TYPES = 'docker-hub,harbor,azure-acr,ali-acr,aws-ecr,google-gcr,docker-registry,github-ghcr,jfrog-artifactory';
const REPLICATION_ADAPTERS = 'ali-acr,aws-ecr,azure-acr,docker-hub,docker-registry,github-ghcr,google-gcr,harbor,huawei-SWR,jfrog-artifactory,tencent-tcr,volcengine-cr';

/**
 * Core's non-secret environment (the `<core>-env` ConfigMap). Secrets and the Redis URLs, which
 * carry the password, are separate env vars of the container.
 */
export function coreEnv(ctx: HarborContext): Record<string, string> {
  const db = ctx.database;
  const env: Record<string, string> = {
    PORT: String(HARBOR_PORTS.core),
    CONFIG_PATH: '/etc/core/app.conf',
    LOG_LEVEL: ctx.logLevel,
    EXT_ENDPOINT: ctx.externalURL,
    DATABASE_TYPE: 'postgresql',
    POSTGRESQL_HOST: db.host,
    POSTGRESQL_PORT: String(db.port),
    POSTGRESQL_USERNAME: db.username,
    POSTGRESQL_DATABASE: db.database,
    POSTGRESQL_SSLMODE: db.sslMode,
    POSTGRESQL_MAX_IDLE_CONNS: '100',
    POSTGRESQL_MAX_OPEN_CONNS: '900',
    CORE_URL: ctx.urls.core,
    CORE_LOCAL_URL: `http://127.0.0.1:${HARBOR_PORTS.core}`,
    JOBSERVICE_URL: ctx.urls.jobservice,
    REGISTRY_URL: ctx.urls.registry,
    REGISTRY_CONTROLLER_URL: ctx.urls.registryctl,
    REGISTRY_CREDENTIAL_USERNAME: REGISTRY_USER,
    REGISTRY_STORAGE_PROVIDER_NAME: ctx.storage.type,
    TOKEN_SERVICE_URL: ctx.urls.tokenService,
    PORTAL_URL: ctx.urls.portal,
    WITH_TRIVY: String(ctx.trivyEnabled),
    PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE: PROXY_CACHE_REGISTRY_TYPES,
    REPLICATION_ADAPTER_WHITELIST: REPLICATION_ADAPTERS,
    QUOTA_UPDATE_PROVIDER: 'db',
  };
  if (ctx.trivyEnabled) env.TRIVY_ADAPTER_URL = ctx.urls.trivy;
  if (ctx.metrics) {
    Object.assign(env, {
      METRIC_ENABLE: 'true',
      METRIC_PATH: '/metrics',
      METRIC_PORT: String(HARBOR_PORTS.metrics),
      METRIC_NAMESPACE: 'harbor',
      METRIC_SUBSYSTEM: 'core',
    });
  }
  return env;
}

/** The internal registry user core and jobservice authenticate as (its password and htpasswd line are Secrets). */
export const REGISTRY_USER = 'harbor_registry_user';
