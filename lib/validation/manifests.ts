import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { ValidationProblem } from './problem';

/** The Kubernetes objects of some multi-document YAML files, and what kept other documents from being objects. */
export interface Manifests {
  /** Every object, in file and document order. */
  readonly objects: readonly any[];
  /** The file each object comes from. */
  readonly fileOf: ReadonlyMap<any, string>;
  /** `yaml/parse` (a document is not valid YAML) and `yaml/document` (a document is not a mapping). Empty documents are skipped. */
  readonly problems: readonly ValidationProblem[];
}

/** Reads and parses `files` (multi-document YAML). */
export function readManifests(files: readonly string[]): Manifests {
  const objects: any[] = [];
  const fileOf = new Map<any, string>();
  const problems: ValidationProblem[] = [];
  for (const file of files) {
    parseAllDocuments(fs.readFileSync(file, 'utf-8')).forEach((doc, i) => {
      const object = `document ${i + 1}`;
      if (doc.errors.length > 0) {
        problems.push(...doc.errors.map(e => ({ rule: 'yaml/parse', severity: 'error' as const, object, path: '', message: e.message, file })));
        return;
      }
      const obj = doc.toJS();
      if (obj === null || obj === undefined) {
        return;
      }
      if (typeof obj !== 'object' || Array.isArray(obj)) {
        problems.push({ rule: 'yaml/document', severity: 'error' as const, object, path: '', message: `document is ${Array.isArray(obj) ? 'a sequence' : `a ${typeof obj}`}, not a Kubernetes object`, file });
        return;
      }
      objects.push(obj);
      fileOf.set(obj, file);
    });
  }
  return { objects, fileOf, problems };
}

/**
 * The manifest files named by `paths`: a file stands for itself, a directory for its `*.yaml` and
 * `*.yml` files (not recursive), sorted by name.
 *
 * @throws if a path does not exist.
 */
export function manifestFiles(paths: readonly string[]): string[] {
  return paths.flatMap(p => fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).filter(f => /\.ya?ml$/.test(f)).sort().map(f => path.join(p, f))
    : [p]);
}
