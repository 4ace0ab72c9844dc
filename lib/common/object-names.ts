import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { InvalidPropError } from './errors';

/** Per app (the construct tree's root): `group/kind/namespace/name` of each object a workload made, and that workload's path. */
const claimed = new WeakMap<IConstruct, Map<string, string>>();
/** Objects whose kind and name are claimed already (an object's name and namespace never change). */
const claimedObjects = new WeakSet<ApiObject>();

/**
 * Claims the kind and name, in its namespace, of every Kubernetes object under `workload`, so that
 * two workloads of one app that would make the same object (two apps named alike in one namespace:
 * the second `kubectl apply` silently overwrites the first) fail at construction, naming both.
 * Call it again after adding objects; objects claimed before are skipped.
 */
export function claimObjectNames(workload: IConstruct, prop: string, value: unknown): void {
  const root = workload.node.root;
  let names = claimed.get(root);
  if (!names) {
    names = new Map();
    claimed.set(root, names);
  }
  const path = workload.node.path;
  for (const obj of workload.node.findAll()) {
    if (!ApiObject.isApiObject(obj) || claimedObjects.has(obj)) continue;
    const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
    const namespace = obj.metadata.namespace ?? '';
    const key = `${group}/${obj.kind}/${namespace}/${obj.name}`;
    const owner = names.get(key);
    if (owner !== undefined && owner !== path) {
      throw new InvalidPropError(workload, prop, value,
        `makes ${obj.kind} "${obj.name}" in namespace "${namespace || 'default'}", which ${owner} makes too: `
        + 'one would overwrite the other on apply; give one of them another name (or namespace)');
    }
    names.set(key, path);
    claimedObjects.add(obj);
  }
}
