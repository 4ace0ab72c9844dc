import { annotationKey, annotationsSize, labelValue, qualifiedName } from '../../rules';
import { asArray, asRecord } from '../objects';
import { pointer } from '../problem';
import type { Finding } from '../problem';
import type { ServiceIPRange } from '../service-network';
import { featureEnabled, featureGraduated, featureOff } from '../features';
import type { KubernetesVersion } from '../versions';

/** Where the API-server rules of one object put their findings, and what they need to know. */
export class Check {
  constructor(
    public readonly obj: any,
    public readonly version: KubernetesVersion,
    private readonly findings: Finding[],
    /** The cluster's Service IP ranges, when the validation is told them. */
    public readonly serviceRanges?: readonly ServiceIPRange[],
  ) {}

  /** A finding: the server rejects the object. */
  public error(path: string, rule: string, message: string): void {
    this.findings.push({ obj: this.obj, rule, path, message });
  }

  /** A warning: the server accepts the object, but not as written. */
  public warn(path: string, rule: string, message: string): void {
    this.findings.push({ obj: this.obj, rule, path, message, warning: true });
  }

  /** Whether feature `gate` is on by default in the release validated against (its vendored gates). */
  public feature(gate: string): boolean {
    return featureEnabled(this.version, gate);
  }

  /** Whether feature `gate` is GA (or graduated and removed) in the release validated against. */
  public graduated(gate: string): boolean {
    return featureGraduated(this.version, gate);
  }

  /**
   * A `workload/alpha-field` warning at `path` when `value` is set and feature `gate` is off by default in
   * the release validated against: the server drops the field. The message names the releases that have it.
   */
  public gatedField(path: string, gate: string, what: string, value: unknown, consequence = ''): void {
    const off = isSet(value) ? featureOff(this.version, gate, what, consequence) : undefined;
    if (off) {
      this.warn(path, 'workload/alpha-field', off);
    }
  }
}

/** Whether `x` is a number that is a whole number. */
export function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

/** Whether `x` is set: neither undefined nor null (the server's decoder takes null as unset). */
export function isSet(x: unknown): boolean {
  return x !== undefined && x !== null;
}

/** `x` if it is a non-empty string, else undefined. */
export function str(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

/** Reports `rule` at `path` unless it is undefined: `<what> "<value>" <rule>`. */
export function ruled(check: Check, path: string, id: string, value: unknown, problem: string | undefined, what = 'value'): void {
  if (problem !== undefined) {
    check.error(path, id, `${what} ${JSON.stringify(value)} ${problem}`);
  }
}

/** An integer at `path` within [min, max], if set. */
export function intRange(check: Check, path: string, id: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (isInt(value) && (value < min || value > max)) {
    check.error(path, id, max === Number.MAX_SAFE_INTEGER ? `${value} must be greater than or equal to ${min}` : `${value} must be between ${min} and ${max}, inclusive`);
  }
}

/** An optional string field of `values`, if set and not empty. */
export function oneOf(check: Check, path: string, id: string, value: unknown, values: readonly string[], allowEmpty = true): void {
  if (typeof value === 'string' && !(allowEmpty && value === '') && !values.includes(value)) {
    check.error(path, id, `unsupported value ${JSON.stringify(value)}: supported values: ${values.map(v => JSON.stringify(v)).join(', ')}`);
  }
}

/** How many of `keys` are set on `record`. */
export function countSet(record: Record<string, any>, keys: readonly string[]): number {
  let n = 0;
  for (const key of keys) {
    if (isSet(record[key])) {
      n++;
    }
  }
  return n;
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** A label selector's expressions (`matchLabels` are checked with every label map, by `metadata/label`). */
export function labelSelector(check: Check, path: string, id: string, selector: unknown): void {
  const expressions = asArray(asRecord(selector).matchExpressions);
  for (let i = 0; i < expressions.length; i++) {
    const { key, operator, values } = asRecord(expressions[i]);
    const at = `${path}/matchExpressions/${i}`;
    if (typeof key === 'string') {
      ruled(check, `${at}/key`, id, key, qualifiedName(key), 'key');
    }
    if (typeof operator === 'string' && !SELECTOR_OPERATORS.includes(operator)) {
      check.error(`${at}/operator`, id, `${JSON.stringify(operator)} is not a valid selector operator (In, NotIn, Exists, DoesNotExist)`);
    } else if ((operator === 'In' || operator === 'NotIn') && asArray(values).length === 0) {
      check.error(`${at}/values`, id, `values must be given when operator is ${operator}`);
    } else if ((operator === 'Exists' || operator === 'DoesNotExist') && asArray(values).length > 0) {
      check.error(`${at}/values`, id, `values must not be given when operator is ${operator}`);
    }
    const list = asArray(values);
    for (let j = 0; j < list.length; j++) {
      if (typeof list[j] === 'string') {
        ruled(check, `${at}/values/${j}`, id, list[j], labelValue(list[j]));
      }
    }
  }
}

/** A map of annotations at `path`: keys are qualified names, at most 256 KiB together. */
export function annotations(check: Check, path: string, value: unknown): void {
  if (value === undefined || value === null) {
    return;
  }
  const map = asRecord(value);
  for (const key in map) {
    if (Object.prototype.hasOwnProperty.call(map, key)) {
      const problem = cachedAnnotationKey(key);
      if (problem) {
        check.error(path + pointer(key), 'metadata/annotation', `annotation key ${JSON.stringify(key)} ${problem}`);
      }
    }
  }
  const size = annotationsSize(map);
  if (size) {
    check.error(path, 'metadata/annotation', size);
  }
}

/** {@link annotationKey} by key: an output uses a few annotation keys on many objects. `null`: valid. */
const ANNOTATION_KEYS = new Map<string, string | null>();

function cachedAnnotationKey(key: string): string | undefined {
  let problem = ANNOTATION_KEYS.get(key);
  if (problem === undefined) {
    problem = annotationKey(key) ?? null;
    if (ANNOTATION_KEYS.size >= 10_000) {
      ANNOTATION_KEYS.clear();
    }
    ANNOTATION_KEYS.set(key, problem);
  }
  return problem ?? undefined;
}
