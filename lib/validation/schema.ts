import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { DEFINITIONS_ID, Definitions, KUBERNETES_VERSION, loadDefinitions } from './definitions';
import { K8S_FORMATS } from './formats';
import { Finding, pointer } from './problem';

/** Rule ids for the ajv keywords that have a name of their own. */
const RULE_BY_KEYWORD: Record<string, string> = {
  additionalProperties: 'schema/unknown-field',
  type: 'schema/type',
  required: 'schema/required',
  format: 'schema/format',
  enum: 'schema/enum',
};

interface Validator {
  readonly ajv: Ajv;
  readonly definitions: Definitions;
  /** Compiled validators by `"<apiVersion> <kind>"`, filled on first use of each kind. */
  readonly compiled: Map<string, ValidateFunction>;
}

let validator: Validator | undefined;

/**
 * Validates one object against the Kubernetes 1.28 definition of its apiVersion and kind:
 * unknown fields, wrong types, missing required fields and bad formats are findings, and so is an
 * apiVersion/kind pair the API does not have. The definitions are loaded on first call and each
 * kind is compiled once, on first use.
 */
export function schemaFindings(obj: any): Finding[] {
  const missing = ['apiVersion', 'kind'].filter(field => typeof obj[field] !== 'string' || obj[field] === '');
  if (missing.length > 0) {
    return missing.map(field => ({ obj, rule: 'schema/required', path: pointer(field), message: `missing required field "${field}"` }));
  }
  const validate = validatorFor(obj.apiVersion, obj.kind);
  if (!validate) {
    const known = validatorState().definitions.apiVersionsByKind.get(obj.kind);
    const hint = known ? ` (it has ${obj.kind} in ${known.join(', ')})` : '';
    return [{
      obj,
      rule: 'schema/unknown-kind',
      path: pointer('kind'),
      message: `Kubernetes ${KUBERNETES_VERSION} has no kind ${obj.kind} in apiVersion ${obj.apiVersion}${hint}`,
    }];
  }
  return validate(obj) ? [] : (validate.errors ?? []).map(error => toFinding(obj, error));
}

function validatorState(): Validator {
  if (!validator) {
    const definitions = loadDefinitions();
    // strict: false only relaxes checks of the *schemas* (x-kubernetes-* keywords); documents stay strict.
    const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, formats: K8S_FORMATS });
    ajv.addSchema(definitions.document);
    validator = { ajv, definitions, compiled: new Map() };
  }
  return validator;
}

function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const state = validatorState();
  const key = `${apiVersion} ${kind}`;
  let validate = state.compiled.get(key);
  if (!validate) {
    const name = state.definitions.byApiVersionKind.get(key);
    if (!name) {
      return undefined;
    }
    validate = state.ajv.compile({ $ref: `${DEFINITIONS_ID}#/definitions/${name}` });
    state.compiled.set(key, validate);
  }
  return validate;
}

function toFinding(obj: any, error: ErrorObject): Finding {
  const rule = RULE_BY_KEYWORD[error.keyword] ?? `schema/${error.keyword}`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field: string = error.params.additionalProperty;
      const known = Object.keys(error.parentSchema?.properties ?? {});
      const suggestion = closest(field, known);
      return {
        obj,
        rule,
        path: error.instancePath + pointer(field),
        message: `unknown field "${field}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      };
    }
    case 'required':
      return { obj, rule, path: error.instancePath + pointer(error.params.missingProperty), message: `missing required field "${error.params.missingProperty}"` };
    case 'type':
      return { obj, rule, path: error.instancePath, message: `expected ${String(error.params.type).split(',').join(' or ')}, got ${typeName(error.data)} ${JSON.stringify(error.data)}` };
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
