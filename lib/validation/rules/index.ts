import { Output } from '../output';
import type { Finding } from '../problem';
import type { KubernetesVersion } from '../versions';
import { metadataRules } from './metadata';
import { namespaceRules } from './namespace';
import { podSpecRules } from './pod-spec';
import { selectionRules } from './selection';
import { storageRules } from './storage';

/** A rule: checks every object of the output it concerns and appends its findings, in object order. */
export type Rule = (output: Output, findings: Finding[]) => void;

const RULES: readonly Rule[] = [
  metadataRules, podSpecRules, selectionRules, storageRules, namespaceRules,
];

/** Runs every rule that a schema cannot express over all objects of one output, appending to `findings`. */
export function addRuleFindings(objects: readonly any[], version: KubernetesVersion, findings: Finding[]): void {
  const output = new Output(objects, version);
  for (const rule of RULES) {
    rule(output, findings);
  }
}
