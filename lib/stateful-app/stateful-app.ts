import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { KUBERNETES_VERSION_CONTEXT } from '../validation/app-validation';
import { checkDnsLabel, checkInteger } from '../common/checks';
import type { Endpoint } from '../common/endpoint';
import { check } from '../common/errors';
import { asStoredClaimTemplate, claimSpec } from '../common/storage';
import { MAX_STATEFULSET_NAME } from '../rules';
import { AppVolume } from '../common/volume';
import { WorkloadBase } from '../workloads/workload-base';
import { featureOff } from '../validation/features';
import { kubernetesVersion } from '../validation/versions';
import type { StatefulAppProps } from './props';
import { StatefulSetUpdateStrategy } from './update-strategy';


/**
 * A StatefulSet whose claim templates are written as the API server stores them: with `apiVersion: v1`,
 * `kind: PersistentVolumeClaim`, `spec.volumeMode: Filesystem` and `status: { phase: Pending }`, which the
 * server fills in. `volumeClaimTemplates` is a list without a merge key, so `kubectl apply` compares it
 * whole with the live one: written without those fields, every apply of an unchanged StatefulSet
 * sent the list again and reported it `configured`. (cdk8s-plus-28's class drops fields of a claim
 * template other than metadata and spec, so they are added after its conversion.)
 */
export class StatefulSetObject extends k8s.KubeStatefulSet {
  public toJson(): any {
    const json = super.toJson();
    const templates = json.spec?.volumeClaimTemplates;
    if (Array.isArray(templates)) json.spec.volumeClaimTemplates = templates.map(asStoredClaimTemplate);
    return json;
  }
}

/** What a pod's stable DNS name is made of, known before the StatefulApp exists. */
export interface PodDnsNameOptions {
  /** StatefulSet name. */
  readonly name: string;
  /** Ordinal of the pod. */
  readonly ordinal: number;
  /** Headless Service name. @default - the StatefulSet name */
  readonly serviceName?: string;
  /** Namespace. @default 'default' */
  readonly namespace?: string;
  /** Cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/**
 * A stateful application: a StatefulSet behind its headless Service, with volume claim templates,
 * ConfigMaps, an optional client Service, a PodDisruptionBudget and soft anti-affinity.
 *
 * Every name is stable (no hashes): pods are `<name>-<ordinal>`, reachable at
 * {@link podDnsName}, with claims {@link pvcName}. Peers that must be configured before the app
 * exists (a replica naming its primary, an ensemble listing its members) use the static
 * {@link StatefulApp.podDnsName}.
 */
export class StatefulApp extends WorkloadBase {
  /**
   * The stable DNS name of a pod of a StatefulSet, from its names alone:
   * `<name>-<n>.<service>.<namespace>.svc.<cluster domain>`.
   */
  public static podDnsName(options: PodDnsNameOptions): string {
    const { name, ordinal } = options;
    if (!Number.isInteger(ordinal) || ordinal < 0) throw new Error(`podDnsName: ordinal ${ordinal} must be a whole number >= 0`);
    return `${name}-${ordinal}.${options.serviceName ?? name}.${options.namespace ?? 'default'}.svc.${options.clusterDomain ?? 'cluster.local'}`;
  }

