import { ApiObject, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { InvalidPropError } from './errors';

const registered = new WeakSet<IConstruct>();

/**
 * Makes `app.synth()` of the app that `scope` belongs to write every Namespace of the app before
 * the objects that go into it, so that `kubectl apply -f dist/` (which reads the files in name
 * order) never meets an object whose namespace does not exist yet. Registered once per app, by the
 * first workload, release or Namespace of this library in it; see {@link orderNamespaces}.
 */
export function registerNamespaceOrder(scope: IConstruct): void {
  const root = scope.node.root;
  if (registered.has(root)) return;
  registered.add(root);
  root.node.addValidation({ validate: () => { orderNamespaces(root); return []; } });
}

/**
 * Makes every object of the app that goes into a namespace whose Namespace object the app holds
 * (ours, or a user's `KubeNamespace`, in any chart) depend on that Namespace: cdk8s then writes the
 * Namespace first in its chart and the chart that creates it before every chart that uses it (with
 * `NNNN-` file prefixes). Refuses, naming both charts and the fix, what no order can satisfy: two
 * charts creating one Namespace, or a chart using a namespace that a chart written after it (one
 * that depends on it) creates.
 */
export function orderNamespaces(root: IConstruct): void {
  const objects = root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const namespaces = new Map<string, ApiObject>();
  for (const ns of objects.filter(isNamespace)) {
    const twin = namespaces.get(ns.name);
    if (twin && chartOf(twin) !== chartOf(ns)) {
      throw new InvalidPropError(ns, 'Namespace', ns.name,
        `chart "${chartOf(twin)?.node.path}" creates Namespace "${ns.name}" too; one chart must own it (each would label it as its own release): `
        + `create it in one chart only (set createNamespace: false on chart "${chartOf(ns)?.node.path}")`);
    }
    if (!twin) namespaces.set(ns.name, ns);
  }
  if (namespaces.size === 0) return;
  const graph = chartGraph(root);
  for (const obj of objects) {
    const ns = namespaces.get(obj.metadata.namespace ?? '');
    if (!ns || isNamespace(obj)) continue;
    const user = chartOf(obj);
    const creator = chartOf(ns);
    if (user && creator && user !== creator && !graph.get(user)?.has(creator)) {
      if (reaches(graph, creator, user)) {
        throw new InvalidPropError(obj, 'namespace', ns.name,
          `Namespace "${ns.name}" is created by chart "${creator.node.path}", which depends on chart "${user.node.path}" and so is written after it: `
          + `\`kubectl apply -f dist/\` would fail on this object. Create the Namespace in chart "${user.node.path}" or in a chart written before both `
          + `(createNamespace: true there), and createNamespace: false on chart "${creator.node.path}"`);
      }
      edgesOf(graph, user).add(creator);
    }
    obj.node.addDependency(ns);
  }
}

function isNamespace(obj: ApiObject): boolean {
  return obj.kind === 'Namespace' && obj.apiVersion === 'v1';
}

/** The closest chart of `c`, if any. */
function chartOf(c: IConstruct): Chart | undefined {
  return c.node.scopes.reverse().find((s): s is Chart => Chart.isChart(s));
}

/** Which charts each chart already depends on, as cdk8s will order them: construct dependencies across charts, and a chart on the charts nested in it. */
function chartGraph(root: IConstruct): Map<Chart, Set<Chart>> {
  const graph = new Map<Chart, Set<Chart>>();
  for (const c of root.node.findAll()) {
    const from = chartOf(c);
    if (!from) continue;
    if (Chart.isChart(c) && c.node.scope) {
      const parent = chartOf(c.node.scope);
      if (parent) edgesOf(graph, parent).add(c);
    }
    for (const dep of c.node.dependencies) {
      const to = chartOf(dep);
      if (to && to !== from) edgesOf(graph, from).add(to);
    }
  }
  return graph;
}

function edgesOf(graph: Map<Chart, Set<Chart>>, chart: Chart): Set<Chart> {
  let edges = graph.get(chart);
  if (!edges) {
    edges = new Set();
    graph.set(chart, edges);
  }
  return edges;
}

/** Whether `from` depends on `to`, directly or through other charts. */
function reaches(graph: Map<Chart, Set<Chart>>, from: Chart, to: Chart): boolean {
  const seen = new Set<Chart>();
  const stack = [from];
  while (stack.length) {
    const chart = stack.pop()!;
    if (chart === to) return true;
    if (seen.has(chart)) continue;
    seen.add(chart);
    stack.push(...graph.get(chart) ?? []);
  }
  return false;
}
