import { fieldChanges, formatChange } from './field-diff';
import type { FieldChange } from './field-diff';
import { describe, objectKey } from './manifests';
import type { ReleaseManifests } from './manifests';
import { risksOf } from './risks';
import type { RiskFlag } from './risks';

/** How one object changes between two outputs. */
export interface ObjectChange {
  /** `added`, `changed` or `removed`. */
  readonly change: 'added' | 'changed' | 'removed';
  /** The object, e.g. `StatefulSet wordpress/mysql`. */
  readonly object: string;
  /** Its kind. */
  readonly kind: string;
  /** The changed fields (changed objects only). */
  readonly fields: readonly FieldChange[];
}

/** The plan of one release. */
export interface ReleasePlan {
  /** Release name. */
  readonly release: string;
  /** `added` (a new release), `removed` (gone from the code) or `changed`. */
  readonly status: 'added' | 'removed' | 'changed';
  /** Its object changes, in file order (removed objects last). */
  readonly objects: readonly ObjectChange[];
  /** What a reviewer must look at. */
  readonly risks: readonly RiskFlag[];
}

/** The plans of the releases that change from `before` to `after` (unchanged releases are left out). */
export function planReleases(before: readonly ReleaseManifests[], after: readonly ReleaseManifests[]): ReleasePlan[] {
  const newOutput = after.flatMap(r => r.documents.map(d => d.object));
  const names = [...after.map(r => r.name), ...before.map(r => r.name).filter(n => !after.some(r => r.name === n))];
  return names.flatMap(name => {
    const b = before.find(r => r.name === name);
    const a = after.find(r => r.name === name);
    const plan = planRelease(name, b, a, newOutput);
    return plan.objects.length || plan.status !== 'changed' ? [plan] : [];
  });
}

function planRelease(name: string, before: ReleaseManifests | undefined, after: ReleaseManifests | undefined, newOutput: readonly any[]): ReleasePlan {
  const old = new Map((before?.documents ?? []).map(d => [objectKey(d.object), d.object]));
  const now = new Map((after?.documents ?? []).map(d => [objectKey(d.object), d.object]));
  const objects: ObjectChange[] = [];
  const risks: RiskFlag[] = [];
  for (const [key, obj] of now) {
    const was = old.get(key);
    if (!was) {
      objects.push({ change: 'added', object: describe(obj), kind: obj.kind, fields: [] });
      continue;
    }
    const fields = fieldChanges(was, obj);
    if (fields.length === 0) continue;
    objects.push({ change: 'changed', object: describe(obj), kind: obj.kind, fields });
    risks.push(...risksOf(was, obj, newOutput));
  }
  for (const [key, was] of old) {
    if (now.has(key)) continue;
    objects.push({ change: 'removed', object: describe(was), kind: was.kind, fields: [] });
    risks.push(...risksOf(was, undefined, newOutput));
  }
  return { release: name, status: !before ? 'added' : !after ? 'removed' : 'changed', objects, risks };
}

/** Field lines shown per changed object; the rest are counted. */
const MAX_FIELD_LINES = 8;

const MARK = { added: '+', changed: '~', removed: '-' } as const;

/** The plan as text for a terminal or a CI log: per release its object changes, then its risk flags. */
export function formatPlan(plans: readonly ReleasePlan[], label: string): string {
  if (plans.length === 0) return `${label}: no changes`;
  const lines = [`${label}:`];
  for (const p of plans) {
    lines.push('', `release ${p.release}${p.status === 'changed' ? '' : ` (${p.status === 'added' ? 'new release' : 'removed from the code'})`}`);
    for (const o of p.objects) {
      lines.push(`  ${MARK[o.change]} ${o.object}`);
      const shown = o.fields.slice(0, MAX_FIELD_LINES).map(f => `      ${formatChange(f, o.kind === 'Secret' && /^(data|stringData)\b/.test(f.path))}`);
      lines.push(...shown);
      if (o.fields.length > MAX_FIELD_LINES) lines.push(`      ... and ${o.fields.length - MAX_FIELD_LINES} more fields`);
    }
    for (const r of p.risks) {
      lines.push(`  ! ${r.severity === 'refused' ? 'REFUSED' : 'WARNING'} ${r.object}: ${r.what}`, `      what to do: ${r.action}`);
    }
  }
  const refused = plans.flatMap(p => p.risks).filter(r => r.severity === 'refused').length;
  const warnings = plans.flatMap(p => p.risks).length - refused;
  lines.push('', `${plans.length} release(s) change; ${refused} change(s) the API server would refuse, ${warnings} warning(s).`);
  return lines.join('\n');
}

/** Whether a plan holds a change the API server would refuse (the exit status of `npm run plan` is then 1). */
export function hasRefusedChange(plans: readonly ReleasePlan[]): boolean {
  return plans.some(p => p.risks.some(r => r.severity === 'refused'));
}
