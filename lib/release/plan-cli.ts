import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { readReleaseDir } from './manifests';
import { formatPlan, hasRefusedChange, planReleases } from './plan';

/** How `cdk8s-stateful plan` reports. */
export interface PlanIo {
  /** Prints the plan. */
  readonly out: (text: string) => void;
  /** Prints usage and read errors. */
  readonly err: (text: string) => void;
}

/** The usage line of `cdk8s-stateful plan`. */
export const PLAN_USAGE = 'usage: cdk8s-stateful plan [--against <dir>] [--to <dir>] [--app <command>]';

/** Synthesizes an app into a directory (throws with what went wrong). */
export type SynthTo = (outdir: string, appCommand?: string) => void;

/**
 * `cdk8s-stateful plan [--against <dir>] [--to <dir>] [--app <command>]`: synthesizes the app into a
 * temporary directory (never into dist/) with `synth` (by default the `app` command of `cdk8s.yaml`,
 * see {@link synthWithAppCommand}; `--app` gives another), or takes the output in `--to`, and prints per
 * release what changes from the output in `--against` (default `dist`, the committed output), with
 * risk flags. Returns 1 when the API server would refuse a change, 2 on bad usage, an unreadable
 * output or a failed synth, else 0.
 */
export function runPlan(args: readonly string[], synth: SynthTo = synthWithAppCommand, io: PlanIo = { out: console.log, err: console.error }): number {
  const dirs: Record<string, string> = { '--against': 'dist' };
  let appCommand: string | undefined;
  for (let i = 0; i < args.length; i += 2) {
    if (!['--against', '--to', '--app'].includes(args[i]) || args[i + 1] === undefined) {
      io.err(`plan: unexpected argument ${JSON.stringify(args[i])}\n${PLAN_USAGE}`);
      return 2;
    }
    if (args[i] === '--app') appCommand = args[i + 1];
    else dirs[args[i]] = args[i + 1];
  }
  for (const dir of Object.values(dirs)) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      io.err(`plan: ${dir} is not a directory\n${PLAN_USAGE}`);
      return 2;
    }
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-plan-'));
  try {
    const to = dirs['--to'] ?? tmp;
    if (!dirs['--to']) synth(tmp, appCommand);
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

/**
 * Runs the app command (`appCommand`, else the `app` of `./cdk8s.yaml`, as `cdk8s synth` does) with
 * `CDK8S_OUTDIR=outdir`, so that the app writes there. Throws with the command's output when it fails.
 */
export function synthWithAppCommand(outdir: string, appCommand?: string): void {
  const command = appCommand ?? appCommandOf('cdk8s.yaml');
  const run = spawnSync(command, { shell: true, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir } });
  if (run.status !== 0) {
    throw new Error(`the app command \`${command}\` failed (exit ${run.status ?? run.signal}):\n${run.stdout ?? ''}${run.stderr ?? ''}`.trimEnd());
  }
}

function appCommandOf(config: string): string {
  if (!fs.existsSync(config)) throw new Error(`no ${config} here to take the app command from: run it in your cdk8s project, or give --app <command> or --to <dir>`);
  const app = parse(fs.readFileSync(config, 'utf8'))?.app;
  if (typeof app !== 'string' || app.trim() === '') throw new Error(`${config} has no app command (app: ...)`);
  return app;
}
