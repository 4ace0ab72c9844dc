import { podOptionsOf } from '../../common/placement';
import { EnvValue } from '../../common/env';
import { DeploymentApp } from '../../deployment-app/deployment-app';
import { exporterEnv } from '../config/exporter';
import { CONTAINER_SECURITY, envFromConfigMap, HARBOR_POD_SECURITY, HARBOR_PORTS, httpProbes } from '../context';
import type { HarborContext } from '../context';
import type { HarborMetricsOptions } from '../props';

/** The exporter (`goharbor/harbor-exporter`): Harbor-level metrics (projects, jobs, health) on port 8001. */
export function createExporter(ctx: HarborContext, options: HarborMetricsOptions): DeploymentApp {
  const component = 'exporter';
  const env = exporterEnv(ctx);
  const redis = ctx.redis;
  const o = options.exporter ?? {};
  return new DeploymentApp(ctx.scope, component, {
    ...podOptionsOf(o),
    name: ctx.names.exporter,
    ...ctx.labels(component),
    replicas: o.replicas ?? 1,
    configMaps: [{ name: 'env', files: env }],
    container: {
      name: component,
      image: ctx.image('harbor-exporter'),
      args: ['-log-level', ctx.logLevel],
      env: {
        ...envFromConfigMap(`${ctx.names.exporter}-env`, env),
        HARBOR_DATABASE_PASSWORD: EnvValue.fromSecret(ctx.database.password(component)),
        ...redis.passwordEnv(component),
        HARBOR_REDIS_URL: EnvValue.fromValue(redis.url(redis.indexes.jobservice)),
      },
      ports: [{ name: 'http-metrics', port: HARBOR_PORTS.metrics }],
      ...httpProbes('/', 'http-metrics'),
      resources: o.resources ?? { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      securityContext: CONTAINER_SECURITY,
    },
    podSecurity: HARBOR_POD_SECURITY,
  });
}
