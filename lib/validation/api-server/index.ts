import { annotations as checkAnnotations, Check } from './check';
import { asRecord } from '../objects';
import type { Finding } from '../problem';
import type { ServiceIPRange } from '../service-network';
import type { KubernetesVersion } from '../versions';
import { claimSpec } from './claims';
import { ingress } from './ingress';
import { networkPolicy } from './network-policy';
import { configData, metadata, namespace, podDisruptionBudget } from './objects';
import { service } from './service';
import { cronJob, deployment, jobSpec, pod, servingWorkload, statefulSet } from './workloads';

type KindRule = (check: Check, obj: any) => void;

/** The rules of each kind, by `<apiVersion> <kind>`: only the versions whose rules these are (others are unknown kinds or have their own). */
const RULES_BY_NAME: ReadonlyArray<[string, KindRule]> = [
  ['apps/v1 StatefulSet', statefulSet],
  ['apps/v1 Deployment', deployment],
  ['apps/v1 DaemonSet', servingWorkload],
  ['apps/v1 ReplicaSet', servingWorkload],
  ['v1 ReplicationController', servingWorkload],
  ['batch/v1 Job', (check, obj) => jobSpec(check, '/spec', obj.spec, asRecord(obj.metadata).name)],
  ['batch/v1 CronJob', cronJob],
  ['v1 Pod', pod],
  ['v1 PersistentVolumeClaim', (check, obj) => claimSpec(check, '/spec', obj.spec)],
  ['v1 Service', service],
  ['v1 ConfigMap', configData],
  ['v1 Secret', configData],
  ['v1 Namespace', namespace],
  ['networking.k8s.io/v1 Ingress', ingress],
  ['networking.k8s.io/v1 NetworkPolicy', networkPolicy],
  ['policy/v1 PodDisruptionBudget', podDisruptionBudget],
];

/** {@link RULES_BY_NAME} by kind, then apiVersion: looked up for every object without building a key. */
const KIND_RULES = new Map<unknown, Map<unknown, KindRule>>();
for (const [name, rule] of RULES_BY_NAME) {
  const [apiVersion, kind] = name.split(' ');
  KIND_RULES.set(kind, (KIND_RULES.get(kind) ?? new Map()).set(apiVersion, rule));
}

/**
 * Runs the rules the Kubernetes API server applies to each object (and, for workloads, to the
 * Pods, PersistentVolumeClaims and ReplicaSets their controllers create from it) over `objects`,
 * appending to `findings`: the server's validation, not expressible in a schema. Each object is
 * judged alone. With `serviceRanges` (the cluster's `--service-cluster-ip-range`), Services are
 * also judged against the cluster's Service network.
 */
export function addApiServerFindings(objects: readonly any[], version: KubernetesVersion, findings: Finding[], serviceRanges?: readonly ServiceIPRange[]): void {
  for (let i = 0; i < objects.length; i++) {
    const obj = objects[i];
    const check = new Check(obj, version, findings, serviceRanges);
    // PodDisruptionBudgets get only the generic object-meta checks; the other kinds the core ones.
    metadata(check, obj, !(obj.kind === 'PodDisruptionBudget' && obj.apiVersion === 'policy/v1'));
    checkAnnotations(check, '/metadata/annotations', asRecord(obj.metadata).annotations);
    KIND_RULES.get(obj.kind)?.get(obj.apiVersion)?.(check, obj);
  }
}
