import { MySQLEngine } from './engine';

/** The replication mode: GTID auto-positioning, or binary log file and position. */
export type ReplicationMode = 'gtid' | 'binlog';

/** Renders one `[mysqld]` option file. */
export function optionFile(comment: string, settings: Record<string, string>): string {
  const lines = Object.entries(settings).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  return [`# ${comment}`, '[mysqld]', ...lines, ''].join('\n');
}

/**
 * The option files of the config ConfigMap. The init container copies `common.cnf` to every member,
 * `primary.cnf` to ordinal 0 and `replica.cnf` to the others, beside its generated `server-id.cnf`.
 */
export function replicationConfigFiles(engine: MySQLEngine, mode: ReplicationMode, extra: Record<string, string>): Record<string, string> {
  return {
    'common.cnf': optionFile('Every member', {
      'skip-name-resolve': 'ON',
      'relay-log': 'relay-bin',
      ...(mode === 'gtid' ? engine.gtidSettings() : {}),
      ...extra,
    }),
    'primary.cnf': optionFile('Ordinal 0, the primary: the binary log is what the replicas read', engine.binlogSettings()),
    'replica.cnf': optionFile('Ordinals 1..n: read-only replicas, each also the next member\'s clone donor', {
      ...engine.binlogSettings(),
      ...engine.replicaSettings(),
    }),
  };
}
