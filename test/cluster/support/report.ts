/** Adds a phase (a release Ready, say) with its time to the cluster suite's report. */
// phases.js is plain JavaScript shared with the global setup and the reporter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const phases = require('../phases') as {
  recordPhase(name: string, seconds: number, result: string, detail?: string): void;
};

/** Runs `body`, recording its time and result as the phase `name`. */
export async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    const value = await body();
    phases.recordPhase(name, (Date.now() - start) / 1000, 'passed');
    return value;
  } catch (e) {
    phases.recordPhase(name, (Date.now() - start) / 1000, 'failed', e instanceof Error ? e.message.split('\n')[0] : String(e));
    throw e;
  }
}

/** Adds a measured figure (say, how long writes were refused) to the report, as a phase of that length. */
export function recordFigure(name: string, seconds: number, result: 'passed' | 'failed', detail?: string): void {
  phases.recordPhase(name, seconds, result, detail);
}
