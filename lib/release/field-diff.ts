import { isDeepStrictEqual } from 'util';

/** One changed field of an object. */
export interface FieldChange {
  /** Path, e.g. `spec.template.spec.containers[mysql].image` (list items with a `name` or `metadata.name` by name). */
  readonly path: string;
  /** The value before, undefined when the field is new. */
  readonly before?: unknown;
  /** The value after, undefined when the field is gone. */
  readonly after?: unknown;
}

/** The changed fields between two versions of an object, leaves first-to-last in document order. */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter(k => !(k in before))];
    return keys.flatMap(k => fieldChanges(before[k], after[k], join(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const [b, a] = [itemNames(before), itemNames(after)];
    if (b && a) {
      const names = [...b, ...a.filter(n => !b.includes(n))];
      return names.flatMap(n => fieldChanges(before[b.indexOf(n)], after[a.indexOf(n)], `${path}[${n}]`));
    }
    if (before.length === after.length) return before.flatMap((b, i) => fieldChanges(b, after[i], `${path}[${i}]`));
  }
  return [{ path, before, after }];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** The names of a list's items (`name`, or `metadata.name` for claim templates), if every item has a unique one. */
function itemNames(list: unknown[]): string[] | undefined {
  const names = list.map(i => {
    if (!isRecord(i)) return undefined;
    const name = i.name ?? (isRecord(i.metadata) ? i.metadata.name : undefined);
    return typeof name === 'string' ? name : undefined;
  });
  return names.every(n => n !== undefined) && new Set(names).size === names.length ? names as string[] : undefined;
}

function join(path: string, key: string): string {
  const k = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
  return path ? `${path}.${k}` : k;
}

/** A short rendering of a value for a plan line: `(none)`, a JSON value cut to `max` characters, or a line count. */
export function shortValue(value: unknown, max = 60): string {
  if (value === undefined) return '(none)';
  if (typeof value === 'string' && value.includes('\n')) return `(${value.split('\n').length} lines)`;
  const json = JSON.stringify(value);
  return json.length > max ? `${json.slice(0, max - 1)}…` : json;
}

/** A plan line for one change, with values hidden (`redact`) for Secret data. */
export function formatChange(c: FieldChange, redact = false): string {
  if (redact) return `${c.path}: ${c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'changed'} (value hidden)`;
  if (typeof c.before === 'string' && typeof c.after === 'string' && (c.before + c.after).includes('\n')) {
    return `${c.path}: ${textChange(c.before, c.after)}`;
  }
  return `${c.path}: ${shortValue(c.before)} -> ${shortValue(c.after)}`;
}

/** The first changed line of a text, and the line counts. */
function textChange(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const first = a.findIndex((line, i) => line !== b[i]);
  const at = first === -1 ? a.length : first;
  return `line ${at + 1}: ${shortValue(a[at] ?? '')} -> ${shortValue(b[at] ?? '')} (${a.length} -> ${b.length} lines)`;
}
