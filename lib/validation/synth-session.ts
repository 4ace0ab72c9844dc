import type { ApiObject, App } from 'cdk8s';
import type { IConstruct } from 'constructs';

/**
 * What one running `app.synth()` (or `synthYaml()`) knows: the JSON of every object, made once by the
 * first pass of the validation, and that pass's errors. cdk8s runs the app's validations again before
 * it converts each chart, and converts every object to write it; no user code runs in between, so
 * the later passes return the first one's errors and each object's `toJson()` returns the JSON made
 * for the validation. When the synth returns, the objects convert afresh again.
 */
export interface SynthSession {
  /** Passes over the app's validations so far (the app-wide validation, on the root, runs first in each). */
  passes: number;
  /** The first pass's errors of the app-wide validation, once it ran. */
  errors?: readonly string[];
  /** Objects whose `toJson()` returns their JSON of this synth, until it ends. */
  readonly memoized: ApiObject[];
}

const sessions = new WeakMap<IConstruct, SynthSession>();
const wrapped = new WeakSet<App>();

/** Whether a pass over the validations of `root`'s app repeats one of the running synth (whose checks passed, or it would have stopped). */
export function isRepeatedPass(root: IConstruct): boolean {
  return (sessions.get(root)?.passes ?? 0) > 1;
}

/** The session of the synth of `root` that is running, if any. */
export function synthSessionOf(root: IConstruct): SynthSession | undefined {
  return sessions.get(root);
}

/** Makes each `synth()` and `synthYaml()` of `app` one session. */
export function openSynthSessions(app: App): void {
  if (wrapped.has(app)) return;
  wrapped.add(app);
  const synth = app.synth;
  const synthYaml = app.synthYaml;
  app.synth = function (this: App) {
    return inSynthSession(this, () => synth.call(this));
  };
  app.synthYaml = function (this: App) {
    return inSynthSession(this, () => synthYaml.call(this));
  };
}

/**
 * Converts each object to JSON, and makes its `toJson()` return that JSON until the session ends (an
 * object with a `toJson` of its own is left alone). Namespaces convert last: a Namespace's JSON reads
 * that of every pod template in it (its Pod Security labels), which is then converted already.
 */
export function convertOnce(session: SynthSession, objects: readonly ApiObject[]): unknown[] {
  const json: unknown[] = new Array(objects.length);
  const namespacesLast = [...objects.keys()].sort((a, b) => Number(objects[a].kind === 'Namespace') - Number(objects[b].kind === 'Namespace'));
  for (const i of namespacesLast) {
    const obj = objects[i];
    const value = obj.toJson();
    json[i] = value;
    if (Object.prototype.hasOwnProperty.call(obj, 'toJson')) continue;
    Object.defineProperty(obj, 'toJson', { value: () => value, configurable: true, writable: true });
    session.memoized.push(obj);
  }
  return json;
}

/**
 * Runs `run` as one session of `app`: `app.synth()` and `chart.toJson()` inside it validate and
 * convert the objects once (for tooling that reads the charts right after the synth, such as the
 * release output). Nothing may change the objects inside the session.
 */
export function inSynthSession<T>(app: App, run: () => T): T {
  if (sessions.has(app)) return run(); // a synth inside a synth: the outer session holds
  const session: SynthSession = { passes: 0, memoized: [] };
  sessions.set(app, session);
  try {
    return run();
  } finally {
    sessions.delete(app);
    for (const obj of session.memoized) delete (obj as { toJson?: unknown }).toJson;
  }
}
