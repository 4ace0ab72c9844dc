import { App } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  BackupTarget, CredentialSource, HarborExposure, HarborStack, MariaDBVersion, MySQLEngine, MySQLReplication, Probe, StatefulApp,
  WordPressStack, WordPressDatabase,
} from './lib';
import { Release, ReleaseProps, synthReleases } from './lib/release';

/** The seed's `myapp`: three replicas, each with its own `data` claim kept on scale-down. */
export class MyAppChart extends Release {
  constructor(scope: Construct, id: string, props: ReleaseProps = {}) {
    super(scope, id, props);
    new StatefulApp(this, 'myapp', {
      replicas: 3,
      container: {
        name: 'myapp',
        image: 'registry.k8s.io/e2e-test-images/agnhost:2.47',
        args: ['netexec', '--http-port=8080'],
        ports: [{ name: 'http', port: 8080 }],
        readinessProbe: Probe.http('/healthz', 'http'),
        livenessProbe: Probe.http('/healthz', 'http'),
        resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
        securityContext: { runAsNonRoot: true, runAsUser: 65534, readOnlyRootFilesystem: true },
      },
      podSecurity: { fsGroup: 65534 },
      volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }],
      clientService: {},
    });
  }
}

/** The seed's database release (bitnami/mysql, architecture=replication, -n wordpress --create-namespace). */
export class MySQLChart extends Release {
  /** The replicated database, for the charts that use it. */
  public readonly mysql: MySQLReplication;

  constructor(scope: Construct, id: string, props: ReleaseProps = {}) {
    super(scope, id, props);
    this.mysql = new MySQLReplication(this, 'mysql', {
      // MariaDB LTS: its official image carries every tool the clone needs (the scripts fall back to
      // bash and perl without ncat), and this flow is the one proven against real servers in the tests.
      engine: MySQLEngine.mariadb(MariaDBVersion.V11_8),
      replicas: 2,
      database: { name: 'wordpress', user: 'wordpress' },
      storage: { storageClassName: 'sc-nfs' },
      // mysql-credentials is made once in the cluster by this release's mysql-secret-generator Job;
      // WordPress reads its `password` key from the same Secret (same namespace).
      credentials: CredentialSource.generated(),
      // Nightly physical backups from the replica onto an NFS claim shared with restores (docs/backups.md).
      backup: { schedule: '0 2 * * *', retention: { count: 7, maxAgeDays: 14 }, target: BackupTarget.persistentVolumeClaim({ claimName: 'mysql-backups' }) },
      // Every Sunday, the latest backup is restored into a throwaway server and every user table checked.
      drill: { schedule: '0 5 * * 0' },
      // The exporter sidecar, a PodMonitor and the database's alerts (docs/operations.md).
      monitoring: {},
    });
    new k8s.KubePersistentVolumeClaim(this, 'backups', {
      // Backups outlive the release: `helm uninstall` keeps this claim.
      metadata: { name: 'mysql-backups', annotations: { 'helm.sh/resource-policy': 'keep' } },
      spec: { accessModes: ['ReadWriteMany'], storageClassName: 'sc-nfs', resources: { requests: { storage: k8s.Quantity.fromString('50Gi') } } },
    });
  }
}

/** Builds the default app: every release of the seed, one file each in dist/. */
export function buildApp(app: App = new App()): App {
  new MyAppChart(app, 'myapp', { namespace: 'myapp', createNamespace: true });
  const db = new MySQLChart(app, 'mysql', { namespace: 'wordpress', createNamespace: true });
  new WordPressStack(app, 'wordpress', {
    namespace: 'wordpress',
    // The database release, written first, creates the shared namespace.
    createNamespace: false,
    database: WordPressDatabase.external(db.mysql),
    adminUser: 'admin',
    storage: { storageClassName: 'sc-nfs' },
    volumePermissions: true,
    ingress: { className: 'nginx', host: 'wordpress.mystical.org', pathType: 'Prefix' },
    // wordpress-credentials (admin password, keys and salts) is made once in the cluster by this
    // release's wordpress-secret-generator Job.
    credentials: CredentialSource.generated(),
    monitoring: {},
  });
  new HarborStack(app, 'harbor', {
    namespace: 'harbor',
    // Nothing to create by hand: the release's harbor-secret-generator Job makes every Harbor Secret once in
    // the cluster, and harbor-tls as an RSA key with a self-signed certificate for the host (what
    // harbor-helm's certSource: auto makes); core offers that certificate for download.
    exposure: HarborExposure.ingress({ className: 'nginx', hosts: { core: 'harbor.mystical.org' }, tls: { secretName: 'harbor-tls' } }),
    // The metrics of core, jobservice, registry and the exporter, a PodMonitor and the alerts.
    monitoring: {},
  });
  return app;
}

if (require.main === module) {
  synthReleases(buildApp());
}
