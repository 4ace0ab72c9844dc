import { podOptionsOf } from '../../common/placement';
import { k8s } from 'cdk8s-plus-28';
import { EnvValue } from '../../common/env';
import { recommendedLabels } from '../../common/labels';
import { DeploymentApp } from '../../deployment-app/deployment-app';
import type { VolumeClaim } from '../../common/storage';
import { REGISTRY_CONFIG_PATH, REGISTRY_HTPASSWD_PATH, registryConfig, registryctlConfig } from '../config/registry';
import { CONTAINER_SECURITY, HARBOR_POD_SECURITY, HARBOR_PORTS, httpProbes } from '../context';
import type { HarborContext } from '../context';
import type { HarborRegistryOptions } from '../props';

/** Default size of the registry's data claim. */
export const REGISTRY_DATA_SIZE = '5Gi';

/** The registry pod and the extra Service of its registryctl sidecar. */
export interface RegistryComponent {
  /** Registry (main container) and registryctl (sidecar). */
  readonly app: DeploymentApp;
  /** The Service of registryctl. */
  readonly controllerService: k8s.KubeService;
}

/**
 * The registry (docker distribution, port 5000) with registryctl as a second container (port
 * 8080; core and jobservice call it for garbage collection). Both read the same config.yml, and
 * with filesystem storage both mount the data claim at `/storage`.
 */
export function createRegistry(ctx: HarborContext, options: HarborRegistryOptions): RegistryComponent {
  const component = 'registry';
  const s = ctx.secrets;
  const storage = ctx.storage;
  const p = options.storage ?? {};
  const claims: VolumeClaim[] = storage.usesClaim ? [{
    name: 'data',
    size: p.size ?? REGISTRY_DATA_SIZE,
    accessModes: p.accessModes ?? ['ReadWriteOnce'],
    storageClassName: p.storageClassName,
    existingClaim: p.existingClaim,
    mountPath: '/storage',
  }] : [];
  const registryEnv = (reader: string): Record<string, EnvValue> => {
    const redisPassword = ctx.redis.password(reader);
    return {
      REGISTRY_HTTP_SECRET: EnvValue.fromSecret(s.ref('registryHttpSecret', reader)),
      ...(redisPassword ? { REGISTRY_REDIS_PASSWORD: EnvValue.fromSecret(redisPassword) } : {}),
      ...storage.env(s, reader),
    };
  };
  const configMount = { volume: 'config', mountPath: REGISTRY_CONFIG_PATH, subPath: 'config.yml', readOnly: true };
  const app = new DeploymentApp(ctx.scope, component, {
    ...podOptionsOf(options),
    name: ctx.names.registry,
    ...ctx.labels(component),
    replicas: options.replicas ?? 1,
    volumeClaims: claims,
    configMaps: [
      { name: 'config', files: { 'config.yml': registryConfig(ctx) } },
      { name: 'ctl-config', files: { 'config.yml': registryctlConfig(ctx) } },
    ],
    volumes: [
      s.volume('htpasswd', 'registryHtpasswd', 'passwd', component),
      ...storage.volumes(s, component),
    ],
    container: {
      name: component,
      image: ctx.image('registry-photon'),
      env: registryEnv(component),
      ports: [
        { name: 'http', port: HARBOR_PORTS.registry },
        ...(ctx.metrics ? [{ name: 'http-metrics', port: HARBOR_PORTS.metrics }] : []),
      ],
      volumeMounts: [
        configMount,
        { volume: 'htpasswd', mountPath: REGISTRY_HTPASSWD_PATH, subPath: 'passwd', readOnly: true },
        ...storage.volumeMounts(),
      ],
      ...httpProbes('/', 'http'),
      resources: options.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '2Gi' } },
      securityContext: CONTAINER_SECURITY,
    },
    sidecars: [{
      name: 'registryctl',
      image: ctx.image('harbor-registryctl'),
      env: {
        CORE_SECRET: EnvValue.fromSecret(s.ref('coreSecret', 'registryctl')),
        JOBSERVICE_SECRET: EnvValue.fromSecret(s.ref('jobserviceSecret', 'registryctl')),
        ...registryEnv('registryctl'),
      },
      ports: [{ name: 'registryctl', port: HARBOR_PORTS.registryctl }],
      volumeMounts: [
        ...(storage.usesClaim ? [{ volume: 'data', mountPath: '/storage' }] : []),
        configMount,
        { volume: 'ctl-config', mountPath: '/etc/registryctl/config.yml', subPath: 'config.yml', readOnly: true },
        ...storage.volumeMounts(),
      ],
      ...httpProbes('/api/health', 'registryctl'),
      resources: options.controllerResources ?? { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '512Mi' } },
      securityContext: CONTAINER_SECURITY,
    }],
    podSecurity: HARBOR_POD_SECURITY,
    terminationGracePeriodSeconds: 120,
  });
  // DeploymentApp's Service exposes the main container's ports only; registryctl gets its own.
  const controllerService = new k8s.KubeService(ctx.scope, 'registryctl-service', {
    metadata: {
      name: ctx.names.registryctl,
      labels: recommendedLabels({ name: 'harbor', instance: ctx.name, component: 'registryctl', partOf: 'harbor', version: ctx.version }),
    },
    spec: {
      type: 'ClusterIP',
      selector: app.selectorLabels,
      ports: [{ name: 'http', port: HARBOR_PORTS.registryctl, targetPort: k8s.IntOrString.fromString('registryctl'), protocol: 'TCP' }],
    },
  });
  return { app, controllerService };
}
