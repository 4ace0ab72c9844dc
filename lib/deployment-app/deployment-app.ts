import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkInteger } from '../common/checks';
import { ContainerPort } from '../common/container';
import { Endpoint } from '../common/endpoint';
import { check } from '../common/errors';
import { AppIdentityProps, appLabelProps, recommendedLabels, selectorLabels } from '../common/labels';
import { PodProps } from '../common/pod';
import { AppVolume } from '../common/volume';
import {
  AppConfigMap, AppNetworkContext, checkClaims, ClientServiceOptions, createAppPod, createClientService, createDisruptionBudget,
  DisruptionBudgetOptions, isSingleAttach, serviceEndpointOf, ServiceAccountOptions,
} from '../common/app-objects';
import { AccessMode } from '../stateful-app/props';

/** A PersistentVolumeClaim a Deployment mounts: created by the construct, or an existing one. */
export interface DeploymentClaim {
  /** Volume name in the pod; a created claim is named `<app>-<name>`. */
  readonly name: string;
  /** Size of a created claim, e.g. `10Gi`. Required unless `existingClaim` is set. */
  readonly size?: string;
  /** Access modes. ReadWriteOnce forces the `Recreate` strategy and one replica. @default ['ReadWriteOnce'] */
  readonly accessModes?: AccessMode[];
  /** Storage class of a created claim. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Use this existing claim instead of creating one. @default - a claim is created */
  readonly existingClaim?: string;
  /** Mounts the claim into the main container here. @default - only where a container asks */
  readonly mountPath?: string;
  /** Sub-directory to mount, with `mountPath`. @default - the whole volume */
  readonly subPath?: string;
}

/** Horizontal autoscaling on CPU utilisation. */
export interface AutoscalingOptions {
  /** Fewest replicas. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /** Target average CPU utilisation in percent of requests. @default 80 */
  readonly targetCpuUtilization?: number;
}

/** Props of a {@link DeploymentApp}. */
export interface DeploymentAppProps extends PodProps, AppIdentityProps {
  /** Deployment name. @default - the construct id */
  readonly name?: string;
  /** Number of pods; leave unset with `autoscaling`, whose minimum applies. @default 1 */
  readonly replicas?: number;
  /** Claims to mount. A ReadWriteOnce claim makes the Deployment `Recreate` and limits it to one replica. @default [] */
  readonly claims?: DeploymentClaim[];
  /** ConfigMaps built from file maps. A change rolls the pods. @default [] */
  readonly configMaps?: AppConfigMap[];
  /** The Service in front of the pods; `false` for none. @default - a ClusterIP Service named after the app, when the main container has ports */
  readonly service?: ClientServiceOptions | false;
  /** PodDisruptionBudget. @default - maxUnavailable 1 when replicas > 1 */
  readonly disruptionBudget?: DisruptionBudgetOptions;
  /** HorizontalPodAutoscaler. @default - none */
  readonly autoscaling?: AutoscalingOptions;
  /** A dedicated ServiceAccount. @default - none, and no API token is mounted */
  readonly serviceAccount?: ServiceAccountOptions;
  /** Old ReplicaSets kept for rollback. @default - Kubernetes default (10) */
  readonly revisionHistoryLimit?: number;
  /** Cluster DNS domain, for endpoints. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/**
 * A Deployment with its Service, claims, ConfigMaps, PodDisruptionBudget and autoscaler.
 *
 * It knows the classic trap of Deployments with volumes: a ReadWriteOnce claim can be attached to
 * one node only, so a rolling update (new pod before old pod goes) hangs on Multi-Attach. Such a
 * Deployment uses `Recreate` and is limited to one replica.
 */
export class DeploymentApp extends Construct implements AppNetworkContext {
  /** Deployment name. */
  public readonly name: string;
  /** Namespace of the chart, or undefined when the chart sets none. */
  public readonly namespace?: string;
  /** Labels on every object of the app. */
  public readonly labels: Record<string, string>;
  /** Labels that select the app's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The Deployment (escape hatch). */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service, unless disabled. */
  public readonly service?: k8s.KubeService;
  /** Created claims by volume name. */
  public readonly claims: Readonly<Record<string, k8s.KubePersistentVolumeClaim>>;
  /** ConfigMaps by volume name. */
  public readonly configMaps: Readonly<Record<string, k8s.KubeConfigMap>>;
  /** The PodDisruptionBudget, when created. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The HorizontalPodAutoscaler, when requested. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The ServiceAccount, when created. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;

  /** Every named port of the pod (main container and sidecars). */
  public readonly ports: readonly ContainerPort[];
  /** The main container's ports, which the Service exposes by default. */
  public readonly mainPorts: readonly ContainerPort[];
  /** Cluster DNS domain, for endpoints. */
  public readonly clusterDomain: string;

