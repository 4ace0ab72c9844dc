import { annotations as checkAnnotations, Check } from './check';
import { apiGroup, asRecord } from '../objects';
import { Finding } from '../problem';
import { KubernetesVersion } from '../versions';
import { claimSpec } from './claims';
import { ingress } from './ingress';
import { networkPolicy } from './network-policy';
import { configData, metadata, namespace, podDisruptionBudget } from './objects';
import { service } from './service';
import { cronJob, deployment, jobSpec, pod, servingWorkload, statefulSet } from './workloads';

type KindRule = (check: Check, obj: any) => void;

/** The rules of each kind, by API group and kind. */
const KIND_RULES: ReadonlyMap<string, KindRule> = new Map<string, KindRule>([
  ['apps StatefulSet', statefulSet],
  ['apps Deployment', deployment],
  ['apps DaemonSet', servingWorkload],
  ['apps ReplicaSet', servingWorkload],
  [' ReplicationController', servingWorkload],
  ['batch Job', (check, obj) => jobSpec(check, '/spec', obj.spec, asRecord(obj.metadata).name)],
  ['batch CronJob', cronJob],
  [' Pod', pod],
  [' PersistentVolumeClaim', (check, obj) => claimSpec(check, '/spec', obj.spec)],
  [' Service', service],
  [' ConfigMap', configData],
  [' Secret', configData],
  [' Namespace', namespace],
  ['networking.k8s.io Ingress', ingress],
  ['networking.k8s.io NetworkPolicy', networkPolicy],
  ['policy PodDisruptionBudget', podDisruptionBudget],
]);

/**
 * Runs the rules the Kubernetes API server applies to each object (and, for workloads, to the
 * Pods, PersistentVolumeClaims and ReplicaSets their controllers create from it) over `objects`,
 * appending to `findings`: the server's validation, not expressible in a schema. Each object is
 * judged alone.
 */
export function addApiServerFindings(objects: readonly any[], version: KubernetesVersion, findings: Finding[]): void {
  for (let i = 0; i < objects.length; i++) {
    const obj = objects[i];
    const group = apiGroup(obj);
    const check = new Check(obj, version, findings);
    metadata(check, obj, group === '');
    checkAnnotations(check, '/metadata/annotations', asRecord(obj.metadata).annotations);
    KIND_RULES.get(`${group} ${obj.kind}`)?.(check, obj);
  }
}
