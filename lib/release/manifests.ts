import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';

/** One Kubernetes object of a release file: its YAML text as written and its parsed value. */
export interface ManifestDocument {
  /** The document's text, without the `---` separator. */
  readonly text: string;
  /** The parsed object. */
  readonly object: any;
}

/** The objects of one release, as one `NNNN-<release>.k8s.yaml` file of the output holds them. */
export interface ReleaseManifests {
  /** Release name (the file name without index and extension). */
  readonly name: string;
  /** File name in the output directory, e.g. `0001-mysql.k8s.yaml`. */
  readonly file: string;
  /** Its objects, in file order. */
  readonly documents: readonly ManifestDocument[];
}

/** Extension of the plain manifest files cdk8s writes. */
export const MANIFEST_EXTENSION = '.k8s.yaml';

/** The release name of a manifest file name: `0001-mysql.k8s.yaml` -> `mysql`. */
export function releaseNameOfFile(file: string): string {
  return path.basename(file, MANIFEST_EXTENSION).replace(/^\d{4}-/, '');
}

/**
 * Splits multi-document YAML as cdk8s writes it (documents separated by `---` lines) into documents,
 * keeping each document's text byte for byte.
 */
export function splitDocuments(yaml: string): ManifestDocument[] {
  return yaml.split(/^---\n/m).filter(t => t.trim() !== '').map(text => {
    const doc = parseDocument(text);
    if (doc.errors.length) throw new Error(`not valid YAML: ${doc.errors[0].message}`);
    return { text, object: doc.toJS() };
  });
}

/** The documents of `yaml` paired with the objects it was written from, or undefined when they do not pair up. */
function withObjects(yaml: string, objects: readonly unknown[] | undefined): ManifestDocument[] | undefined {
  if (!objects) return undefined;
  const texts = yaml.split(/^---\n/m).filter(t => t.trim() !== '');
  return texts.length === objects.length ? texts.map((text, i) => ({ text, object: objects[i] })) : undefined;
}

/**
 * Reads the release files (`*.k8s.yaml`, sorted by name) of an output directory. `objectsOf` may give,
 * by release name, the objects a file was written from (in file order), which spares parsing it back.
 */
export function readReleaseDir(dir: string, objectsOf: (release: string) => readonly unknown[] | undefined = () => undefined): ReleaseManifests[] {
  return fs.readdirSync(dir).filter(f => f.endsWith(MANIFEST_EXTENSION)).sort().map(file => {
    try {
      const yaml = fs.readFileSync(path.join(dir, file), 'utf8');
      const name = releaseNameOfFile(file);
      return { name, file, documents: withObjects(yaml, objectsOf(name)) ?? splitDocuments(yaml) };
    } catch (e) {
      throw new Error(`${path.join(dir, file)}: ${(e as Error).message}`);
    }
  });
}

/** The API group of an object: `core` for `v1`, `apps` for `apps/v1`. */
export function apiGroupOf(obj: any): string {
  const v = String(obj.apiVersion ?? '');
  return v.includes('/') ? v.split('/')[0] : 'core';
}

/** An object's identity across versions of the output: group, kind, namespace and name (not the API version). */
export function objectKey(obj: any): string {
  return `${apiGroupOf(obj)}/${obj.kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects), for humans. */
export function describe(obj: any): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name}`;
}
