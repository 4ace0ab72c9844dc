import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../common/package-root';
import { DEFAULT_KUBERNETES_VERSION } from './versions';
import type { KubernetesVersion } from './versions';

/** `$id` under which the definitions document of `version` is registered with ajv. */
export function definitionsId(version: KubernetesVersion): string {
  return `k8s-${version}`;
}

const DEFINITIONS_DIR = path.join('lib', 'validation', 'definitions');
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** The vendored definitions of one Kubernetes version, made strict, with an index of the top-level kinds. */
export interface Definitions {
  /** The Kubernetes version they are of. */
  readonly version: KubernetesVersion;
  /** JSON schema document (`{ $id, definitions }`) to register with ajv. */
  readonly document: { readonly $id: string; readonly definitions: Record<string, any> };
  /** Definition name by `"<apiVersion> <kind>"`, from `x-kubernetes-group-version-kind`. */
  readonly byApiVersionKind: ReadonlyMap<string, string>;
  /** Every apiVersion that defines a kind, for hints on unknown apiVersion/kind pairs. */
  readonly apiVersionsByKind: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads `lib/validation/definitions/k8s-<version>.json` (the `definitions` of the release's
 * OpenAPI v2 document without descriptions; found from the package root, so it works from the
 * sources and from `build/`) and makes it strict like kubeconform `-strict`:
 * `additionalProperties: false` on every object schema that lists `properties` and does not say
 * otherwise, IntOrString as integer-or-string and Quantity as a number or a string in the quantity
 * grammar (format `quantity`).
 */
export function loadDefinitions(version: KubernetesVersion = DEFAULT_KUBERNETES_VERSION): Definitions {
  const file = path.join(packageRoot(), DEFINITIONS_DIR, `k8s-${version}.json`);
  const definitions: Record<string, any> = JSON.parse(fs.readFileSync(file, 'utf-8')).definitions;
  const byApiVersionKind = new Map<string, string>();
  const apiVersionsByKind = new Map<string, string[]>();
  for (const [name, schema] of Object.entries(definitions)) {
    closeObjects(schema);
    serverRequired(name, schema);
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      byApiVersionKind.set(`${apiVersion} ${gvk.kind}`, name);
      apiVersionsByKind.set(gvk.kind, [...apiVersionsByKind.get(gvk.kind) ?? [], apiVersion]);
    }
  }
  definitions[INT_OR_STRING] = { type: ['integer', 'string', 'null'] };
  definitions[QUANTITY] = { type: ['string', 'number', 'null'], format: 'quantity' };
  return { version, document: { $id: definitionsId(version), definitions }, byApiVersionKind, apiVersionsByKind };
}

/**
 * Fields the definitions list as `required` that the API server does not require: its decoder
 * takes any JSON object, and its validation requires fields one by one (the API-server rules check
 * those). A `status` is ignored on create, so nothing in it is required.
 */
const NOT_REQUIRED_BY_SERVER: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.api.apps.v1.StatefulSetSpec': ['serviceName'],
  'io.k8s.api.networking.v1.NetworkPolicySpec': ['podSelector'],
  // A claim's dataSource without a kind is accepted (and dropped: the server supports only known kinds).
  'io.k8s.api.core.v1.TypedLocalObjectReference': ['kind'],
  'io.k8s.api.core.v1.TypedObjectReference': ['kind'],
};

/** Drops the `required` of {@link NOT_REQUIRED_BY_SERVER} and of every definition that is a status. */
function serverRequired(name: string, schema: any): void {
  const optional = NOT_REQUIRED_BY_SERVER[name];
  if (optional && Array.isArray(schema.required)) {
    schema.required = schema.required.filter((field: string) => !optional.includes(field));
  }
  if (/Status$/.test(name) && schema.required) {
    delete schema.required;
  }
  if (Array.isArray(schema.required) && schema.required.length === 0) {
    delete schema.required;
  }
}

/**
 * Adds `additionalProperties: false` to `schema` and every object schema nested in it, and lets
 * every typed value be `null`: the server's JSON decoder takes `null` as "not set" for any field.
 */
function closeObjects(schema: any): void {
  if (typeof schema.type === 'string') {
    schema.type = [schema.type, 'null'];
  }
  if (schema.properties) {
    schema.additionalProperties ??= false;
    Object.values(schema.properties).forEach(closeObjects);
  }
  if (typeof schema.additionalProperties === 'object') {
    closeObjects(schema.additionalProperties);
  }
  if (schema.items) {
    closeObjects(schema.items);
  }
}
