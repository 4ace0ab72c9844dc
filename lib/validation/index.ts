import type { App, Chart } from 'cdk8s';
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

/** Validates one chart's objects (`chart.toJson()`) as an output of their own. */
export function validateChart(chart: Chart, options: ValidationOptions = {}): ValidationProblem[] {
  return validateObjects(chart.toJson(), options);
}

/**
 * Validates the objects of every chart of `app` together, as the one output `cdk8s synth` writes.
 * Writes nothing; meant to run inside `app.synth()` (from a `node.addValidation`).
 */
export function validateApp(app: App, options: ValidationOptions = {}): ValidationProblem[] {
  return validateObjects(app.charts.flatMap(chart => chart.toJson()), options);
}
