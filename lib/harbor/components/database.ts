import { podOptionsOf } from '../../common/placement';
import { EnvValue } from '../../common/env';
import { Probe } from '../../common/probe';
import { AppVolume } from '../../common/volume';
import { StatefulApp } from '../../stateful-app/stateful-app';
import type { HarborBuiltInDatabaseOptions } from '../backends';
import { CONTAINER_SECURITY, dataStorage, DATA_POD_SECURITY, HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';

/** Default size of the database claim. */
export const DATABASE_SIZE = '1Gi';
/** User of the internal database. */
export const INTERNAL_DATABASE_USER = 'postgres';
/** Database core uses in the internal server (created by the image's init script). */
export const INTERNAL_CORE_DATABASE = 'registry';

const DATA_DIR = '/var/lib/postgresql/data';

/**
 * The bundled PostgreSQL (`goharbor/harbor-db`, uid 999): one pod with its `data` claim. The data
 * lives in the `pgdata` sub-directory, which an init container keeps at mode 0700 (PostgreSQL
 * refuses group-readable data, which fsGroup would otherwise cause on some CSI drivers).
 */
export function createDatabase(ctx: HarborContext, options: HarborBuiltInDatabaseOptions): StatefulApp {
  const component = 'database';
  const image = ctx.image('harbor-db');
  const data = dataStorage(options.storage, DATABASE_SIZE, DATA_DIR);
  const healthcheck = Probe.exec(['/docker-healthcheck.sh'], { periodSeconds: 10, timeoutSeconds: 5 });
  return new StatefulApp(ctx.scope, component, {
    ...podOptionsOf(options),
    name: ctx.names.database,
    ...ctx.labels(component),
    replicas: 1,
    volumeClaims: data.volumeClaims,
    volumes: [...data.volumes, AppVolume.emptyDir('shm', { medium: 'Memory', sizeLimit: options.shmSizeLimit ?? '512Mi' })],
    initContainers: [{
      name: 'data-permissions',
      image,
      command: ['/bin/sh', '-c', `chmod -R 700 ${DATA_DIR}/pgdata || true`],
      volumeMounts: [{ volume: 'data', mountPath: DATA_DIR }],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
      securityContext: CONTAINER_SECURITY,
    }],
    container: {
      name: component,
      image,
      env: {
        POSTGRES_PASSWORD: EnvValue.fromSecret(ctx.secrets.ref('databasePassword', component)),
        PGDATA: EnvValue.fromValue(`${DATA_DIR}/pgdata`),
      },
      ports: [{ name: 'postgres', port: HARBOR_PORTS.database }],
      volumeMounts: [...data.mounts, { volume: 'shm', mountPath: '/dev/shm' }],
      // The image initialises or upgrades the data directory before it accepts connections.
      startupProbe: Probe.exec(['/docker-healthcheck.sh'], { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 }),
      livenessProbe: healthcheck,
      readinessProbe: healthcheck,
      resources: options.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      securityContext: CONTAINER_SECURITY,
    },
    podSecurity: DATA_POD_SECURITY,
    terminationGracePeriodSeconds: 120,
  });
}
