import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { CUSTOM_RESOURCES } from './custom-resources';
import { definitionsId, loadDefinitions } from './definitions';
import type { Definitions } from './definitions';
import { FastSchemaCompiler } from './fast-schema';
import type { FastCheck } from './fast-schema';
import { K8S_FORMATS } from './formats';
import { pointer } from './problem';
import type { Finding } from './problem';
import { KUBERNETES_VERSIONS } from './versions';
import type { KubernetesVersion } from './versions';

/** Rule ids for the ajv keywords that have a name of their own. */
const RULE_BY_KEYWORD: Record<string, string> = {
  additionalProperties: 'schema/unknown-field',
  type: 'schema/type',
  required: 'schema/required',
  format: 'schema/format',
  enum: 'schema/enum',
};

interface Validator {
  readonly definitions: Definitions;
  /** Compiles the yes/no checks that decide whether an object is valid, fast. */
  readonly fast: FastSchemaCompiler;
  /** Stops at the first error: the yes/no check of the kinds {@link fast} does not support; created on first use. */
  firstError: Ajv | undefined;
  /** Collects every error with its data and schema, for the objects that the fast check rejects; created on first use. */
  verbose: Ajv | undefined;
  /** Validators by apiVersion and kind, filled on first use of each kind. */
  readonly byKind: Map<string, Map<string, KindValidators>>;
}

/** The validators of one apiVersion and kind. */
interface KindValidators {
  /** `$ref` of the kind's definition in the definitions document. */
  readonly ref: string;
  /** Whether an object is valid: a {@link FastSchemaCompiler} check, or ajv's when that does not support the kind. */
  readonly fast: FastCheck;
  /** Compiled the first time an object of this kind is invalid. */
  verbose: ValidateFunction | undefined;
}

/** Module-level cache by version: the definitions are read, and each kind compiled, once per process. */
const validators = new Map<KubernetesVersion, Validator>();

/**
 * Validates one object against the definition of its apiVersion and kind in Kubernetes `version`:
 * unknown fields, wrong types, missing required fields and bad formats are findings, and so is an
 * apiVersion/kind pair the API does not have. A field or kind that another supported version has
 * is reported with the versions that have it. The definitions are loaded on first call and each
 * kind is compiled once, on first use.
 *
 * Each object is first checked by a yes/no check that stops at the first error (a
 * {@link FastSchemaCompiler} check; ajv without `allErrors` for a kind that does not support).
 * Only an object that fails it is validated by ajv with `allErrors`, which finds every error: the
 * findings are ajv's and complete, while valid objects, the usual case, take the fast path.
 */
export function addSchemaFindings(obj: any, version: KubernetesVersion, findings: Finding[]): void {
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '' || typeof obj.kind !== 'string' || obj.kind === '') {
    for (const field of ['apiVersion', 'kind']) {
      if (typeof obj[field] !== 'string' || obj[field] === '') {
        findings.push({ obj, rule: 'schema/required', path: pointer(field), message: `missing required field "${field}"` });
      }
    }
    return;
  }
  const state = validatorState(version);
  const kindValidators = validatorsFor(state, obj.apiVersion, obj.kind);
  if (!kindValidators && CUSTOM_RESOURCES.has(`${obj.apiVersion} ${obj.kind}`)) return;
  if (!kindValidators) {
    const known = state.definitions.apiVersionsByKind.get(obj.kind);
    const hint = known ? ` (it has ${obj.kind} in ${known.join(', ')})` : '';
    const elsewhere = versionsWith(version, other => other.definitions.byApiVersionKind.has(`${obj.apiVersion} ${obj.kind}`));
    findings.push({
      obj,
      rule: 'schema/unknown-kind',
      path: pointer('kind'),
      message: `Kubernetes ${version} has no kind ${obj.kind} in apiVersion ${obj.apiVersion}${elsewhere ? `: ${elsewhere}` : ''}${hint}`,
    });
    return;
  }
  if (kindValidators.fast(obj)) {
    return;
  }
  const verbose = verboseValidator(state, kindValidators);
  if (!verbose(obj)) {
    for (const error of verbose.errors ?? []) {
      findings.push(toFinding(obj, error, state));
    }
  }
}

function validatorState(version: KubernetesVersion): Validator {
  let state = validators.get(version);
  if (!state) {
    const definitions = loadDefinitions(version);
    const fast = new FastSchemaCompiler(definitions.document.definitions, K8S_FORMATS);
    state = { definitions, fast, firstError: undefined, verbose: undefined, byKind: new Map() };
    validators.set(version, state);
  }
  return state;
}

/**
 * `added in 1.35`, `removed after 1.28`: the other supported versions for which
 * `has` holds, said from the point of view of `version` (for which it does not); undefined if none.
 */
