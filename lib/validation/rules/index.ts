import { Output } from '../output';
import { Finding } from '../problem';
import { metadataRules } from './metadata';
import { namespaceRules } from './namespace';
import { podSpecRules } from './pod-spec';
import { selectionRules } from './selection';
import { storageRules } from './storage';

const RULES: ReadonlyArray<(output: Output) => Iterable<Finding>> = [
  metadataRules, podSpecRules, selectionRules, storageRules, namespaceRules,
];

/** Runs every rule that a schema cannot express over all objects of one output. */
export function ruleFindings(objects: readonly any[]): Finding[] {
  const output = new Output(objects);
  return RULES.flatMap(rule => [...rule(output)]);
}
