/**
 * Child processes of the replication e2e test.
 *
 * - `run`: a one-shot command (an init container, a probe, a client call) with stdin, captured
 *   output and a hard timeout.
 * - `Background`: a long-running process (a server, a sidecar) whose output goes to a log file.
 * - `waitUntil`: a bounded polling loop that fails with a description of what it waited for.
 *
 * Every process is started in its own process group (`detached`), so a kill reaches the whole
 * group (a sidecar's ncat and the mariadb-backup it runs, clone.sh's ncat | mbstream pipeline).
 * Groups still alive are tracked; `killAllGroups` and the guard installed by `installExitGuard`
 * (process exit and SIGINT/SIGTERM/SIGHUP) kill them, so no server outlives the test.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as vm from 'vm';

/** Process group ids (the group leader's pid) of every process started here and not yet reaped. */
const liveGroups = new Set<number>();

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone
  }
}

/** SIGKILL every process group still alive (synchronous; safe in an exit handler). */
export function killAllGroups(): void {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

/** Directories removed by the exit guard (the pods' temp dirs), unless the test removed them itself. */
const exitDirs = new Set<string>();

/** Removes `dir` when the process exits or is interrupted (see installExitGuard). */
export function removeOnExit(dir: string, remove = true): void {
  if (remove) exitDirs.add(dir);
  else exitDirs.delete(dir);
}

/**
 * The real process object. Jest runs a test file in a vm context whose `process` is a copy: an
 * 'exit' or signal listener added there never fires. Code run with vm.runInThisContext sees the
 * real one.
 */
const realProcess = vm.runInThisContext('process') as NodeJS.Process;

/**
 * When this process exits or gets SIGINT/SIGTERM/SIGHUP: kills every remaining process group
 * and removes the directories registered with removeOnExit. Returns the function that removes
 * the guard again (call it in afterAll, after stopping everything). A SIGKILL of the test
 * process cannot be caught; the next run then reports the addresses still in use.
 */
export function installExitGuard(): () => void {
  const onExit = () => {
    killAllGroups();
    for (const dir of exitDirs) fs.rmSync(dir, { recursive: true, force: true });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    realProcess.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  };
  realProcess.on('exit', onExit);
  for (const s of signals) realProcess.on(s, onSignal);
  return () => {
    realProcess.off('exit', onExit);
    for (const s of signals) realProcess.off(s, onSignal);
  };
}

/** The last `lines` lines of `text`. */
export function tail(text: string, lines = 25): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Written to stdin (then closed); stdin is empty otherwise. */
  readonly input?: string;
  readonly timeoutMs: number;
}

/**
 * Runs argv to completion. Resolves with its exit status and output; rejects when it cannot be
 * started or does not finish within the timeout (its whole process group is killed then).
 */
export function run(what: string, argv: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: options.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const pgid = child.pid;
    if (pgid !== undefined) liveGroups.add(pgid);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.stdin.on('error', () => { /* the command did not read its stdin */ });
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      if (pgid !== undefined) killGroup(pgid, 'SIGKILL');
    }, options.timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      if (pgid !== undefined) {
        killGroup(pgid, 'SIGKILL'); // stragglers of the group, if any
        liveGroups.delete(pgid);
      }
    };
    child.on('error', (err) => {
      finish();
      reject(new Error(`${what}: cannot run ${argv[0]}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      finish();
      if (timedOut) {
        reject(new Error(`${what} did not finish within ${options.timeoutMs / 1000}s (killed); its stderr ended with:\n${tail(stderr)}`));
      } else {
        resolve({ code, signal, stdout, stderr });
      }
    });
  });
}

/** A long-running process, its stdout and stderr appended to `logFile`. */
export class Background {
  /** Settles when the process has exited (never rejects). */
  public readonly exited: Promise<void>;
  private readonly pgid?: number;
  private exitStatus?: string;

  constructor(public readonly name: string, public readonly logFile: string, argv: readonly string[], env: NodeJS.ProcessEnv) {
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const pgid = child.pid;
    if (pgid !== undefined) liveGroups.add(pgid);
    this.pgid = pgid;
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        this.exitStatus = `could not start: ${err.message}`;
        if (pgid !== undefined) liveGroups.delete(pgid);
        resolve();
      });
      child.on('exit', (code, signal) => {
        this.exitStatus = signal ? `killed by ${signal}` : `exit status ${code}`;
        resolve();
      });
    });
  }

  /** True until the process has exited. */
  public get running(): boolean {
    return this.exitStatus === undefined;
  }

  /** How it ended (`exit status N`, `killed by SIG...`), or undefined while running. */
  public get status(): string | undefined {
    return this.exitStatus;
  }

  /** The whole log so far. */
  public log(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** A description for failure messages: name, state and the end of the log. */
  public describe(lines = 25): string {
    return `--- ${this.name} (${this.exitStatus ?? 'running'}), ${this.logFile}:\n${tail(this.log(), lines)}`;
  }

  /**
   * Sends `signal` to the process group and waits for the process to exit; after `graceMs`
   * the group is killed with SIGKILL. Any other process left in the group is killed too.
   */
  public async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30000): Promise<void> {
    if (this.pgid === undefined) return;
    if (this.running) {
      killGroup(this.pgid, signal);
      if (!await settlesWithin(this.exited, graceMs)) {
        killGroup(this.pgid, 'SIGKILL');
        await settlesWithin(this.exited, 5000);
      }
    }
    killGroup(this.pgid, 'SIGKILL');
    liveGroups.delete(this.pgid);
  }
}

/** True if `promise` settles within `ms` (the timer is cleared either way, so it keeps nothing alive). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown by a `waitUntil` check to give up at once (e.g. the process it waits for has exited). */
export class StopWaiting extends Error {}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Appended to the timeout error: logs of the processes involved. */
  readonly detail?: () => string | Promise<string>;
}

/**
 * Polls `check` until it returns true; a thrown error counts as "not yet" and is reported if the
 * wait times out, except `StopWaiting`, which fails the wait at once. Fails after `timeoutMs`
 * with what it waited for, the last error and `detail`.
 */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  const start = Date.now();
  let lastError = '';
  for (;;) {
    try {
      if (await check()) return;
      lastError = '';
    } catch (err) {
      if (err instanceof StopWaiting) {
        const detail = options.detail ? `\n${await options.detail()}` : '';
        throw new Error(`gave up waiting for ${what}: ${err.message}${detail}`);
      }
      lastError = (err as Error).message;
    }
    if (Date.now() - start >= options.timeoutMs) {
      const detail = options.detail ? `\n${await options.detail()}` : '';
      throw new Error(`timed out after ${options.timeoutMs / 1000}s waiting for ${what}${lastError ? `\nlast error: ${lastError}` : ''}${detail}`);
    }
    await sleep(options.intervalMs ?? 500);
  }
}
