import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { formatProblems, KubernetesVersion, validateObjects } from '../validation';

/** Context key that selects the Kubernetes version the in-synth validation checks against: `'1.28'` (default), `'1.31'` or `'1.36'`. */
export const KUBERNETES_VERSION_CONTEXT = 'cdk8s-stateful:kubernetesVersion';

/**
 * Context key that gives the in-synth validation the target cluster's Service IP ranges (its API
 * server's `--service-cluster-ip-range`, e.g. `'10.96.0.0/16'`), so that a fixed `clusterIP` outside
 * them or a dual-stack Service on a single-stack cluster fails the synth. Unset: not checked.
 */
export const SERVICE_CLUSTER_IP_RANGE_CONTEXT = 'cdk8s-stateful:serviceClusterIPRange';

const registered = new WeakSet<IConstruct>();

/**
 * Makes `app.synth()` of the app that `scope` belongs to validate every object of the app (ours and
 * the user's own) with the strict validator before anything is written. Registered once per app, by
 * the first construct of this library created in it; problems name the construct path of the object.
 * Warnings (fields a default server drops) are printed and do not fail the synth.
 */
export function registerAppValidation(scope: IConstruct): void {
  const root = scope.node.root;
  if (registered.has(root)) return;
  registered.add(root);
  root.node.addValidation({ validate: () => validateTree(root) });
}

function validateTree(root: IConstruct): string[] {
  const apiObjects = root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const pathOf = new Map<unknown, string>();
  const objects = apiObjects.map(o => {
    const json = o.toJson();
    pathOf.set(json, o.node.path);
    return json;
  });
  const version = root.node.tryGetContext(KUBERNETES_VERSION_CONTEXT) as KubernetesVersion | undefined;
  const serviceClusterIPRange = root.node.tryGetContext(SERVICE_CLUSTER_IP_RANGE_CONTEXT) as string | undefined;
  const problems = validateObjects(objects, { kubernetesVersion: version, serviceClusterIPRange, file: obj => pathOf.get(obj) });
  const warnings = problems.filter(p => p.severity === 'warning');
  const errors = problems.filter(p => p.severity !== 'warning');
  if (warnings.length) process.stderr.write(`${formatProblems(warnings)}\n`);
  if (!errors.length) return [];
  return [`${errors.length} problem(s) found by the strict Kubernetes validation; nothing was written:\n${formatProblems(errors)}`];
}
