import { asArray, asRecord, labelSelectorMatches, mapSelectorMatches } from '../objects';
import type { LabelSelector } from '../objects';
import type { Output, OutputObject } from '../output';
import { pointer } from '../problem';
import type { Finding } from '../problem';

/** Workloads whose `spec.selector` must select their own pod template. */
const WORKLOADS: ReadonlyMap<unknown, string> = new Map([['Deployment', 'apps'], ['StatefulSet', 'apps'], ['DaemonSet', 'apps'], ['ReplicaSet', 'apps'], ['Job', 'batch']]);

/**
 * `workload/selector`: a workload's selector is not empty and selects its pod template's labels.
 * `statefulset/service-name`, `statefulset/headless-service`, `statefulset/service-selector`: a
 * StatefulSet's `serviceName` is a headless Service of the same namespace in the output whose
 * selector selects the StatefulSet's pods. `service/selects-nothing`, `pdb/selects-nothing`: a
 * Service with a selector, and a PodDisruptionBudget, select at least one pod template of their
 * namespace in the output.
 */
export function selectionRules(output: Output, findings: Finding[]): void {
  const entries = output.entries;
  for (let e = 0; e < entries.length; e++) {
    const entry = entries[e];
    const { obj, group } = entry;
    if (WORKLOADS.get(obj.kind) === group && obj.spec?.selector !== undefined) {
      workloadSelectorFindings(entry, findings);
    }
    if (obj.kind === 'StatefulSet' && group === 'apps') {
      statefulSetServiceFindings(output, entry, findings);
    }
    if (obj.kind === 'Service' && group === '') {
      serviceFindings(output, entry, findings);
    }
    if (obj.kind === 'PodDisruptionBudget' && group === 'policy') {
      pdbFindings(output, entry, findings);
    }
  }
}

function workloadSelectorFindings({ obj, template }: OutputObject, findings: Finding[]): void {
  const selector: LabelSelector = asRecord(obj.spec.selector);
  const labels = template?.labels ?? {};
  if (isEmpty(asRecord(selector.matchLabels)) && asArray(selector.matchExpressions).length === 0) {
    findings.push({ obj, rule: 'workload/selector', path: pointer('spec', 'selector'), message: `${obj.kind} selector is empty; it must select the pod template labels` });
  } else if (!labelSelectorMatches(selector, labels)) {
    findings.push({
      obj,
      rule: 'workload/selector',
      path: pointer('spec', 'selector'),
      message: `selector ${describeSelector(selector)} does not select the pod template labels {${describeLabels(labels)}}`,
    });
  }
}

function statefulSetServiceFindings(output: Output, { obj, namespace, template }: OutputObject, findings: Finding[]): void {
  const serviceName = obj.spec?.serviceName;
  if (typeof serviceName !== 'string') {
    return; // missing or mistyped: a schema problem
  }
  const service = output.first('', 'Service', namespace, serviceName);
  if (!service) {
    findings.push({
      obj,
      rule: 'statefulset/service-name',
      path: pointer('spec', 'serviceName'),
      message: `serviceName "${serviceName}" names no Service in namespace "${namespace}" of this output; the pods would get no DNS names`,
    });
    return;
  }
  if (service.spec?.clusterIP !== 'None') {
    findings.push({
      obj,
      rule: 'statefulset/headless-service',
      path: pointer('spec', 'serviceName'),
      message: `Service "${serviceName}" is not headless; set its spec.clusterIP to "None" so each pod gets a stable DNS name`,
    });
  }
  const selector = asRecord(service.spec?.selector);
  const labels = template?.labels ?? {};
  if (isEmpty(selector) || !mapSelectorMatches(selector, labels)) {
    findings.push({
      obj,
      rule: 'statefulset/service-selector',
      path: pointer('spec', 'serviceName'),
      message: `Service "${serviceName}" selector {${describeLabels(selector)}} does not select this StatefulSet's pod labels {${describeLabels(labels)}}`,
    });
  }
}

function serviceFindings(output: Output, { obj, namespace }: OutputObject, findings: Finding[]): void {
  const selector = asRecord(obj.spec?.selector);
  if (isEmpty(selector) || obj.spec?.type === 'ExternalName') {
    return;
  }
  const labelSelector: LabelSelector = { matchLabels: selector };
  if (!output.selectsAny(namespace, labelSelector)) {
    findings.push({
      obj,
      rule: 'service/selects-nothing',
      path: pointer('spec', 'selector'),
      message: `selector {${describeLabels(selector)}} selects no pod template in namespace "${namespace}" of this output${elsewhere(output, namespace, labelSelector)}`,
    });
  }
}

function pdbFindings(output: Output, { obj, namespace }: OutputObject, findings: Finding[]): void {
  const selector = obj.spec?.selector;
  if (selector === undefined || selector === null) {
    findings.push({ obj, rule: 'pdb/selects-nothing', path: pointer('spec', 'selector'), message: 'has no selector, so it protects no pod' });
    return;
  }
  if (!output.selectsAny(namespace, asRecord(selector))) {
    findings.push({
      obj,
      rule: 'pdb/selects-nothing',
      path: pointer('spec', 'selector'),
      message: `selector ${describeSelector(asRecord(selector))} selects no pod template in namespace "${namespace}" of this output${elsewhere(output, namespace, asRecord(selector))}`,
    });
  }
}

/** Whether `record` has no own enumerable key, without listing its keys. */
function isEmpty(record: Readonly<Record<string, unknown>>): boolean {
  for (const key in record) {
    if (Object.prototype.hasOwnProperty.call(record, key)) {
      return false;
    }
  }
  return true;
}

function elsewhere(output: Output, namespace: string, selector: LabelSelector): string {
  const others = output.otherNamespacesSelected(namespace, selector);
  return others.length > 0 ? ` (it would select pods in namespace ${others.map(ns => `"${ns}"`).join(', ')})` : '';
}

function describeLabels(labels: Readonly<Record<string, unknown>>): string {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(', ');
}

function describeSelector(selector: LabelSelector): string {
  const expressions = asArray(selector.matchExpressions)
    .map(({ key, operator, values }) => `${key} ${operator}${values ? ` (${asArray(values).join(', ')})` : ''}`);
  return `{${[describeLabels(asRecord(selector.matchLabels)), ...expressions].filter(s => s).join(', ')}}`;
}
