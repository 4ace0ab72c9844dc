import { podOptionsOf } from '../../common/placement';
import { EnvValue } from '../../common/env';
import { Probe } from '../../common/probe';
import { StatefulApp } from '../../stateful-app/stateful-app';
import { CONTAINER_SECURITY, dataStorage, HARBOR_POD_SECURITY, HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';
import type { HarborTrivyOptions } from '../props';

/** Default size of each Trivy cache claim. */
export const TRIVY_CACHE_SIZE = '5Gi';

/**
 * The Trivy scanner adapter (`goharbor/trivy-adapter-photon`, uid 10000) on port 8080: each pod
 * keeps the vulnerability database and reports on its own `data` claim. Core reaches the pods
 * through the `<trivy>` client Service; the headless `<trivy>-headless` names the pods.
 */
export function createTrivy(ctx: HarborContext, options: HarborTrivyOptions): StatefulApp {
  const component = 'trivy';
  const data = dataStorage(options.storage, TRIVY_CACHE_SIZE, '/home/scanner/.cache');
  const redis = ctx.redis;
  const redisURL = EnvValue.fromValue(redis.url(redis.indexes.trivy, { idleTimeout: true }));
  const flag = (v: boolean | undefined) => EnvValue.fromValue(String(v ?? false));
  return new StatefulApp(ctx.scope, component, {
    ...podOptionsOf(options),
    name: ctx.names.trivy,
    ...ctx.labels(component),
    replicas: options.replicas ?? 1,
    headlessService: { name: ctx.names.trivyHeadless },
    clientService: { name: ctx.names.trivy },
    volumeClaims: data.volumeClaims,
    volumes: data.volumes,
    container: {
      name: component,
      image: ctx.image('trivy-adapter-photon'),
      env: {
        SCANNER_LOG_LEVEL: EnvValue.fromValue(ctx.logLevel),
        SCANNER_API_SERVER_ADDR: EnvValue.fromValue(`:${HARBOR_PORTS.trivy}`),
        SCANNER_TRIVY_CACHE_DIR: EnvValue.fromValue('/home/scanner/.cache/trivy'),
        SCANNER_TRIVY_REPORTS_DIR: EnvValue.fromValue('/home/scanner/.cache/reports'),
        SCANNER_TRIVY_DEBUG_MODE: EnvValue.fromValue(String(ctx.logLevel === 'debug')),
        SCANNER_TRIVY_VULN_TYPE: EnvValue.fromValue('os,library'),
        SCANNER_TRIVY_SEVERITY: EnvValue.fromValue(options.severity ?? 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL'),
        SCANNER_TRIVY_IGNORE_UNFIXED: flag(options.ignoreUnfixed),
        SCANNER_TRIVY_SKIP_UPDATE: flag(options.skipUpdate),
        SCANNER_TRIVY_SKIP_JAVA_DB_UPDATE: flag(options.skipJavaDBUpdate),
        SCANNER_TRIVY_OFFLINE_SCAN: flag(options.offlineScan),
        SCANNER_TRIVY_SECURITY_CHECKS: EnvValue.fromValue('vuln'),
        SCANNER_TRIVY_INSECURE: EnvValue.fromValue('false'),
        SCANNER_TRIVY_TIMEOUT: EnvValue.fromValue(options.timeout ?? '5m0s'),
        ...(options.githubToken ? {
          SCANNER_TRIVY_GITHUB_TOKEN: EnvValue.fromSecret(ctx.secrets.use(options.githubToken, component,
            'GitHub token for vulnerability DB downloads (optional, avoids rate limits)')),
        } : {}),
        ...redis.passwordEnv(component),
        SCANNER_REDIS_URL: redisURL,
        SCANNER_STORE_REDIS_URL: redisURL,
        SCANNER_JOB_QUEUE_REDIS_URL: redisURL,
      },
      ports: [{ name: 'http', port: HARBOR_PORTS.trivy }],
      livenessProbe: Probe.http('/probe/healthy', 'http', { initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 10 }),
      readinessProbe: Probe.http('/probe/ready', 'http', { initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 }),
      resources: options.resources ?? { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      volumeMounts: data.mounts,
      securityContext: CONTAINER_SECURITY,
    },
    podSecurity: HARBOR_POD_SECURITY,
  });
}
