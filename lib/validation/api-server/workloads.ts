import { dns1123Label, domainPrefixedPath } from '../../rules';
import { asArray, asRecord } from '../objects';
import { annotations, intRange, isInt, isSet, labelSelector, oneOf, ruled } from './check';
import type { Check } from './check';
import { claimSpec } from './claims';
import { podSpec, podTemplate } from './pod';
import type { PodOwner } from './pod';
import { nameWarning, revisionHistoryWarning } from './warnings';

/** Longest CronJob name: its Jobs are named `<name>-<11-character schedule time>` and label their pods with it. */
const MAX_CRONJOB_NAME = 52;
const PERCENT = /^[0-9]+%$/;

const SERVES: PodOwner = { restartPolicies: ['Always'], activeDeadline: false, setsHostname: false, claimVolumes: [] };
const RUNS_TO_COMPLETION: PodOwner = { restartPolicies: ['OnFailure', 'Never'], activeDeadline: true, setsHostname: false, claimVolumes: [] };

/** An int-or-percent field (`ValidatePositiveIntOrPercent`, `IsNotMoreThan100Percent`): a non-negative number or `<n>%`. */
export function intOrPercent(check: Check, path: string, id: string, value: unknown, atMost100 = true): number | undefined {
  if (isInt(value)) {
    intRange(check, path, id, value, 0);
    return value;
  }
  if (typeof value === 'string') {
    if (!PERCENT.test(value)) {
      check.error(path, id, `${JSON.stringify(value)} must be a number or a percentage such as "25%"`);
      return undefined;
    }
    const percent = Number(value.slice(0, -1));
    if (atMost100 && percent > 100) {
      check.error(path, id, `${JSON.stringify(value)} must not be greater than 100%`);
    }
    return percent;
  }
  return undefined;
}

/** A workload's `spec.selector`: given, not empty, valid. (Whether it selects the template is `workload/selector`.) */
function selector(check: Check, spec: Record<string, any>): void {
  if (!isSet(spec.selector)) {
    check.error('/spec/selector', 'workload/selector', 'spec.selector is required');
    return;
  }
  labelSelector(check, '/spec/selector', 'workload/selector', spec.selector);
}

/** StatefulSet rules (`ValidateStatefulSet`) and those of the Pods and PVCs its controller creates. */
export function statefulSet(check: Check, obj: any): void {
  const spec = asRecord(obj.spec);
  intRange(check, '/spec/replicas', 'statefulset/spec', spec.replicas, 0);
  revisionHistoryWarning(check, spec);
  intRange(check, '/spec/minReadySeconds', 'statefulset/spec', spec.minReadySeconds, 0);
  if (isSet(spec.podManagementPolicy) && spec.podManagementPolicy !== '' && !['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy)) {
    check.error('/spec/podManagementPolicy', 'statefulset/spec', `podManagementPolicy ${JSON.stringify(spec.podManagementPolicy)} must be OrderedReady or Parallel`);
  }
  const strategy = asRecord(spec.updateStrategy);
  const type = strategy.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate' && type !== 'OnDelete' && type !== '') {
    check.error('/spec/updateStrategy/type', 'statefulset/spec', `updateStrategy.type ${JSON.stringify(type)} must be RollingUpdate or OnDelete`);
  } else if (isSet(strategy.rollingUpdate)) {
    if (type === 'OnDelete') {
      check.error('/spec/updateStrategy/rollingUpdate', 'statefulset/spec', 'rollingUpdate is only allowed with updateStrategy.type RollingUpdate');
    }
    const rolling = asRecord(strategy.rollingUpdate);
    intRange(check, '/spec/updateStrategy/rollingUpdate/partition', 'statefulset/spec', rolling.partition, 0);
    const maxUnavailablePath = '/spec/updateStrategy/rollingUpdate/maxUnavailable';
    check.gatedField(maxUnavailablePath, 'MaxUnavailableStatefulSet',
      'updateStrategy.rollingUpdate.maxUnavailable', rolling.maxUnavailable, ', and pods are updated one at a time');
    if (isSet(rolling.maxUnavailable) && check.feature('MaxUnavailableStatefulSet')
      && intOrPercent(check, maxUnavailablePath, 'statefulset/spec', rolling.maxUnavailable) === 0) {
      check.error(maxUnavailablePath, 'statefulset/spec', `updateStrategy.rollingUpdate.maxUnavailable ${JSON.stringify(rolling.maxUnavailable)} cannot be 0`);
    }
  }
  const retention = asRecord(spec.persistentVolumeClaimRetentionPolicy);
  for (const field of ['whenDeleted', 'whenScaled']) {
    oneOf(check, `/spec/persistentVolumeClaimRetentionPolicy/${field}`, 'statefulset/spec', retention[field], ['Retain', 'Delete'], false);
  }
  intRange(check, '/spec/ordinals/start', 'statefulset/spec', asRecord(spec.ordinals).start, 0);
  selector(check, spec);
  if (typeof spec.serviceName === 'string' && spec.serviceName !== '') {
    ruled(check, '/spec/serviceName', 'statefulset/spec', spec.serviceName, dns1123Label(spec.serviceName),
      'serviceName (the subdomain of its pods)');
  }
  const claims = asArray(spec.volumeClaimTemplates);
  const claimNames: string[] = [];
  claims.forEach((c, i) => {
    const claim = asRecord(c);
    const name = asRecord(claim.metadata).name;
    const at = `/spec/volumeClaimTemplates/${i}`;
    if (typeof name === 'string' && name !== '') {
      claimNames.push(name);
      ruled(check, `${at}/metadata/name`, 'claim/name', name, dns1123Label(name), 'claim template name (a volume name in the pods)');
    } else {
      check.error(`${at}/metadata/name`, 'claim/name', 'claim template name is required');
    }
    annotations(check, `${at}/metadata/annotations`, asRecord(claim.metadata).annotations);
    claimSpec(check, `${at}/spec`, claim.spec, true);
  });
  podTemplate(check, '/spec/template', spec.template, { ...SERVES, setsHostname: true, claimVolumes: claimNames });
}

