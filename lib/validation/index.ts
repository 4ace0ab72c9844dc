import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import type { App } from 'cdk8s';
import { readManifests } from './manifests';
import type { ValidationProblem } from './problem';
import { validateManifests, validateObjects } from './validate';
import type { ValidationOptions } from './validate';

export type { ValidationProblem } from './problem';
export { formatProblems } from './problem';
export type { ValidateObjectsOptions, ValidationOptions } from './validate';
export type { KubernetesVersion } from './versions';
export { KUBERNETES_VERSIONS } from './versions';
export { validateObjects } from './validate';

/** Validates the objects of multi-document YAML files together, as one output; every problem names its file. */
export function validateYamlFiles(files: readonly string[], options: ValidationOptions = {}): ValidationProblem[] {
  return validateManifests(readManifests(files), options);
}

/**
 * Validates one chart's objects as an output of their own. Returns the problems, also in an app whose
 * in-synth validation would fail (`chart.toJson()` would throw there).
 */
export function validateChart(chart: Chart, options: ValidationOptions = {}): ValidationProblem[] {
  return validateObjects(chartObjects(chart), options);
}

/**
 * Validates the objects of every chart of `app` together, as the one output `cdk8s synth` writes.
 * Writes nothing and returns the problems: it converts the objects without running the app's
 * validations, so the in-synth validation of an app that holds constructs of this library does not
 * throw first. Call it before (or instead of) `app.synth()`.
 */
export function validateApp(app: App, options: ValidationOptions = {}): ValidationProblem[] {
  return validateObjects(app.charts.flatMap(chartObjects), options);
}

/** The JSON of a chart's objects in its output order (what `chart.toJson()` gives), without running the app's validations. */
function chartObjects(chart: Chart): unknown[] {
  return new DependencyGraph(chart.node).topology()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .map(o => o.toJson());
}
