import { podOptionsOf } from '../../common/placement';
import { EnvValue } from '../../common/env';
import type { SecretKeyRef } from '../../common/secret';
import { AppVolume } from '../../common/volume';
import { DeploymentApp } from '../../deployment-app/deployment-app';
import { coreAppConf, coreEnv } from '../config/core';
import { CONTAINER_SECURITY, envFromConfigMap, HARBOR_POD_SECURITY, HARBOR_PORTS, httpProbes } from '../context';
import type { HarborContext } from '../context';
import type { HarborComponentOptions } from '../props';

/**
 * Core: the API, the token service and the registry proxy (`/v2/`), on port 8080. It reads its
 * settings from the `<core>-env` ConfigMap and its secrets from the operator's Secrets.
 */
export function createCore(ctx: HarborContext, options: HarborComponentOptions, ca: SecretKeyRef | undefined): DeploymentApp {
  const component = 'core';
  const s = ctx.secrets;
  // Core serves /etc/core/ca/ca.crt as the registry certificate download (harbor-helm's ca-download volume).
  const caVolume = ca ? [AppVolume.secret('ca-download', s.use(ca, component, 'CA certificate of the external TLS certificate, offered for download').secretName, { items: { [ca.key]: 'ca.crt' } })] : [];
  const env = coreEnv(ctx);
  const redis = ctx.redis;
  return new DeploymentApp(ctx.scope, component, {
    ...podOptionsOf(options),
    name: ctx.names.core,
    ...ctx.labels(component),
    replicas: options.replicas ?? 1,
    configMaps: [
      { name: 'env', files: env },
      { name: 'config', files: { 'app.conf': coreAppConf() } },
    ],
    volumes: [
      s.volume('secret-key', 'secretKey', 'key', component),
      s.volume('token-key', 'tokenKey', 'private_key.pem', component),
      AppVolume.emptyDir('psc'),
      ...caVolume,
    ],
    container: {
      name: component,
      image: ctx.image('harbor-core'),
      env: {
        ...envFromConfigMap(`${ctx.names.core}-env`, env),
        CORE_SECRET: EnvValue.fromSecret(s.ref('coreSecret', component)),
        JOBSERVICE_SECRET: EnvValue.fromSecret(s.ref('jobserviceSecret', component)),
        HARBOR_ADMIN_PASSWORD: EnvValue.fromSecret(s.ref('adminPassword', component)),
        CSRF_KEY: EnvValue.fromSecret(s.ref('csrfKey', component)),
        REGISTRY_CREDENTIAL_PASSWORD: EnvValue.fromSecret(s.ref('registryPassword', component)),
        POSTGRESQL_PASSWORD: EnvValue.fromSecret(ctx.database.password(component)),
        ...redis.passwordEnv(component),
        _REDIS_URL_CORE: EnvValue.fromValue(redis.url(redis.indexes.core, { idleTimeout: true })),
        _REDIS_URL_REG: EnvValue.fromValue(redis.url(redis.indexes.registry, { idleTimeout: true })),
      },
      ports: [
        { name: 'http', port: HARBOR_PORTS.core },
        ...(ctx.metrics ? [{ name: 'http-metrics', port: HARBOR_PORTS.metrics }] : []),
      ],
      volumeMounts: [
        { volume: 'config', mountPath: '/etc/core/app.conf', subPath: 'app.conf', readOnly: true },
        { volume: 'secret-key', mountPath: '/etc/core/key', subPath: 'key', readOnly: true },
        { volume: 'token-key', mountPath: '/etc/core/private_key.pem', subPath: 'private_key.pem', readOnly: true },
        { volume: 'psc', mountPath: '/etc/core/token' },
        ...(ca ? [{ volume: 'ca-download', mountPath: '/etc/core/ca', readOnly: true }] : []),
      ],
      // Core migrates the database schema on its first start, which can take minutes.
      ...httpProbes('/api/v2.0/ping', 'http', 3600, 2),
      resources: options.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      securityContext: CONTAINER_SECURITY,
    },
    podSecurity: HARBOR_POD_SECURITY,
    terminationGracePeriodSeconds: 120,
  });
}
