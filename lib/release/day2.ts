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
