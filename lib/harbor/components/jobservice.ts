import { podOptionsOf } from '../../common/placement';
import { EnvValue } from '../../common/env';
import { DeploymentApp } from '../../deployment-app/deployment-app';
import type { VolumeClaim } from '../../common/storage';
import { JOB_LOG_DIR, jobserviceConfig, jobserviceEnv } from '../config/jobservice';
import { CONTAINER_SECURITY, envFromConfigMap, HARBOR_POD_SECURITY, HARBOR_PORTS, httpProbes } from '../context';
import type { HarborContext } from '../context';
import type { HarborJobserviceOptions } from '../props';

/** Default size of the job-logs claim. */
export const JOB_LOGS_SIZE = '1Gi';

/**
 * Jobservice: runs replication, garbage collection, scans and webhooks from a Redis queue, on
 * port 8080. File job logs go to the `job-logs` claim.
 */
export function createJobservice(ctx: HarborContext, options: HarborJobserviceOptions): DeploymentApp {
  const component = 'jobservice';
  const s = ctx.secrets;
  const loggers = options.jobLoggers ?? ['file'];
  const env = jobserviceEnv(ctx);
  const redis = ctx.redis;
  const p = options.storage ?? {};
  const claims: VolumeClaim[] = loggers.includes('file') ? [{
    name: 'job-logs',
    size: p.size ?? JOB_LOGS_SIZE,
    accessModes: p.accessModes ?? ['ReadWriteOnce'],
    storageClassName: p.storageClassName,
    existingClaim: p.existingClaim,
    mountPath: JOB_LOG_DIR,
  }] : [];
  return new DeploymentApp(ctx.scope, component, {
    ...podOptionsOf(options),
    name: ctx.names.jobservice,
    ...ctx.labels(component),
    replicas: options.replicas ?? 1,
    volumeClaims: claims,
    configMaps: [
      { name: 'env', files: env },
      { name: 'config', files: { 'config.yml': jobserviceConfig(ctx, loggers, options.maxJobWorkers ?? 10) } },
    ],
    container: {
      name: component,
      image: ctx.image('harbor-jobservice'),
      env: {
        ...envFromConfigMap(`${ctx.names.jobservice}-env`, env),
        CORE_SECRET: EnvValue.fromSecret(s.ref('coreSecret', component)),
        JOBSERVICE_SECRET: EnvValue.fromSecret(s.ref('jobserviceSecret', component)),
        REGISTRY_CREDENTIAL_PASSWORD: EnvValue.fromSecret(s.ref('registryPassword', component)),
        ...redis.passwordEnv(component),
        JOB_SERVICE_POOL_REDIS_URL: EnvValue.fromValue(redis.url(redis.indexes.jobservice)),
      },
      ports: [
        { name: 'http', port: HARBOR_PORTS.jobservice },
        ...(ctx.metrics ? [{ name: 'http-metrics', port: HARBOR_PORTS.metrics }] : []),
      ],
      volumeMounts: [{ volume: 'config', mountPath: '/etc/jobservice/config.yml', subPath: 'config.yml', readOnly: true }],
      ...httpProbes('/api/v1/stats', 'http'),
      resources: options.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      securityContext: CONTAINER_SECURITY,
    },
    podSecurity: HARBOR_POD_SECURITY,
    terminationGracePeriodSeconds: 120,
  });
}