/** Deployment rules (`ValidateDeployment`) and those of the ReplicaSets and Pods it creates. */
export function deployment(check: Check, obj: any): void {
  const spec = asRecord(obj.spec);
  nameWarning(check, 11);
  for (const field of ['replicas', 'minReadySeconds', 'revisionHistoryLimit']) {
    intRange(check, `/spec/${field}`, 'deployment/spec', spec[field], 0);
  }
  if (isInt(spec.progressDeadlineSeconds)) {
    const minReady = isInt(spec.minReadySeconds) ? spec.minReadySeconds : 0;
    if (spec.progressDeadlineSeconds <= minReady) {
      check.error('/spec/progressDeadlineSeconds', 'deployment/spec', `progressDeadlineSeconds ${spec.progressDeadlineSeconds} must be greater than minReadySeconds (${minReady})`);
    }
  }
  const strategy = asRecord(spec.strategy);
  const type = strategy.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate' && type !== 'Recreate') {
    check.error('/spec/strategy/type', 'deployment/spec', `strategy.type ${JSON.stringify(type)} must be RollingUpdate or Recreate`);
  } else if (type === 'Recreate' && isSet(strategy.rollingUpdate)) {
    check.error('/spec/strategy/rollingUpdate', 'deployment/spec', 'rollingUpdate may not be given when strategy.type is Recreate');
  } else if (isSet(strategy.rollingUpdate)) {
    const rolling = asRecord(strategy.rollingUpdate);
    const unavailable = intOrPercent(check, '/spec/strategy/rollingUpdate/maxUnavailable', 'deployment/spec', rolling.maxUnavailable);
    const surge = intOrPercent(check, '/spec/strategy/rollingUpdate/maxSurge', 'deployment/spec', rolling.maxSurge, false);
    if (unavailable === 0 && surge === 0) {
      check.error('/spec/strategy/rollingUpdate/maxUnavailable', 'deployment/spec', 'maxUnavailable and maxSurge may not both be 0');
    }
  }
  selector(check, spec);
  podTemplate(check, '/spec/template', spec.template, SERVES);
}

/** DaemonSet and ReplicaSet rules: a selector, pods that always restart. */
export function servingWorkload(check: Check, obj: any): void {
  const spec = asRecord(obj.spec);
  for (const field of ['replicas', 'minReadySeconds', 'revisionHistoryLimit']) {
    intRange(check, `/spec/${field}`, 'workload/spec', spec[field], 0);
  }
  selector(check, spec);
  podTemplate(check, '/spec/template', spec.template, SERVES);
}

