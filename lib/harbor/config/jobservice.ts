import { stringify } from 'yaml';
import { HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';
import type { HarborJobLogger } from '../props';
import { REGISTRY_USER } from './core';

/** Directory of file job logs (the job-logs claim). */
export const JOB_LOG_DIR = '/var/log/jobs';

/** Namespace of jobservice's keys in Redis (the exporter reads the same queue). */
export const JOBSERVICE_REDIS_NAMESPACE = 'harbor_job_service_namespace';

/**
 * Jobservice's `config.yml`. The Redis URL is left out: it carries the password, so it comes from
 * the env var `JOB_SERVICE_POOL_REDIS_URL`, which jobservice reads over the file.
 */
export function jobserviceConfig(ctx: HarborContext, loggers: readonly HarborJobLogger[], workers: number): string {
  const level = ctx.logLevel.toUpperCase();
  const sweeper = { duration: 14 };
  const jobLoggers = loggers.map(l => {
    switch (l) {
      case 'file': return { name: 'FILE', level, settings: { base_dir: JOB_LOG_DIR }, sweeper: { ...sweeper, settings: { work_dir: JOB_LOG_DIR } } };
      case 'database': return { name: 'DB', level, sweeper };
      case 'stdout': return { name: 'STD_OUTPUT', level };
    }
  });
  const config = {
    protocol: 'http',
    port: HARBOR_PORTS.jobservice,
    worker_pool: {
      workers,
      backend: 'redis',
      redis_pool: { namespace: JOBSERVICE_REDIS_NAMESPACE, idle_timeout_second: 3600 },
    },
    job_loggers: jobLoggers,
    metric: { enabled: ctx.metrics, path: '/metrics', port: HARBOR_PORTS.metrics },
    loggers: [{ name: 'STD_OUTPUT', level }],
    reaper: { max_update_hours: 24, max_dangling_hours: 168 },
  };
  return [
    '# redis_url (it carries the password) comes from the env var',
    '# JOB_SERVICE_POOL_REDIS_URL.',
    stringify(config),
  ].join('\n');
}

/** Jobservice's non-secret environment (the `<jobservice>-env` ConfigMap). */
export function jobserviceEnv(ctx: HarborContext): Record<string, string> {
  const env: Record<string, string> = {
    CORE_URL: ctx.urls.core,
    TOKEN_SERVICE_URL: ctx.urls.tokenService,
    REGISTRY_URL: ctx.urls.registry,
    REGISTRY_CONTROLLER_URL: ctx.urls.registryctl,
    REGISTRY_CREDENTIAL_USERNAME: REGISTRY_USER,
    JOBSERVICE_WEBHOOK_JOB_MAX_RETRY: '3',
    JOBSERVICE_WEBHOOK_JOB_HTTP_CLIENT_TIMEOUT: '3',
    // Minutes (harbor-helm jobservice.registryHttpClientTimeout).
    REGISTRY_HTTP_CLIENT_TIMEOUT: '30',
    LOG_LEVEL: ctx.logLevel,
  };
  if (ctx.metrics) Object.assign(env, { METRIC_NAMESPACE: 'harbor', METRIC_SUBSYSTEM: 'jobservice' });
  return env;
}
