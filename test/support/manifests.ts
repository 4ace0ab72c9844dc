import { App, Chart, Testing } from 'cdk8s';
import { formatProblems, validateObjects } from '../../lib/validation';

/** A synthesized Kubernetes object, as plain JSON. */
export type Manifest = Record<string, any>;

/** The objects of every chart of an app, in synth order. */
export function appObjects(app: App): Manifest[] {
  return app.charts.flatMap(c => c.toJson());
}

/** Synthesizes a fresh test chart built by `build`, and returns its objects. */
export function synthChart(build: (chart: Chart) => void, namespace = 'test'): Manifest[] {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace });
  build(chart);
  return chart.toJson();
}

/** Fails the test with every strict-validation problem of `objects`. */
export function expectValid(objects: readonly Manifest[]): void {
  const problems = validateObjects(objects);
  if (problems.length) throw new Error(`invalid manifests:\n${formatProblems(problems)}`);
}

/** The one object of `kind` named `name` (throws when missing). */
export function find(objects: readonly Manifest[], kind: string, name: string): Manifest {
  const found = objects.find(o => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in ${objects.map(o => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return found;
}

/** All objects of a kind. */
export function ofKind(objects: readonly Manifest[], kind: string): Manifest[] {
  return objects.filter(o => o.kind === kind);
}
