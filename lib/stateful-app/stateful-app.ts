import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkInteger, MAX_STATEFULSET_NAME } from '../common/checks';
import { ContainerPort } from '../common/container';
import { Endpoint } from '../common/endpoint';
import { check } from '../common/errors';
import { appLabelProps, recommendedLabels, selectorLabels } from '../common/labels';
import { AppNetworkContext, checkClaims, createAppPod, createClientService, createDisruptionBudget, portNumber, serviceEndpointOf, servicePorts } from '../common/app-objects';
import { StatefulAppProps, VolumeClaim } from './props';
import { StatefulSetUpdateStrategy } from './update-strategy';

/**
 * A stateful application: a StatefulSet behind its headless Service, with volume claim templates,
 * ConfigMaps, an optional client Service, a PodDisruptionBudget and soft anti-affinity.
 *
 * Every name is stable (no hashes): pods are `<name>-<ordinal>`, reachable at
 * {@link podDnsName}, with claims {@link pvcName}.
 */
export class StatefulApp extends Construct implements AppNetworkContext {
  /** StatefulSet name; pods are `<name>-<ordinal>`. */
  public readonly name: string;
  /** Namespace of the chart, or undefined when the chart sets none. */
  public readonly namespace?: string;
  /** Desired number of pods. */
  public readonly replicas: number;
  /** Labels on every object of the app. */
  public readonly labels: Record<string, string>;
  /** Labels that select the app's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The headless Service behind the StatefulSet. */
  public readonly headlessService: k8s.KubeService;
  /** The client Service, when requested. */
  public readonly clientService?: k8s.KubeService;
  /** The StatefulSet (escape hatch). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** ConfigMaps by their volume name. */
  public readonly configMaps: Readonly<Record<string, k8s.KubeConfigMap>>;
  /** The PodDisruptionBudget, when created. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The ServiceAccount, when created. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;

  /** Cluster DNS domain of the pods' names. */
  public readonly clusterDomain: string;
  private readonly claimNames: readonly string[];
  /** Every named port of the pod (main container and sidecars). */
  public readonly ports: readonly ContainerPort[];
  /** The main container's ports, which the Services expose by default. */
  public readonly mainPorts: readonly ContainerPort[];

  constructor(scope: Construct, id: string, props: StatefulAppProps) {
    super(scope, id);
    this.name = props.name ?? id;
    checkDnsLabel(this, 'name', this.name, MAX_STATEFULSET_NAME);
    this.namespace = Chart.of(this).namespace;
    this.replicas = props.replicas ?? 1;
    checkInteger(this, 'replicas', this.replicas, 0);
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    checkDnsSubdomain(this, 'clusterDomain', this.clusterDomain);
    if (props.revisionHistoryLimit !== undefined) checkInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
    if (props.minReadySeconds !== undefined) checkInteger(this, 'minReadySeconds', props.minReadySeconds, 0);
    const strategy = props.updateStrategy ?? StatefulSetUpdateStrategy.rollingUpdate();
    this.checkStrategy(strategy);

    const labelProps = appLabelProps(this.name, props);
    this.labels = recommendedLabels(labelProps);
    this.selectorLabels = selectorLabels(labelProps);
    this.mainPorts = props.container.ports ?? [];
    this.ports = [props.container, ...(props.sidecars ?? [])].flatMap(c => c.ports ?? []);

    const claims = props.volumeClaims ?? [];
    checkClaims(this, 'volumeClaims', claims);
    this.claimNames = claims.map(c => c.name);
    const configs = props.configMaps ?? [];

    const serviceName = props.headlessService?.name ?? this.name;
    checkDnsLabel(this, 'headlessService.name', serviceName);
    this.headlessService = new k8s.KubeService(this, 'headless', {
      metadata: { name: serviceName, labels: this.labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: props.headlessService?.publishNotReadyAddresses,
        selector: this.selectorLabels,
        ports: servicePorts(this, 'headlessService.ports', this.ports, this.mainPorts, props.headlessService?.ports, false),
      },
    });
    if (props.clientService) {
      this.clientService = createClientService(this, this, 'client', 'clientService', `${this.name}-client`, props.clientService);
    }

    const pod = createAppPod(this, props, {
      name: this.name, labels: this.labels, selector: this.selectorLabels, configMaps: configs,
      claims, claimVolumes: [], claimNames: this.claimNames, serviceAccount: props.serviceAccount,
    });
    this.configMaps = pod.configMaps;
    this.serviceAccount = pod.serviceAccount;
    const template = pod.template;

    const retention = props.claimRetentionPolicy ?? {};
    this.statefulSet = new k8s.KubeStatefulSet(this, 'statefulset', {
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
        volumeClaimTemplates: claims.length ? claims.map(c => this.claimTemplate(c)) : undefined,
      },
    });

    this.disruptionBudget = createDisruptionBudget(this, this.name, this.labels, this.selectorLabels,
      props.disruptionBudget ?? {}, this.replicas);
  }

  /** Name of the headless Service. */
  public get serviceName(): string {
    return this.headlessService.name;
  }

  /** Full stable DNS name of pod `ordinal`: `<name>-<n>.<service>.<namespace>.svc.<cluster domain>`. */
  public podDnsName(ordinal: number): string {
    checkInteger(this, 'podDnsName(ordinal)', ordinal, 0);
    return `${this.name}-${ordinal}.${this.serviceName}.${this.namespace ?? 'default'}.svc.${this.clusterDomain}`;
  }

  /** Name of the claim that pod `ordinal` gets from claim template `claim`: `<claim>-<name>-<n>`. */
  public pvcName(claim: string, ordinal: number): string {
    check(this.claimNames.includes(claim), this, 'pvcName(claim)', claim,
      `must name a volume claim template (known: ${this.claimNames.join(', ') || 'none'})`);
    checkInteger(this, 'pvcName(ordinal)', ordinal, 0);
    return `${claim}-${this.name}-${ordinal}`;
  }

  /** Endpoint of pod `ordinal` on a named container port. */
  public podEndpoint(ordinal: number, portName: string): Endpoint {
    return { host: this.podDnsName(ordinal), port: portNumber(this, this, portName) };
  }

  /** Endpoint of a Service of this app (the client Service by default) on a named container port. */
  public serviceEndpoint(portName: string, service: k8s.KubeService = this.clientService ?? this.headlessService): Endpoint {
    return serviceEndpointOf(this, this, service, portName);
  }

  private checkStrategy(strategy: StatefulSetUpdateStrategy): void {
    const { partition, maxUnavailable } = strategy.options;
    if (partition !== undefined) checkInteger(this, 'updateStrategy.partition', partition, 0, this.replicas);
    if (typeof maxUnavailable === 'number') checkInteger(this, 'updateStrategy.maxUnavailable', maxUnavailable, 1);
    if (typeof maxUnavailable === 'string') {
      check(/^([1-9]\d?|100)%$/.test(maxUnavailable), this, 'updateStrategy.maxUnavailable', maxUnavailable,
        'must be a whole number >= 1 or a percentage from 1% to 100%');
    }
  }

  private claimTemplate(c: VolumeClaim): k8s.KubePersistentVolumeClaimProps {
    return {
      metadata: { name: c.name, labels: this.selectorLabels },
      spec: {
        accessModes: c.accessModes ?? ['ReadWriteOnce'],
        storageClassName: c.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(c.size) } },
      },
    };
  }
}
