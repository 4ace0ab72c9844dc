import { addApiServerFindings } from './api-server';
import type { Manifests } from './manifests';
import { describeObject } from './objects';
import type { Finding, ValidationProblem } from './problem';
import { addRuleFindings } from './rules';
import { addSchemaFindings } from './schema';
import { parseServiceClusterIPRange } from './service-network';
import { kubernetesVersion } from './versions';
import type { KubernetesVersion } from './versions';

/** Options of every validation function. */
export interface ValidationOptions {
  /**
   * The Kubernetes release to validate against: its schema (fields, types, kinds) and its API
   * server's rules, with its default feature gates.
   *
   * @default '1.37'
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * The target cluster's Service IP ranges, as its API server's `--service-cluster-ip-range`: one
   * CIDR (e.g. `'10.96.0.0/16'`), or an IPv4 and an IPv6 CIDR separated by a comma (dual-stack).
   * With it, what that server rejects for its network is an error too: a fixed `clusterIP`
   * outside the range, an IP family the cluster lacks, `RequireDualStack` on a single-stack cluster.
   *
   * @default - unknown: those rules, which depend on the cluster, are not applied
   */
  readonly serviceClusterIPRange?: string;
}

/** Options of {@link validateObjects}. */
export interface ValidateObjectsOptions extends ValidationOptions {
  /** The file an object comes from, copied into its problems. */
  readonly file?: (obj: any) => string | undefined;
}

/**
 * Validates all objects of one output (e.g. every chart of an app) against the schema of
 * Kubernetes `options.kubernetesVersion`, strictly (unknown fields, wrong types, unknown kinds),
 * against the rules its API server applies to each object and to the Pods, PersistentVolumeClaims
 * and ReplicaSets that controllers create from them (`api-server/`), and against the cross-object
 * rules in `rules/` (selectors, StatefulSet services, volume mounts, literal secrets, ReadWriteOnce
 * claims under Deployments, namespaces of references, duplicates).
 *
 * An API-server finding at a path where the schema already found a problem is left out: one
 * problem per mistake.
 *
 * @returns the problems (errors and warnings), schema problems first; empty when all is well.
 */
export function validateObjects(objects: readonly any[], options: ValidateObjectsOptions = {}): ValidationProblem[] {
  const version = kubernetesVersion(options.kubernetesVersion);
  const serviceRanges = options.serviceClusterIPRange === undefined ? undefined : parseServiceClusterIPRange(options.serviceClusterIPRange);
  const findings: Finding[] = [];
  let notObjects = 0;
  for (let i = 0; i < objects.length; i++) {
    const obj = objects[i];
    if (isObject(obj)) {
      addSchemaFindings(obj, version, findings);
    } else {
      notObjects++;
      findings.push({ obj, rule: 'schema/type', path: '', message: `expected a Kubernetes object, got ${JSON.stringify(obj)}` });
    }
  }
  const schemaFindings = findings.length;
  const valid = notObjects === 0 ? objects : objects.filter(isObject);
  addApiServerFindings(valid, version, findings, serviceRanges);
  addRuleFindings(valid, version, findings);
  const kept = schemaFindings === 0 ? findings : withoutRepeats(findings, schemaFindings);
  return kept.map(({ obj, rule, path, message, warning }) => {
    const file = options.file?.(obj);
    return { rule, severity: warning ? 'warning' : 'error', object: describeObject(obj), path, message, ...file ? { file } : {} };
  });
}

/** `findings` without the ones after the first `schemaFindings` at an object and path (or below it) where the schema found a problem. */
function withoutRepeats(findings: readonly Finding[], schemaFindings: number): Finding[] {
  const paths = new Map<any, string[]>();
  for (let i = 0; i < schemaFindings; i++) {
    const { obj, path } = findings[i];
    paths.set(obj, [...paths.get(obj) ?? [], path]);
  }
  return findings.filter((f, i) => i < schemaFindings
    || !(paths.get(f.obj) ?? []).some(p => f.path === p || f.path.startsWith(p + '/')));
}

function isObject(obj: unknown): boolean {
  return obj !== null && typeof obj === 'object' && !Array.isArray(obj);
}

/** Problems of parsed manifest files, theirs ({@link Manifests.problems}) and their objects', each naming its file. */
export function validateManifests(manifests: Manifests, options: ValidationOptions = {}): ValidationProblem[] {
  return [...manifests.problems, ...validateObjects(manifests.objects, { ...options, file: obj => manifests.fileOf.get(obj) })];
}