function versionsWith(version: KubernetesVersion, has: (state: Validator) => boolean): string | undefined {
  const index = KUBERNETES_VERSIONS.indexOf(version);
  const newer = KUBERNETES_VERSIONS.slice(index + 1).filter(v => has(validatorState(v)));
  const older = KUBERNETES_VERSIONS.slice(0, index).filter(v => has(validatorState(v)));
  if (newer.length > 0) {
    return `unknown in Kubernetes ${version}, added in ${newer[0]}`;
  }
  if (older.length > 0) {
    return `unknown in Kubernetes ${version}, removed after ${older[older.length - 1]}`;
  }
  return undefined;
}

/** Whether the definitions of `state` know the field at `segments` (JSON pointer segments) of an object of this apiVersion and kind. */
function knowsField(state: Validator, apiVersion: string, kind: string, segments: readonly string[]): boolean {
  const name = state.definitions.byApiVersionKind.get(`${apiVersion} ${kind}`);
  const definitions = state.definitions.document.definitions;
  let schema: any = name ? definitions[name] : undefined;
  for (const segment of segments) {
    while (schema?.$ref) {
      schema = definitions[String(schema.$ref).slice('#/definitions/'.length)];
    }
    if (!schema) {
      return false;
    }
    if (schema.items && /^\d+$/.test(segment)) {
      schema = schema.items;
    } else if (schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, segment)) {
      schema = schema.properties[segment];
    } else if (typeof schema.additionalProperties === 'object') {
      schema = schema.additionalProperties;
    } else {
      return false;
    }
  }
  return schema !== undefined;
}

function validatorsFor(state: Validator, apiVersion: string, kind: string): KindValidators | undefined {
  let validators = state.byKind.get(apiVersion)?.get(kind);
  if (!validators) {
    const name = state.definitions.byApiVersionKind.get(`${apiVersion} ${kind}`);
    if (!name) {
      return undefined;
    }
    const ref = `${definitionsId(state.definitions.version)}#/definitions/${name}`;
    validators = { ref, fast: state.fast.compile(name) ?? firstErrorValidator(state, ref), verbose: undefined };
    let byKind = state.byKind.get(apiVersion);
    if (!byKind) {
      byKind = new Map();
      state.byKind.set(apiVersion, byKind);
    }
    byKind.set(kind, validators);
  }
  return validators;
}

/** ajv's validator of `ref` that stops at the first error, for a kind the fast checks do not support. */
function firstErrorValidator(state: Validator, ref: string): FastCheck {
  if (!state.firstError) {
    state.firstError = newAjv(state.definitions, { allErrors: false });
  }
  const validate = state.firstError.compile({ $ref: ref });
  return data => validate(data) as boolean;
}

function verboseValidator(state: Validator, validators: KindValidators): ValidateFunction {
  if (!validators.verbose) {
    if (!state.verbose) {
      state.verbose = newAjv(state.definitions, { allErrors: true, verbose: true });
    }
    validators.verbose = state.verbose.compile({ $ref: validators.ref });
  }
  return validators.verbose;
}

function newAjv(definitions: Definitions, options: { allErrors: boolean; verbose?: boolean }): Ajv {
  // Loaded on first use: a synth whose objects all pass the fast checks never needs ajv (and saves loading it).
  const AjvClass = (require('ajv') as typeof import('ajv')).default;
  // strict: false only relaxes checks of the *schemas* (x-kubernetes-* keywords); documents stay strict.
  const ajv = new AjvClass({ strict: false, formats: K8S_FORMATS, ...options });
  ajv.addSchema(definitions.document);
  return ajv;
}

function toFinding(obj: any, error: ErrorObject, state: Validator): Finding {
  const rule = RULE_BY_KEYWORD[error.keyword] ?? `schema/${error.keyword}`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field: string = error.params.additionalProperty;
      const path = error.instancePath + pointer(field);
      const segments = path.split('/').slice(1).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const elsewhere = versionsWith(state.definitions.version, other => knowsField(other, obj.apiVersion, obj.kind, segments));
      if (elsewhere) {
        return { obj, rule, path, message: `field "${field}" is ${elsewhere}` };
      }
      const known = Object.keys(error.parentSchema?.properties ?? {});
      const suggestion = closest(field, known);
      return { obj, rule, path, message: `unknown field "${field}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}` };
    }
    case 'required':
      return { obj, rule, path: error.instancePath + pointer(error.params.missingProperty), message: `missing required field "${error.params.missingProperty}"` };
    case 'type':
      return { obj, rule, path: error.instancePath, message: `expected ${String(error.params.type).split(',').filter(t => t !== 'null').join(' or ')}, got ${typeName(error.data)} ${JSON.stringify(error.data)}` };
    case 'format':
      return { obj, rule, path: error.instancePath, message: `${JSON.stringify(error.data)} is not a valid ${error.params.format}` };
    case 'enum':
      return { obj, rule, path: error.instancePath, message: `${JSON.stringify(error.data)} is not one of ${error.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}` };
    default:
      return { obj, rule, path: error.instancePath, message: error.message ?? error.keyword };
  }
}

function typeName(data: unknown): string {
  return data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data;
}

/** The known field closest to a misspelt one (case-insensitive, at most 2 edits), if any. */
function closest(field: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(field.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) {
      best = { name, distance };
    }
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
