import type { IConstruct } from 'constructs';
import { InvalidPropError, ShownValue } from './errors';

/**
 * How the props of an inner construct map to the props of the construct a user wrote: pairs of
 * `[inner prefix, outer prefix]`, e.g. `['volumeClaims[0]', 'storage']` or `['container.resources', 'resources']`.
 * The longest matching prefix wins; an inner prop without a match keeps its name.
 */
export type PropPathMap = ReadonlyArray<readonly [string, string]>;

type Key<T> = Extract<keyof T, string>;
type Fields<T> = Key<NonNullable<Exclude<T, boolean | string | number>>>;

/**
 * The paths of the props of `T`, two levels deep, as errors name them: `storage`, `storage.size`,
 * `volumeClaims[0]`, `volumeClaims[0].size`. A map built from these types breaks the build when a
 * prop it names is renamed, instead of an error message that silently names a prop that no longer exists.
 */
export type PropPath<T> = {
  [K in Key<T>]-?: NonNullable<T[K]> extends ReadonlyArray<infer E>
    ? K | `${K}[${number}]` | `${K}[${number}].${Fields<E>}`
    : K | `${K}.${Fields<T[K]>}`;
}[Key<T>];

/** A {@link PropPathMap} from the props of an inner construct (`Inner`) to those of the one a user wrote (`Outer`), both checked by the compiler. */
export function propPathMap<Inner, Outer>(pairs: ReadonlyArray<readonly [PropPath<Inner>, PropPath<Outer>]>): PropPathMap {
  return pairs;
}

/**
 * Runs `build` (which creates inner constructs) and reports any {@link InvalidPropError} it throws
 * as an error of `outer`: the user's construct path and the user's prop name, not the inner ones.
 */
export function withOuterProps<T>(outer: IConstruct, map: PropPathMap, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof InvalidPropError) || err.constructPath === outer.node.path) throw err;
    throw new InvalidPropError(outer, outerProp(err.prop, map), new ShownValue(err.shownValue), err.rule);
  }
}

/** The outer name of an inner prop. */
export function outerProp(inner: string, map: PropPathMap): string {
  let best: readonly [string, string] | undefined;
  for (const pair of map) {
    const [prefix] = pair;
    const matches = inner === prefix || inner.startsWith(`${prefix}.`) || inner.startsWith(`${prefix}[`);
    if (matches && (!best || prefix.length > best[0].length)) best = pair;
  }
  if (!best) return inner;
  const rest = inner.slice(best[0].length);
  return best[1] === '' ? rest.replace(/^\./, '') : best[1] + rest;
}
