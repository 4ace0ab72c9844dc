import { App, Chart } from 'cdk8s';
import { readManifests } from './manifests';
import { ValidationProblem } from './problem';
import { validateManifests, validateObjects } from './validate';

export type { ValidationProblem } from './problem';
export { formatProblems } from './problem';
export type { ValidateObjectsOptions } from './validate';
export { validateObjects } from './validate';

/** Validates the objects of multi-document YAML files together, as one output; every problem names its file. */
export function validateYamlFiles(files: readonly string[]): ValidationProblem[] {
  return validateManifests(readManifests(files));
}

/** Validates one chart's objects (`chart.toJson()`) as an output of their own. */
export function validateChart(chart: Chart): ValidationProblem[] {
  return validateObjects(chart.toJson());
}

/** Validates the objects of every chart of `app` together, as the one output `cdk8s synth` writes. */
export function validateApp(app: App): ValidationProblem[] {
  return validateObjects(app.charts.flatMap(chart => chart.toJson()));
}
