/**
 * The restore drill of the mysql release. dist/0001-mysql.k8s.yaml ships the drill's scripts
 * (restore.sh, drill.sh in mysql-scripts) but no drill CronJob: main.ts turns backups on and the
 * drill off. This synthesizes the release as main.ts does, with `drill` added, so the check runs the
 * library's own drill CronJob, and returns it with every other object of that synth, for the caller
 * to prove they equal the release's dist/ file (the drill is then this release's drill).
 */
import { Testing } from 'cdk8s';
import { BackupTarget, createNamespaceObject, CredentialSource, MariaDBVersion, MySQLEngine, MySQLReplication } from '../../../lib';
import { Release } from '../../../lib/release';

/** main.ts's MySQLChart, with `drill: { tables }`. Keep the props in step with main.ts (the caller checks). */
export function mysqlReleaseWithDrill(tables: string[]): any[] {
  const release = new Release(Testing.app(), 'mysql', { namespace: 'wordpress' });
  createNamespaceObject(release, release.namespace!);
  new MySQLReplication(release, 'mysql', {
    engine: MySQLEngine.mariadb(MariaDBVersion.V11_8),
    replicas: 2,
    database: { name: 'wordpress', user: 'wordpress' },
    storage: { storageClassName: 'sc-nfs' },
    credentials: CredentialSource.generated(),
    backup: { schedule: '0 2 * * *', retention: { count: 7, maxAgeDays: 14 }, target: BackupTarget.persistentVolumeClaim({ claimName: 'mysql-backups' }) },
    drill: { schedule: '0 5 * * 0', tables },
  });
  return Testing.synth(release);
}
