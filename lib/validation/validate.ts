import { Manifests } from './manifests';
import { describeObject } from './objects';
import { Finding, ValidationProblem } from './problem';
import { addRuleFindings } from './rules';
import { addSchemaFindings } from './schema';

/** Options of {@link validateObjects}. */
export interface ValidateObjectsOptions {
  /** The file an object comes from, copied into its problems. */
  readonly file?: (obj: any) => string | undefined;
}

/**
 * Validates all objects of one output (e.g. every chart of an app) against the Kubernetes 1.28
 * schema, strictly (unknown fields, wrong types, unknown kinds), and against the cross-object
 * rules in `rules/` (names and labels, selectors, StatefulSet services, volume mounts, literal
 * secrets, ReadWriteOnce claims under Deployments, namespaces of references).
 *
 * @returns the problems, schema problems first; empty when all is well.
 */
export function validateObjects(objects: readonly any[], options: ValidateObjectsOptions = {}): ValidationProblem[] {
  const findings: Finding[] = [];
  let notObjects = 0;
  for (let i = 0; i < objects.length; i++) {
    const obj = objects[i];
    if (isObject(obj)) {
      addSchemaFindings(obj, findings);
    } else {
      notObjects++;
      findings.push({ obj, rule: 'schema/type', path: '', message: `expected a Kubernetes object, got ${JSON.stringify(obj)}` });
    }
  }
  addRuleFindings(notObjects === 0 ? objects : objects.filter(isObject), findings);
  return findings.map(({ obj, rule, path, message }) => {
    const file = options.file?.(obj);
    return { rule, object: describeObject(obj), path, message, ...file ? { file } : {} };
  });
}

function isObject(obj: unknown): boolean {
  return obj !== null && typeof obj === 'object' && !Array.isArray(obj);
}

/** Problems of parsed manifest files, theirs ({@link Manifests.problems}) and their objects', each naming its file. */
export function validateManifests(manifests: Manifests): ValidationProblem[] {
  return [...manifests.problems, ...validateObjects(manifests.objects, { file: obj => manifests.fileOf.get(obj) })];
}