/** Job rules (`ValidateJob`) at `base` (the Job, or a CronJob's job template), and those of its pods. */
export function jobSpec(check: Check, base: string, value: unknown, name: unknown): void {
  const spec = asRecord(value);
  for (const field of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    intRange(check, `${base}/${field}`, 'job/spec', spec[field], 0);
  }
  oneOf(check, `${base}/completionMode`, 'job/spec', spec.completionMode, ['NonIndexed', 'Indexed'], false);
  const indexed = spec.completionMode === 'Indexed';
  for (const field of ['backoffLimitPerIndex', 'maxFailedIndexes', 'successPolicy']) {
    if (isSet(spec[field]) && !indexed) {
      check.error(`${base}/${field}`, 'job/spec', `${field} requires completionMode Indexed`);
    }
  }
  const policy = asRecord(spec.podFailurePolicy);
  if (isSet(spec.podFailurePolicy)) {
    const restartPolicy = asRecord(asRecord(spec.template).spec).restartPolicy;
    if (restartPolicy !== 'Never') {
      check.error(`${base}/template/spec/restartPolicy`, 'job/spec', `restartPolicy ${JSON.stringify(restartPolicy ?? '')} must be Never when podFailurePolicy is given`);
    }
    asArray(policy.rules).forEach((r, i) => {
      oneOf(check, `${base}/podFailurePolicy/rules/${i}/action`, 'job/spec', asRecord(r).action, ['Count', 'FailIndex', 'FailJob', 'Ignore'], false);
      const codes = asRecord(asRecord(r).onExitCodes);
      if (codes.operator === 'In') {
        asArray(codes.values).forEach((v, j) => {
          if (v === 0) {
            check.error(`${base}/podFailurePolicy/rules/${i}/onExitCodes/values/${j}`, 'job/spec', 'exit code 0 may not be listed with operator In');
          }
        });
      }
    });
  }
  if (spec.manualSelector === true) {
    if (!isSet(spec.selector)) {
      check.error(`${base}/selector`, 'job/spec', 'selector is required when manualSelector is true');
    } else {
      labelSelector(check, `${base}/selector`, 'job/spec', spec.selector);
    }
  } else if (isSet(spec.selector)) {
    check.error(`${base}/selector`, 'job/spec', 'selector is generated by the server: leave it unset, or set manualSelector true');
  }
  check.gatedField(`${base}/managedBy`, 'JobManagedBy', 'managedBy', spec.managedBy);
  if (typeof spec.managedBy === 'string' && check.feature('JobManagedBy')) {
    ruled(check, `${base}/managedBy`, 'job/spec', spec.managedBy, domainPrefixedPath(spec.managedBy, 63), 'managedBy');
  }
  if (typeof name === 'string' && name.length > 63) {
    check.error('/metadata/name', 'metadata/name', `Job name "${name}" must be at most 63 characters: its pods carry it as the label job-name`);
  }
  if (base === '/spec') {
    nameWarning(check);
  }
  podTemplate(check, `${base}/template`, spec.template, RUNS_TO_COMPLETION);
}

/** CronJob rules: the name leaves room for the Job names, the job template is a Job. */
export function cronJob(check: Check, obj: any): void {
  const name = asRecord(obj.metadata).name;
  if (typeof name === 'string' && name.length > MAX_CRONJOB_NAME) {
    check.error('/metadata/name', 'metadata/name', `CronJob name "${name}" must be at most ${MAX_CRONJOB_NAME} characters: its Jobs are named <name>-<schedule time>`);
  }
  const spec = asRecord(obj.spec);
  oneOf(check, '/spec/concurrencyPolicy', 'cronjob/spec', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace'], false);
  for (const field of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    intRange(check, `/spec/${field}`, 'cronjob/spec', spec[field], 0);
  }
  if (typeof spec.schedule !== 'string' || spec.schedule.trim() === '') {
    check.error('/spec/schedule', 'cronjob/spec', 'schedule is required');
  }
  const template = asRecord(spec.jobTemplate);
  annotations(check, '/spec/jobTemplate/metadata/annotations', asRecord(template.metadata).annotations);
  jobSpec(check, '/spec/jobTemplate/spec', template.spec, undefined);
}

/** A bare Pod: the pod rules with the Pod's own restart policies. */
export function pod(check: Check, obj: any): void {
  nameWarning(check);
  podSpec(check, '/spec', asRecord(obj.spec), { restartPolicies: ['Always', 'OnFailure', 'Never'], activeDeadline: true, setsHostname: false, claimVolumes: [] });
}