  constructor(scope: Construct, id: string, props: DeploymentAppProps) {
    super(scope, id);
    this.name = props.name ?? id;
    checkDnsLabel(this, 'name', this.name);
    this.namespace = Chart.of(this).namespace;
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    checkDnsSubdomain(this, 'clusterDomain', this.clusterDomain);
    check(props.replicas === undefined || props.autoscaling === undefined, this, 'replicas', props.replicas,
      'must be left unset with autoscaling: the autoscaler owns the replica count (set autoscaling.minReplicas)');
    const replicas = props.replicas ?? props.autoscaling?.minReplicas ?? 1;
    checkInteger(this, 'replicas', replicas, 0);
    if (props.revisionHistoryLimit !== undefined) checkInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
    const labelProps = appLabelProps(this.name, props);
    this.labels = recommendedLabels(labelProps);
    this.selectorLabels = selectorLabels(labelProps);
    this.mainPorts = props.container.ports ?? [];
    this.ports = [props.container, ...(props.sidecars ?? [])].flatMap(c => c.ports ?? []);

    const claims = props.claims ?? [];
    checkClaims(this, 'claims', claims);
    claims.forEach((c, i) => check(c.size !== undefined || c.existingClaim !== undefined, this, `claims[${i}].size`, c.size,
      'is required unless existingClaim is set'));
    const singleAttach = claims.filter(c => isSingleAttach(c.accessModes));
    if (singleAttach.length) {
      const why = `claim "${singleAttach[0].name}" is ReadWriteOnce: a second pod would hang on Multi-Attach; use ReadWriteMany storage to scale`;
      check(replicas <= 1, this, 'replicas', replicas, `must be at most 1 because ${why}`);
      check(!props.autoscaling || props.autoscaling.maxReplicas <= 1, this, 'autoscaling.maxReplicas',
        props.autoscaling?.maxReplicas, `must be at most 1 because ${why}`);
    }
    const maxReplicas = Math.max(replicas, props.autoscaling?.maxReplicas ?? 0);
    if (props.autoscaling) this.checkAutoscaling(props.autoscaling);

    const createdClaims: Record<string, k8s.KubePersistentVolumeClaim> = {};
    for (const c of claims.filter(cl => !cl.existingClaim)) {
      createdClaims[c.name] = new k8s.KubePersistentVolumeClaim(this, `claim-${c.name}`, {
        metadata: { name: `${this.name}-${c.name}`, labels: this.labels },
        spec: {
          accessModes: c.accessModes ?? ['ReadWriteOnce'],
          storageClassName: c.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(c.size!) } },
        },
      });
    }
    this.claims = createdClaims;

    const configs = props.configMaps ?? [];
    const pod = createAppPod(this, props, {
      name: this.name, labels: this.labels, selector: this.selectorLabels, configMaps: configs, claims,
      claimVolumes: claims.map(c => AppVolume.persistentVolumeClaim(c.name, c.existingClaim ?? `${this.name}-${c.name}`)),
      claimNames: [], serviceAccount: props.serviceAccount,
    });
    this.configMaps = pod.configMaps;
    this.serviceAccount = pod.serviceAccount;
    const template = pod.template;

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
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
    });

    if (props.service !== undefined ? props.service !== false : this.mainPorts.length > 0) {
      this.service = createClientService(this, this, 'service', 'service', this.name, props.service || {});
    }
    this.disruptionBudget = createDisruptionBudget(this, this.name, this.labels, this.selectorLabels,
      props.disruptionBudget ?? {}, maxReplicas);
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
    return serviceEndpointOf(this, this, this.service!, portName);
  }

  private checkAutoscaling(a: AutoscalingOptions): void {
    checkInteger(this, 'autoscaling.minReplicas', a.minReplicas, 1);
    checkInteger(this, 'autoscaling.maxReplicas', a.maxReplicas, a.minReplicas);
    if (a.targetCpuUtilization !== undefined) checkInteger(this, 'autoscaling.targetCpuUtilization', a.targetCpuUtilization, 1, 100);
  }

}
