import { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for bad input.
 *
 * The message names the construct path, the offending value and the rule it breaks, so that a
 * failing `cdk8s synth` in CI points straight at the prop to fix.
 */
export class InvalidPropError extends Error {
  /** The path of the construct whose props were rejected. */
  public readonly constructPath: string;

  constructor(scope: IConstruct, prop: string, value: unknown, rule: string) {
    super(`${scope.node.path}: ${prop} ${describe(value)} is invalid: ${rule}`);
    this.name = 'InvalidPropError';
    this.constructPath = scope.node.path;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return '(unset)';
  return JSON.stringify(value);
}

/** Throws an {@link InvalidPropError} unless `ok` holds. */
export function check(ok: boolean, scope: IConstruct, prop: string, value: unknown, rule: string): void {
  if (!ok) throw new InvalidPropError(scope, prop, value, rule);
}
