import { describe } from './manifests';
import type { RiskFlag } from './risks';

/** The key of a MySQLReplication's topology ConfigMap (`<name>-topology`) that declares the primary. */
const PRIMARY_KEY = 'primary';

/**
 * The day-2 step of a changed MySQLReplication topology ConfigMap: a switchover of the primary, with what its
 * Job does, or, without a switchover Job in the new output, the write Service moving to a replica that nothing
 * promotes.
 */
export function switchoverSteps(before: any, after: any, newOutput: readonly any[]): RiskFlag[] {
  if (after.kind !== 'ConfigMap' || !/-topology$/.test(after.metadata?.name ?? '')) return [];
  const [from, to] = [before.data?.[PRIMARY_KEY], after.data?.[PRIMARY_KEY]];
  if (from === undefined || to === undefined || from === to) return [];
  const name = after.metadata.name.replace(/-topology$/, '');
  const namespace = after.metadata.namespace;
  const job = newOutput.find(o => o.kind === 'Job' && o.metadata?.namespace === namespace
    && o.metadata?.name?.startsWith(`${name}-switchover-${to}-`));
  const sts = newOutput.find(o => o.kind === 'StatefulSet' && o.metadata?.namespace === namespace && o.metadata?.name === name);
  const members = Number(sts?.spec?.replicas ?? 1);
  const others = Array.from({ length: members }, (_, i) => i).filter(i => String(i) !== to).map(i => `${name}-${i}`).join(', ');
  const catchUp = job?.spec?.template?.spec?.containers?.[0]?.env?.find((e: any) => e.name === 'CATCH_UP_SECONDS')?.value;
  if (!job) {
    return [{
      severity: 'warning', object: describe(after),
      what: `the declared primary moves from ${name}-${from} to ${name}-${to} with no switchover Job: the write Service ${name}-primary `
        + `selects ${name}-${to}, a read-only replica, and nothing promotes it`,
      action: `set \`primary: ${to}\` explicitly (a Job is synthesized whenever \`primary\` is set), or revert`,
    }];
  }
  return [{
    severity: 'warning', object: describe(after),
    what: `day-2 step, switchover of the primary ${name}-${from} -> ${name}-${to}: on apply the write Service ${name}-primary selects `
      + `${name}-${to} (writes are refused until it is promoted) and the Job ${job.metadata.name} checks ${name}-${to} is a healthy replica `
      + `of the current primary, makes that one read-only and closes its clients, waits up to ${catchUp ?? '?'} s until ${name}-${to} has applied `
      + `every transaction (else makes the old primary writable again and fails), promotes ${name}-${to} and points ${others} at it`,
    action: `apply with the release's prune command (or Helm), so that a finished switchover Job of the same name is not left in place; `
      + `then kubectl wait --for=condition=complete job/${job.metadata.name}${namespace ? ` -n ${namespace}` : ''} (docs/operations.md says what to do when it fails)`,
  }];
}

/** MySQL's long-term-support series: an upgrade may not skip one (MySQL's release model; 8.0 is the oldest supported). */
const MYSQL_LTS: readonly string[] = ['8.0', '8.4', '9.7'];

