import { HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';
import { JOBSERVICE_REDIS_NAMESPACE } from './jobservice';

/** The exporter's non-secret environment (the `<exporter>-env` ConfigMap). */
export function exporterEnv(ctx: HarborContext): Record<string, string> {
  const db = ctx.database;
  return {
    LOG_LEVEL: ctx.logLevel,
    HARBOR_EXPORTER_PORT: String(HARBOR_PORTS.metrics),
    HARBOR_EXPORTER_METRICS_PATH: '/metrics',
    HARBOR_EXPORTER_METRICS_ENABLED: 'true',
    HARBOR_EXPORTER_CACHE_TIME: '23',
    HARBOR_EXPORTER_CACHE_CLEAN_INTERVAL: '14400',
    HARBOR_METRIC_NAMESPACE: 'harbor',
    HARBOR_METRIC_SUBSYSTEM: 'exporter',
    HARBOR_REDIS_NAMESPACE: JOBSERVICE_REDIS_NAMESPACE,
    HARBOR_REDIS_TIMEOUT: '3600',
    HARBOR_SERVICE_SCHEME: 'http',
    HARBOR_SERVICE_HOST: ctx.serviceHost(ctx.names.core),
    HARBOR_SERVICE_PORT: String(HARBOR_PORTS.core),
    HARBOR_DATABASE_HOST: db.host,
    HARBOR_DATABASE_PORT: String(db.port),
    HARBOR_DATABASE_USERNAME: db.username,
    HARBOR_DATABASE_DBNAME: db.database,
    HARBOR_DATABASE_SSLMODE: db.sslMode,
    HARBOR_DATABASE_MAX_IDLE_CONNS: '100',
    HARBOR_DATABASE_MAX_OPEN_CONNS: '900',
  };
}
