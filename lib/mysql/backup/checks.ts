import type { IConstruct } from 'constructs';
import { check } from '../../common/errors';

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** The five fields: name, range and the names they accept. */
export const FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

/** Why `expr` is not a cron expression the CronJob controller accepts, or undefined when it is one. */
export function cronProblem(expr: string): string | undefined {
  if (typeof expr !== 'string') return 'must be a string';
  const text = expr.trim();
  if (text.startsWith('@')) return MACROS.has(text) ? undefined : `unknown macro (known: ${[...MACROS].join(', ')})`;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), it has ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const f = FIELDS[i];
    const value = (v: string): number => {
      const named = f.names?.indexOf(v.toUpperCase()) ?? -1;
      if (named >= 0) return named + (f.name === 'month' ? 1 : 0);
      return /^\d+$/.test(v) ? Number(v) : NaN;
    };
    for (const item of parts[i].split(',')) {
      const m = /^(\*|\?|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
      if (!m) return `${f.name} field "${parts[i]}" is not a number, range, list or step`;
      if (m[2] !== undefined && Number(m[2]) < 1) return `${f.name} field "${parts[i]}" has a step of 0`;
      if (m[1] === '*' || m[1] === '?') continue;
      const [lo, hi] = m[1].split('-').map(value);
      for (const n of [lo, hi].filter((x) => x !== undefined)) {
        if (!(n >= f.min && n <= f.max)) return `${f.name} field "${parts[i]}" is outside ${f.min}-${f.max}`;
      }
      if (hi !== undefined && hi < lo) return `${f.name} field "${parts[i]}" has a range that runs backwards`;
    }
  }
  return undefined;
}

/** Checks a CronJob schedule. */
export function checkCron(scope: IConstruct, prop: string, expr: string): void {
  const problem = cronProblem(expr);
  check(problem === undefined, scope, prop, expr, `must be a cron expression such as "0 3 * * *" or "@daily": ${problem}`);
}

/** Checks a repository path or key prefix: relative, no `..`, no leading or trailing slash. */
export function checkRepositoryPath(scope: IConstruct, prop: string, value: string): void {
  check(typeof value === 'string' && /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(value)
    && !value.split('/').some((p) => p === '..' || p === '.'), scope, prop, value,
  "must be a relative path of letters, digits, '.', '_' and '-' parts joined by '/', without '..' or a leading or trailing '/'");
}