  /** Desired number of pods. */
  public readonly replicas: number;
  /** The headless Service behind the StatefulSet. */
  public readonly headlessService: k8s.KubeService;
  /** The client Service, when requested. */
  public readonly clientService?: k8s.KubeService;
  /** The StatefulSet (escape hatch). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The PodDisruptionBudget, when created. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;

  private readonly claimTemplates: readonly string[];

  constructor(scope: Construct, id: string, props: StatefulAppProps) {
    super(scope, id, props, MAX_STATEFULSET_NAME);
    this.replicas = props.replicas ?? 1;
    checkInteger(this, 'replicas', this.replicas, 0);
    if (props.revisionHistoryLimit !== undefined) checkInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
    if (props.minReadySeconds !== undefined) checkInteger(this, 'minReadySeconds', props.minReadySeconds, 0);
    const strategy = props.updateStrategy ?? StatefulSetUpdateStrategy.rollingUpdate();
    this.checkStrategy(strategy);

    const templates = this.volumeClaims.filter(c => c.existingClaim === undefined);
    this.claimTemplates = templates.map(c => c.name);

    const serviceName = props.headlessService?.name ?? this.name;
    checkDnsLabel(this, 'headlessService.name', serviceName);
    this.headlessService = new k8s.KubeService(this, 'headless', {
      metadata: { name: serviceName, labels: this.labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: props.headlessService?.publishNotReadyAddresses,
        selector: this.selectorLabels,
        ports: this.servicePorts('headlessService.ports', props.headlessService?.ports, false),
      },
    });
    if (props.clientService) {
      this.clientService = this.createService('client', 'clientService', `${this.name}-client`, props.clientService);
    }
    const retention = props.claimRetentionPolicy ?? {};
    this.statefulSet = this.renderWorkload({
      claimTemplates: this.claimTemplates,
      claimVolumes: this.volumeClaims.filter(c => c.existingClaim !== undefined).map(c => AppVolume.persistentVolumeClaim(c.name, c.existingClaim!)),
      workload: template => new StatefulSetObject(this, 'statefulset', {
        metadata: { name: this.name, labels: this.labels },
        spec: {
          serviceName,
          replicas: this.replicas,
          podManagementPolicy: props.podManagementPolicy ?? 'OrderedReady',
          updateStrategy: strategy.toStrategy(),
          revisionHistoryLimit: props.revisionHistoryLimit,
          minReadySeconds: props.minReadySeconds,
          persistentVolumeClaimRetentionPolicy: {
            whenDeleted: retention.whenDeleted ?? 'Retain',
            whenScaled: retention.whenScaled ?? 'Retain',
          },
          selector: { matchLabels: this.selectorLabels },
          template,
          volumeClaimTemplates: templates.length ? templates.map(c => ({
            metadata: { name: c.name, labels: this.selectorLabels },
            spec: claimSpec(c),
          })) : undefined,
        },
      }),
    });
    this.disruptionBudget = this.createDisruptionBudget(props.disruptionBudget, this.replicas);
  }

  /** Name of the headless Service. */
  public get serviceName(): string {
    return this.headlessService.name;
  }

  /** Full stable DNS name of pod `ordinal`: `<name>-<n>.<service>.<namespace>.svc.<cluster domain>`. */
  public podDnsName(ordinal: number): string {
    checkInteger(this, 'podDnsName(ordinal)', ordinal, 0);
    return StatefulApp.podDnsName({ name: this.name, ordinal, serviceName: this.serviceName, namespace: this.namespace, clusterDomain: this.clusterDomain });
  }

  /** Name of the claim that pod `ordinal` gets from claim template `claim`: `<claim>-<name>-<n>`. */
  public pvcName(claim: string, ordinal: number): string {
    check(this.claimTemplates.includes(claim), this, 'pvcName(claim)', claim,
      `must name a volume claim template (known: ${this.claimTemplates.join(', ') || 'none'})`);
    checkInteger(this, 'pvcName(ordinal)', ordinal, 0);
    return `${claim}-${this.name}-${ordinal}`;
  }

  /** Endpoint of pod `ordinal` on a named container port. */
  public podEndpoint(ordinal: number, portName: string): Endpoint {
    return { host: this.podDnsName(ordinal), port: this.portNumber(portName) };
  }

  /** Endpoint of a Service of this app (the client Service by default) on a named container port. */
  public serviceEndpoint(portName: string, service: k8s.KubeService = this.clientService ?? this.headlessService): Endpoint {
    return this.serviceEndpointOf(service, portName);
  }

  private checkStrategy(strategy: StatefulSetUpdateStrategy): void {
    const { partition, maxUnavailable } = strategy.options;
    if (partition !== undefined) checkInteger(this, 'updateStrategy.partition', partition, 0, this.replicas);
    if (maxUnavailable !== undefined) {
      const version = kubernetesVersion(this.node.tryGetContext(KUBERNETES_VERSION_CONTEXT));
      const off = featureOff(version, 'MaxUnavailableStatefulSet', 'updateStrategy.maxUnavailable', ' and updates one pod at a time');
      check(off === undefined, this, 'updateStrategy.maxUnavailable', maxUnavailable,
        `cannot be used: ${off}. Leave it unset, or set the context ${KUBERNETES_VERSION_CONTEXT} to the release of a cluster that has it`);
    }
    if (typeof maxUnavailable === 'number') checkInteger(this, 'updateStrategy.maxUnavailable', maxUnavailable, 1);
    if (typeof maxUnavailable === 'string') {
      check(/^([1-9]\d?|100)%$/.test(maxUnavailable), this, 'updateStrategy.maxUnavailable', maxUnavailable,
        'must be a whole number >= 1 or a percentage from 1% to 100%');
    }
  }
}