function versionParts(v: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function compareVersions(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/** The engine family and version of a MySQLReplication StatefulSet (its name and version labels), if it is one. */
function engineOf(sts: any): { flavor: string; version: string } | undefined {
  const labels = sts?.metadata?.labels ?? {};
  const flavor = labels['app.kubernetes.io/name'];
  const version = labels['app.kubernetes.io/version'];
  if (sts?.kind !== 'StatefulSet' || labels['app.kubernetes.io/component'] !== 'database' || !['mysql', 'mariadb'].includes(flavor) || !version) return undefined;
  return { flavor, version };
}

/** The declared primary of a MySQLReplication StatefulSet: its topology ConfigMap in `output`, else 0. */
function declaredPrimary(sts: any, output: readonly any[]): number {
  const topology = output.find(o => o.kind === 'ConfigMap' && o.metadata?.namespace === sts.metadata?.namespace
    && o.metadata?.name === `${sts.metadata?.name}-topology`);
  return Number(topology?.data?.[PRIMARY_KEY] ?? 0);
}

/**
 * The day-2 step of an engine version change of a MySQLReplication: the order in which the StatefulSet
 * replaces the pods and its gates, and an upgrade path the engine does not support (a downgrade, a skipped
 * MySQL LTS) named with the supported one.
 */
export function engineUpgradeSteps(before: any, after: any, newOutput: readonly any[]): RiskFlag[] {
  const [was, now] = [engineOf(before), engineOf(after)];
  if (!was || !now || was.flavor !== now.flavor || was.version === now.version) return [];
  const [from, to] = [versionParts(was.version), versionParts(now.version)];
  if (!from || !to) return [];
  const name = after.metadata.name;
  const flags: RiskFlag[] = [];
  if (compareVersions(to, from) < 0) {
    flags.push({
      severity: 'warning', object: describe(after),
      what: `engine ${now.flavor} ${was.version} -> ${now.version} is a downgrade, which ${now.flavor === 'mysql' ? 'MySQL' : 'MariaDB'} does not support in place`,
      action: `revert to ${was.version}; to go back, restore a logical dump or a backup taken before the upgrade into a new cluster`,
    });
    return flags;
  }
  if (now.flavor === 'mysql') {
    const skipped = MYSQL_LTS.filter(v => { const p = versionParts(v)!; return compareVersions(p, from) > 0 && compareVersions(p, to) < 0; });
    if (skipped.length) {
      flags.push({
        severity: 'warning', object: describe(after),
        what: `engine mysql ${was.version} -> ${now.version} skips the LTS series ${skipped.join(', ')}: MySQL upgrades in place only from one LTS series to the next`,
        action: `upgrade to ${skipped[0]} first (apply, let every member run it), then to ${now.version}`,
      });
    }
  }
  const members = Number(after.spec?.replicas ?? 1);
  const primary = declaredPrimary(after, newOutput);
  const strategy = after.spec?.updateStrategy ?? {};
  const order = Array.from({ length: members }, (_, i) => members - 1 - i);
  const partition = strategy.rollingUpdate?.partition;
  const held = typeof partition === 'number' ? order.filter(i => i < partition) : [];
  const rolled = order.filter(i => !held.includes(i)).map(i => `${name}-${i}${i === primary ? ' (the primary)' : ''}`);
  const onDelete = strategy.type === 'OnDelete';
  flags.push({
    severity: 'warning', object: describe(after),
    what: `day-2 step, engine upgrade ${now.flavor} ${was.version} -> ${now.version}: `
      + (onDelete ? 'OnDelete: each pod takes the new image when you delete it'
        : `the StatefulSet replaces ${rolled.join(', ')} in this order, each only once the one before is Ready again (its readiness probe: a real query)`)
      + (held.length ? `; the partition ${partition} holds back ${held.map(i => `${name}-${i}`).join(', ')}` : '')
      + '; a replica is Ready before its replication has caught up; '
      + (now.flavor === 'mysql' ? 'the MySQL server upgrades its system tables itself when it starts on older data'
        : 'mariadb-upgrade is not run for you: run it once on each member after it started, or set MARIADB_AUTO_UPGRADE=1 (extraEnv) and the image runs it'),
    action: !onDelete && !held.includes(primary) && order.filter(i => !held.includes(i)).slice(-1)[0] !== primary
      ? `the primary ${name}-${primary} is not last: set an updateStrategy partition of ${primary + 1} first (replicas above it), or switch the primary to ordinal 0 before the upgrade (docs/operations.md)`
      : 'watch each replica replicate again (SHOW REPLICA STATUS) before the next pod goes; back up first (docs/operations.md, Engine upgrades)',
  });
  return flags;
}
