import { RELEASE_LABEL } from './release';

/**
 * Kinds left out of the prune allow-list: pruning a Namespace deletes everything in it, the objects of
 * other releases that share it included.
 */
export const NEVER_PRUNED: readonly string[] = ['core/v1/Namespace'];

/** The `group/version/Kind` of an object as `--prune-allowlist` takes it (`core/v1/ConfigMap`, `apps/v1/StatefulSet`). */
export function allowlistEntry(obj: any): string {
  const v = String(obj.apiVersion);
  return `${v.includes('/') ? v : `core/${v}`}/${obj.kind}`;
}

/** The prune allow-list of some objects: every kind they have but {@link NEVER_PRUNED}, sorted. */
export function pruneAllowlist(objects: readonly any[]): string[] {
  return [...new Set(objects.map(allowlistEntry))].filter(k => !NEVER_PRUNED.includes(k)).sort();
}

/** The label selector of release `name`'s objects. */
export function releaseSelector(name: string): string {
  return `${RELEASE_LABEL}=${name}`;
}

/**
 * Whether an equality-based label selector (`k=v,k2=v2`, `k==v`, `k!=v`) selects `labels`, as the
 * Kubernetes API server matches `-l`.
 */
export function selectorMatches(selector: string, labels: Record<string, string> | undefined): boolean {
  return selector.split(',').map(s => s.trim()).filter(Boolean).every(req => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(req);
    if (!m) throw new Error(`unsupported label selector requirement: ${req}`);
    const actual = labels?.[m[1]];
    return m[2] === '!=' ? actual !== m[3] : actual === m[3];
  });
}

/**
 * The `kubectl apply --prune` command that applies release `name` from `file` and deletes what it no longer has:
 * one `--prune-allowlist=<group>/<version>/<Kind>` flag per kind, each on its own line. kubectl reads each flag as
 * ONE group/version/kind (a comma-separated list is refused: `invalid GroupVersionKind format`).
 */
export function pruneCommand(name: string, file: string, allowlist: readonly string[]): string {
  for (const entry of allowlist) {
    if (!/^[a-z0-9.-]+\/[a-z0-9]+\/[A-Za-z0-9]+$/.test(entry)) throw new Error(`not a <group>/<version>/<Kind> of --prune-allowlist: ${entry}`);
  }
  return [`kubectl apply -f ${file} --prune -l ${releaseSelector(name)}`, ...allowlist.map(k => `  --prune-allowlist=${k}`)].join(' \\\n');
}
