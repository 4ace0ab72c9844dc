import { FIELDS } from './checks';

const MACRO_EXPRESSIONS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
/** Days looked at: more than eight years, so that a leap day's schedule has two runs in it. */
const WINDOW_DAYS = 8 * 366 + 62;
const DAY_MS = 86_400_000;
const START = Date.UTC(2025, 0, 1);

/**
 * The longest time, in minutes, between two consecutive runs of a valid cron schedule (checked by
 * `checkCron` first), in the controller's time zone without daylight saving changes: a daily
 * schedule gives 1440, `0 3 * * 1,4` gives 5760, `@monthly` 44640.
 */
export function cronMaxGapMinutes(expr: string): number {
  const text = expr.trim();
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = (MACRO_EXPRESSIONS[text] ?? text).split(/\s+/);
  const minuteSet = expand(minutes, 0);
  const hourSet = expand(hours, 1);
  const domSet = expand(daysOfMonth, 2);
  const monthSet = expand(months, 3);
  const dowSet = new Set([...expand(daysOfWeek, 4)].map((d) => d % 7));
  // cron's rule: when both day fields are restricted, a day matching either runs.
  const domAny = /^[*?]/.test(daysOfMonth);
  const dowAny = /^[*?]/.test(daysOfWeek);
  const times = [...hourSet].flatMap((h) => [...minuteSet].map((m) => h * 60 + m)).sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  let previousDay: number | undefined;
  for (let day = 0; day < WINDOW_DAYS; day++) {
    const date = new Date(START + day * DAY_MS);
    if (!monthSet.has(date.getUTCMonth() + 1)) continue;
    const dom = domSet.has(date.getUTCDate());
    const dow = dowSet.has(date.getUTCDay());
    if (!(domAny && dowAny ? true : domAny ? dow : dowAny ? dom : dom || dow)) continue;
    if (previousDay !== undefined) gap = Math.max(gap, (day - previousDay) * 1440 + times[0] - times[times.length - 1]);
    previousDay = day;
  }
  return gap;
}

/** The values one field matches. */
function expand(field: string, index: number): Set<number> {
  const f = FIELDS[index];
  const value = (v: string): number => {
    const named = f.names?.indexOf(v.toUpperCase()) ?? -1;
    return named >= 0 ? named + (f.name === 'month' ? 1 : 0) : Number(v);
  };
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const [range, step] = item.split('/');
    const [lo, hi] = range === '*' || range === '?' ? [f.min, f.max] : range.split('-').map(value);
    const last = hi ?? (step === undefined ? lo : f.max);
    for (let n = lo; n <= last; n += Number(step ?? 1)) out.add(n);
  }
  return out;
}
