import type { IConstruct } from 'constructs';
import { check } from '../common/errors';
import type { MySQLEngine } from './engine';

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

/** Settings the construct owns: a user value would break replication or the clone. */
const OWNED_SETTINGS = ['server-id', 'server_id', 'log-bin', 'log_bin', 'relay-log', 'relay_log', 'read_only', 'super_read_only',
  'skip-slave-start', 'skip_slave_start', 'skip_replica_start', 'skip-replica-start', 'log_slave_updates', 'log_replica_updates'];

/** Checks the user's extra `[mysqld]` settings: plain option names, one-line values, none the construct owns. */
export function checkMySQLConfig(scope: IConstruct, prop: string, config: Record<string, string>, engine: MySQLEngine, mode: ReplicationMode): void {
  const owned = new Set([...OWNED_SETTINGS, ...Object.keys(mode === 'gtid' ? engine.gtidSettings() : {})]);
  for (const [key, value] of Object.entries(config)) {
    check(/^[A-Za-z][A-Za-z0-9_-]*$/.test(key), scope, `${prop}.${key}`, key, "option names are letters, digits, '_' and '-'");
    check(!owned.has(key) && !owned.has(key.replace(/-/g, '_')), scope, `${prop}.${key}`, value,
      'is set by MySQLReplication itself (server ids, binary log, read-only replicas, GTID mode): leave it out');
    check(typeof value === 'string' && !/[\r\n]/.test(value), scope, `${prop}.${key}`, value,
      'must be one line: a newline would add lines (or sections) to the option file');
  }
}
