import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { formatProblems, validateObjects, ValidateObjectsOptions } from '../validation';

/** Context key that selects the Kubernetes version the in-synth validation checks against (e.g. `'1.31'`). */
export const KUBERNETES_VERSION_CONTEXT = 'cdk8s-stateful:kubernetesVersion';

const registered = new WeakSet<IConstruct>();

/**
 * Makes `app.synth()` of the app that `scope` belongs to validate every object of the app (ours and
 * the user's own) with the strict validator before anything is written. Registered once per app, by
 * the first construct of this library created in it; problems name the construct path of the object.
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
  const version: unknown = root.node.tryGetContext(KUBERNETES_VERSION_CONTEXT);
  const options = { file: (obj: unknown) => pathOf.get(obj), ...(version ? { kubernetesVersion: version } : {}) } as ValidateObjectsOptions;
  const problems = validateObjects(objects, options);
  if (!problems.length) return [];
  return [`${problems.length} object problem(s) found by the strict Kubernetes validation; nothing was written:\n${formatProblems(problems)}`];
}
