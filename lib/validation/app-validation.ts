import { ApiObject, App } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { formatProblems } from './problem';
import { convertOnce, openSynthSessions, synthSessionOf } from './synth-session';
import { validateObjects } from './validate';
import type { KubernetesVersion } from './versions';
import { jsonEqual } from '../common/json-equal';

/** Context key that selects the Kubernetes version the in-synth validation checks against: `'1.37'` (default), `'1.36'`, `'1.35'` or `'1.28'`. */
export const KUBERNETES_VERSION_CONTEXT = 'cdk8s-stateful:kubernetesVersion';

/**
 * Context key that gives the in-synth validation the target cluster's Service IP ranges (its API
 * server's `--service-cluster-ip-range`, e.g. `'10.96.0.0/16'`), so that a fixed `clusterIP` outside
 * them or a dual-stack Service on a single-stack cluster fails the synth. Unset: not checked.
 */
export const SERVICE_CLUSTER_IP_RANGE_CONTEXT = 'cdk8s-stateful:serviceClusterIPRange';

/**
 * Context key that switches the in-synth validation of every object off (`false`), for apps that
 * validate their output elsewhere (a policy engine, `kubeconform` in CI). Set it with
 * `app.node.setContext(APP_VALIDATION_CONTEXT, false)` right after `new App()`. The checks of each
 * construct of this library (props at construction, its pod again at synth) still run.
 */
export const APP_VALIDATION_CONTEXT = 'cdk8s-stateful:validation';

const registered = new WeakSet<IConstruct>();

/** What the app's context says of the cluster to validate for. */
interface ClusterOptions {
  readonly kubernetesVersion?: KubernetesVersion;
  readonly serviceClusterIPRange?: string;
}

/** What the last validation of an app judged, and its verdict (the errors cdk8s reports). */
interface Verdict {
  readonly options: ClusterOptions;
  readonly paths: readonly string[];
  readonly objects: readonly unknown[];
  readonly errors: readonly string[];
}

/** The last verdict of each app (by its root). */
const verdicts = new WeakMap<IConstruct, Verdict>();

/**
 * Makes `app.synth()` of the app that `scope` belongs to validate every object of the app (ours and
 * the user's own) with the strict validator before anything is written. Registered once per app, by
 * the first construct of this library created in it; problems name the construct path of the object.
 * Warnings (fields a default server drops) are printed and do not fail the synth.
 *
 * cdk8s runs an app's validations once at the start of `app.synth()` and once more before it converts
 * each chart (every `chart.toJson()` does). Inside one `app.synth()` the first run converts every
 * object to JSON once, the later runs reuse its verdict, and cdk8s writes that same JSON (see
 * {@link openSynthSessions}): one conversion per object per synth, as without validation. Outside
 * a synth (`chart.toJson()`, `Testing.synth`), each run converts every object afresh (user code may
 * have changed one since); the rules run, and warnings are printed, only when the objects' JSON,
 * their paths or the context (Kubernetes version, Service range) differ from what the last run judged.
 */
export function registerAppValidation(scope: IConstruct): void {
  const root = scope.node.root;
  if (registered.has(root)) return;
  registered.add(root);
  root.node.addValidation({ validate: () => validateTree(root) });
  if (root instanceof App) openSynthSessions(root);
}

function validateTree(root: IConstruct): string[] {
  const enabled: unknown = root.node.tryGetContext(APP_VALIDATION_CONTEXT);
  if (enabled === false || enabled === 'false') return [];
  if (enabled !== undefined && enabled !== true && enabled !== 'true') {
    return [`context ${APP_VALIDATION_CONTEXT} ${JSON.stringify(enabled)} is invalid: must be false (validation off) or true (on, the default)`];
  }
  const session = synthSessionOf(root);
  if (session && ++session.passes > 1 && session.errors) return [...session.errors]; // a later pass of the same synth: nothing changed
  const apiObjects = root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const objects = session ? convertOnce(session, apiObjects) : apiObjects.map(o => o.toJson());
  const paths = apiObjects.map(o => o.node.path);
  const options: ClusterOptions = {
    kubernetesVersion: root.node.tryGetContext(KUBERNETES_VERSION_CONTEXT) as KubernetesVersion | undefined,
    serviceClusterIPRange: root.node.tryGetContext(SERVICE_CLUSTER_IP_RANGE_CONTEXT) as string | undefined,
  };
  const last = verdicts.get(root);
  const errors = last && jsonEqual(last.options, options) && jsonEqual(last.paths, paths) && jsonEqual(last.objects, objects)
    ? last.errors : judge(objects, paths, options);
  verdicts.set(root, { options, paths, objects, errors });
  if (session) session.errors = errors;
  return [...errors];
}

/** Validates the objects (each named by its construct path), prints the warnings and returns the errors as cdk8s reports them. */
function judge(objects: readonly unknown[], paths: readonly string[], options: ClusterOptions): string[] {
  const pathOf = new Map<unknown, string>(objects.map((obj, i) => [obj, paths[i]]));
  const problems = validateObjects(objects, { ...options, file: obj => pathOf.get(obj) });
  const warnings = problems.filter(p => p.severity === 'warning');
  const errors = problems.filter(p => p.severity !== 'warning');
  if (warnings.length) process.stderr.write(`${formatProblems(warnings)}\n`);
  if (!errors.length) return [];
  return [`${errors.length} problem(s) found by the strict Kubernetes validation; nothing was written:\n${formatProblems(errors)}`];
}
