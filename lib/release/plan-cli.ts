import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { readReleaseDir } from './manifests';
import { formatPlan, hasRefusedChange, planReleases } from './plan';

/** How `npm run plan` reports. */
export interface PlanIo {
  /** Prints the plan. */
  readonly out: (text: string) => void;
  /** Prints usage and read errors. */
  readonly err: (text: string) => void;
}

const USAGE = 'usage: npm run plan [-- [--against <dir>] [--to <dir>]]';

/**
 * `npm run plan [--against <dir>] [--to <dir>]`: synthesizes the app that `buildApp` builds into a
 * temporary directory (never into dist/), or takes the output in `--to`, and prints per release what
 * changes from the output in `--against` (default `dist`, the committed output), with risk flags.
 * Returns 1 when the API server would refuse a change, 2 on bad usage or an unreadable output, else 0.
 */
export function runPlan(args: readonly string[], buildApp: (app: App) => App, io: PlanIo = { out: console.log, err: console.error }): number {
  const dirs: Record<string, string> = { '--against': 'dist' };
  for (let i = 0; i < args.length; i += 2) {
    if (!['--against', '--to'].includes(args[i]) || args[i + 1] === undefined) {
      io.err(`plan: unexpected argument ${JSON.stringify(args[i])}\n${USAGE}`);
      return 2;
    }
    dirs[args[i]] = args[i + 1];
  }
  for (const dir of Object.values(dirs)) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      io.err(`plan: ${dir} is not a directory\n${USAGE}`);
      return 2;
    }
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-plan-'));
  try {
    const to = dirs['--to'] ?? tmp;
    if (!dirs['--to']) buildApp(new App({ outdir: tmp })).synth();
    const plans = planReleases(readReleaseDir(dirs['--against']), readReleaseDir(to));
    io.out(formatPlan(plans, `${dirs['--against']} -> ${dirs['--to'] ?? 'the current code'}`));
    return hasRefusedChange(plans) ? 1 : 0;
  } catch (e) {
    io.err(`plan: ${(e as Error).message}`);
    return 2;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
