import { LabelSelector, apiGroup, asArray, asRecord, labelSelectorMatches, mapSelectorMatches, namespaceOf, podTemplate } from '../objects';
import { Output } from '../output';
import { Finding, pointer } from '../problem';

/** Workloads whose `spec.selector` must select their own pod template. */
const WORKLOADS: Record<string, string> = { Deployment: 'apps', StatefulSet: 'apps', DaemonSet: 'apps', ReplicaSet: 'apps', Job: 'batch' };

/**
 * `workload/selector`: a workload's selector is not empty and selects its pod template's labels.
 * `statefulset/service-name`, `statefulset/headless-service`, `statefulset/service-selector`: a
 * StatefulSet's `serviceName` is a headless Service of the same namespace in the output whose
 * selector selects the StatefulSet's pods. `service/selects-nothing`, `pdb/selects-nothing`: a
 * Service with a selector, and a PodDisruptionBudget, select at least one pod template of their
 * namespace in the output.
 */
export function* selectionRules(output: Output): Iterable<Finding> {
  for (const obj of output.objects) {
    const group = apiGroup(obj);
    if (WORKLOADS[obj.kind] === group && obj.spec?.selector !== undefined) {
      yield* workloadSelectorFindings(obj);
    }
    if (obj.kind === 'StatefulSet' && group === 'apps') {
      yield* statefulSetServiceFindings(output, obj);
    }
    if (obj.kind === 'Service' && group === '') {
      yield* serviceFindings(output, obj);
    }
    if (obj.kind === 'PodDisruptionBudget' && group === 'policy') {
      yield* pdbFindings(output, obj);
    }
  }
}

function* workloadSelectorFindings(obj: any): Iterable<Finding> {
  const selector: LabelSelector = asRecord(obj.spec.selector);
  const labels = podTemplate(obj)?.labels ?? {};
  const path = pointer('spec', 'selector');
  if (Object.keys(asRecord(selector.matchLabels)).length === 0 && asArray(selector.matchExpressions).length === 0) {
    yield { obj, rule: 'workload/selector', path, message: `${obj.kind} selector is empty; it must select the pod template labels` };
  } else if (!labelSelectorMatches(selector, labels)) {
    yield {
      obj,
      rule: 'workload/selector',
      path,
      message: `selector ${describeSelector(selector)} does not select the pod template labels {${describeLabels(labels)}}`,
    };
  }
}

function* statefulSetServiceFindings(output: Output, obj: any): Iterable<Finding> {
  const serviceName = obj.spec?.serviceName;
  const namespace = namespaceOf(obj);
  const path = pointer('spec', 'serviceName');
  if (typeof serviceName !== 'string') {
    return; // missing or mistyped: a schema problem
  }
  const [service] = output.find('', 'Service', namespace, serviceName);
  if (!service) {
    yield {
      obj,
      rule: 'statefulset/service-name',
      path,
      message: `serviceName "${serviceName}" names no Service in namespace "${namespace}" of this output; the pods would get no DNS names`,
    };
    return;
  }
  if (service.spec?.clusterIP !== 'None') {
    yield {
      obj,
      rule: 'statefulset/headless-service',
      path,
      message: `Service "${serviceName}" is not headless; set its spec.clusterIP to "None" so each pod gets a stable DNS name`,
    };
  }
  const selector = asRecord(service.spec?.selector);
  const labels = podTemplate(obj)?.labels ?? {};
  if (Object.keys(selector).length === 0 || !mapSelectorMatches(selector, labels)) {
    yield {
      obj,
      rule: 'statefulset/service-selector',
      path,
      message: `Service "${serviceName}" selector {${describeLabels(selector)}} does not select this StatefulSet's pod labels {${describeLabels(labels)}}`,
    };
  }
}

function* serviceFindings(output: Output, obj: any): Iterable<Finding> {
  const selector = asRecord(obj.spec?.selector);
  if (Object.keys(selector).length === 0 || obj.spec?.type === 'ExternalName') {
    return;
  }
  const namespace = namespaceOf(obj);
  if (output.selectByMap(namespace, selector).length === 0) {
    yield {
      obj,
      rule: 'service/selects-nothing',
      path: pointer('spec', 'selector'),
      message: `selector {${describeLabels(selector)}} selects no pod template in namespace "${namespace}" of this output${elsewhere(output, namespace, { matchLabels: selector })}`,
    };
  }
}

function* pdbFindings(output: Output, obj: any): Iterable<Finding> {
  const path = pointer('spec', 'selector');
  const selector = obj.spec?.selector;
  if (selector === undefined || selector === null) {
    yield { obj, rule: 'pdb/selects-nothing', path, message: 'has no selector, so it protects no pod' };
    return;
  }
  const namespace = namespaceOf(obj);
  if (output.selectByLabelSelector(namespace, asRecord(selector)).length === 0) {
    yield {
      obj,
      rule: 'pdb/selects-nothing',
      path,
      message: `selector ${describeSelector(asRecord(selector))} selects no pod template in namespace "${namespace}" of this output${elsewhere(output, namespace, asRecord(selector))}`,
    };
  }
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
