import type { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for bad input.
 *
 * The message names the construct path, the prop, the offending value and the rule it breaks, so
 * that a failing `cdk8s synth` in CI points straight at the prop to fix. Secret values are never
 * shown: callers describe them instead (see `checkSecretRef`).
 */
export class InvalidPropError extends Error {
  /** The path of the construct whose props were rejected. */
  public readonly constructPath: string;
  /** The prop, as the user wrote it (e.g. `storage.size`). */
  public readonly prop: string;
  /** The value as shown in the message (JSON, or a description for values that must not be shown). */
  public readonly shownValue: string;
  /** The rule the value breaks. */
  public readonly rule: string;

  constructor(scope: IConstruct, prop: string, value: unknown, rule: string) {
    const path = scope.node.path;
    const shown = describe(value);
    super(`${path}: ${prop} ${shown} is invalid: ${rule}`);
    this.name = 'InvalidPropError';
    this.constructPath = path;
    this.prop = prop;
    this.shownValue = shown;
    this.rule = rule;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (value instanceof ShownValue) return value.text;
  return JSON.stringify(value);
}

/** A value shown in an error as the given text, not as JSON (a description of a value that must not be printed). */
export class ShownValue {
  constructor(
    /** What the error message shows. */
    public readonly text: string,
  ) {}
}

/** Throws an {@link InvalidPropError} unless `ok` holds. */
export function check(ok: boolean, scope: IConstruct, prop: string, value: unknown, rule: string): void {
  if (!ok) throw new InvalidPropError(scope, prop, value, rule);
}
