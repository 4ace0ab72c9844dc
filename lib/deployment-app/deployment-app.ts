import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { checkInteger } from '../common/checks';
import type { Endpoint } from '../common/endpoint';
import { check } from '../common/errors';
import { claimSpec, isSingleAttach } from '../common/storage';
import { AppVolume } from '../common/volume';
import { WorkloadBase } from '../workloads/workload-base';
import type { ClientServiceOptions, WorkloadProps } from '../workloads/props';

/** Horizontal autoscaling on CPU utilisation. */
export interface AutoscalingOptions {
  /** Fewest replicas. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /** Target average CPU utilisation in percent of requests. @default 80 */
  readonly targetCpuUtilization?: number;
}

/** Helm leaves an object with this annotation in place on `helm uninstall`: data claims outlive the release. */
const KEEP_ON_UNINSTALL: Readonly<Record<string, string>> = { 'helm.sh/resource-policy': 'keep' };

/**
 * Props of a {@link DeploymentApp}. Its `volumeClaims` are created once as `<app>-<claim>` (or name an
 * `existingClaim`) and shared by every pod. They carry `helm.sh/resource-policy: keep`, so that
 * `helm uninstall` of the release's chart keeps the data, as it keeps a StatefulSet's claims.
 */
export interface DeploymentAppProps extends WorkloadProps {
  /** Number of pods; leave unset with `autoscaling`, whose minimum applies. @default 1 */
  readonly replicas?: number;
  /** The Service in front of the pods; `false` for none. @default - a ClusterIP Service named after the app, when the main container has ports */
  readonly service?: ClientServiceOptions | false;
  /** HorizontalPodAutoscaler. @default - none */
  readonly autoscaling?: AutoscalingOptions;
  /** Old ReplicaSets kept for rollback. @default - Kubernetes default (10) */
  readonly revisionHistoryLimit?: number;
}

/**
 * A Deployment with its Service, claims, ConfigMaps, PodDisruptionBudget and autoscaler.
 *
 * It knows the classic trap of Deployments with volumes: a ReadWriteOnce claim can be attached to
 * one node only, so a rolling update (new pod before old pod goes) hangs on Multi-Attach. Such a
 * Deployment uses `Recreate` and is limited to one replica.
 */
export class DeploymentApp extends WorkloadBase {
  /** The Deployment (escape hatch). */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service, unless disabled. */
  public readonly service?: k8s.KubeService;
  /** Created claims by volume name. */
  public readonly claims: Readonly<Record<string, k8s.KubePersistentVolumeClaim>>;
  /** The PodDisruptionBudget, when created. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The HorizontalPodAutoscaler, when requested. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;

  constructor(scope: Construct, id: string, props: DeploymentAppProps) {
    super(scope, id, props);
    check(props.replicas === undefined || props.autoscaling === undefined, this, 'replicas', props.replicas,
      'must be left unset with autoscaling: the autoscaler owns the replica count (set autoscaling.minReplicas)');
    const replicas = props.replicas ?? props.autoscaling?.minReplicas ?? 1;
    checkInteger(this, 'replicas', replicas, 0);
    if (props.revisionHistoryLimit !== undefined) checkInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
    if (props.autoscaling) this.checkAutoscaling(props.autoscaling);

    const singleAttach = this.volumeClaims.filter(c => isSingleAttach(c.accessModes));
    if (singleAttach.length) {
      const why = `claim "${singleAttach[0].name}" is ReadWriteOnce: a second pod would hang on Multi-Attach; use ReadWriteMany storage to scale`;
      check(replicas <= 1, this, 'replicas', replicas, `must be at most 1 because ${why}`);
      check(!props.autoscaling || props.autoscaling.maxReplicas <= 1, this, 'autoscaling.maxReplicas',
        props.autoscaling?.maxReplicas, `must be at most 1 because ${why}`);
    }

    const createdClaims: Record<string, k8s.KubePersistentVolumeClaim> = {};
    for (const c of this.volumeClaims.filter(cl => cl.existingClaim === undefined)) {
      createdClaims[c.name] = new k8s.KubePersistentVolumeClaim(this, `claim-${c.name}`, {
        metadata: { name: `${this.name}-${c.name}`, labels: this.labels, annotations: KEEP_ON_UNINSTALL },
        spec: claimSpec(c),
      });
    }
    this.claims = createdClaims;

    this.deployment = this.renderWorkload({
      claimVolumes: this.volumeClaims.map(c => AppVolume.persistentVolumeClaim(c.name, c.existingClaim ?? `${this.name}-${c.name}`)),
      workload: template => new k8s.KubeDeployment(this, 'deployment', {
        metadata: { name: this.name, labels: this.labels },
        spec: {
          replicas: props.autoscaling ? undefined : replicas,
          revisionHistoryLimit: props.revisionHistoryLimit,
          strategy: singleAttach.length
            ? { type: 'Recreate' }
            : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
          selector: { matchLabels: this.selectorLabels },
          template,
        },
      }),
    });

    if (props.service !== undefined ? props.service !== false : this.mainPorts.length > 0) {
      this.service = this.createService('service', 'service', this.name, props.service || {});
    }
    this.disruptionBudget = this.createDisruptionBudget(props.disruptionBudget, Math.max(replicas, props.autoscaling?.maxReplicas ?? 0));
    if (props.autoscaling) {
      this.autoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: { name: this.name, labels: this.labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: props.autoscaling.minReplicas,
          maxReplicas: props.autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.autoscaling.targetCpuUtilization ?? 80 } },
          }],
        },
      });
    }
  }

  /** Endpoint of the app's Service on a named container port. */
  public serviceEndpoint(portName: string): Endpoint {
    check(this.service !== undefined, this, 'service', false, 'an endpoint needs the Service');
    return this.serviceEndpointOf(this.service!, portName);
  }

  private checkAutoscaling(a: AutoscalingOptions): void {
    checkInteger(this, 'autoscaling.minReplicas', a.minReplicas, 1);
    checkInteger(this, 'autoscaling.maxReplicas', a.maxReplicas, a.minReplicas);
    if (a.targetCpuUtilization !== undefined) checkInteger(this, 'autoscaling.targetCpuUtilization', a.targetCpuUtilization, 1, 100);
  }
}
