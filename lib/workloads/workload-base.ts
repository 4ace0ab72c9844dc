import { Chart, Lazy } from 'cdk8s';
import type { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { registerAppValidation } from '../validation/app-validation';
import { isRepeatedPass } from '../validation/synth-session';
import { registerNamespaceOrder } from '../common/namespace-order';
import { configMapKey, labelValue, MAX_LABEL_LENGTH } from '../rules';
import { checkAbsolutePath, checkDnsLabel, checkDnsSubdomain, checkInteger, checkRule } from '../common/checks';
import type { ContainerPort, ContainerSpec, VolumeMount } from '../common/container';
import type { Endpoint } from '../common/endpoint';
import { checkEnv } from '../common/env';
import type { EnvValue } from '../common/env';
import { check, InvalidPropError, ShownValue } from '../common/errors';
import { appLabelProps, recommendedLabels, selectorLabels } from '../common/labels';
import type { AppIdentityProps } from '../common/labels';
import { claimObjectNames } from '../common/object-names';
import { canonicalContent, checkPodParts, renderPodTemplate, sha256 } from '../common/pod';
import type { PodParts, PodProps } from '../common/pod';
import { mergeRequiredSecrets } from '../common/secret';
import type { RequiredSecretKey, SecretKeyRef } from '../common/secret';
import { checkVolumeClaims } from '../common/storage';
import type { VolumeClaim } from '../common/storage';
import { AppVolume } from '../common/volume';
import type { AppConfigMap, ClientServiceOptions, DisruptionBudgetOptions, WorkloadKind, WorkloadProps } from './props';

/** Annotation on the pod template that carries the hash of the app's ConfigMaps. */
const CONFIG_HASH_ANNOTATION = 'checksum/config';
/** Most bytes of data one ConfigMap may hold (the API server's `MaxSecretSize`, an etcd object limit). */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

/**
 * The base of every workload of this library ({@link StatefulApp}, {@link DeploymentApp}, and
 * users' own): it owns the names and labels, the pod (containers, volumes, env, placement), the
 * ConfigMaps and their checksum, the ServiceAccount, the PodDisruptionBudget, client Services,
 * endpoints and the Secrets the pods read. Containers, env, volumes, mounts and config files can
 * be added after construction; the pod template is rendered at synth time.
 */
export abstract class WorkloadBase extends Construct {
  /** Workload name; the prefix of its objects. */
  public readonly name: string;
  /** Namespace of the chart, or undefined when the chart sets none. */
  public readonly namespace?: string;
  /** Labels on every object of the app. */
  public readonly labels: Record<string, string>;
  /** Labels that select the app's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** Cluster DNS domain of the app's DNS names. */
  public readonly clusterDomain: string;
  /** The ServiceAccount, when created. */
  private sa?: k8s.KubeServiceAccount;

  private readonly pod: PodProps;
  private readonly sidecarSpecs: ContainerSpec[];
  private readonly initSpecs: ContainerSpec[];
  private readonly podVolumes: AppVolume[];
  private readonly claimVolumes: AppVolume[] = [];
  private readonly addedEnv: Record<string, Record<string, EnvValue>> = {};
  private readonly addedMounts: Record<string, VolumeMount[]> = {};
  private readonly configs: Array<{ readonly spec: AppConfigMap; readonly files: Record<string, string>; readonly object: k8s.KubeConfigMap; readonly volume: AppVolume }> = [];
  /** The last config checksum and what it was computed from: rendering again with the same content does not hash again. */
  private checksum?: { readonly content: string; readonly hash: string };
  private readonly checksumSources: Record<string, Record<string, string>> = {};
  private readonly secretPurposes = new Map<string, string>();
  private readonly claimTemplateNames: string[] = [];
  private readonly automountToken: boolean;
  private readonly props: WorkloadProps;
  /** The workload object, once rendered. */
  private workload?: ApiObject;
  /** The claims of the pods, as given in props. */
  protected readonly volumeClaims: readonly VolumeClaim[];

  protected constructor(scope: Construct, id: string, props: WorkloadProps, nameLimit = 63) {
    super(scope, id);
    registerAppValidation(this);
    registerNamespaceOrder(this);
    this.name = props.name ?? id;
    checkDnsLabel(this, 'name', this.name, nameLimit);
    this.namespace = Chart.of(this).namespace;
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    checkDnsSubdomain(this, 'clusterDomain', this.clusterDomain);
    checkIdentityLabels(this, props);
    const labelProps = appLabelProps(this.name, props);
    this.labels = recommendedLabels(labelProps);
    this.selectorLabels = selectorLabels(labelProps);
    this.volumeClaims = props.volumeClaims ?? [];
    checkVolumeClaims(this, 'volumeClaims', this.volumeClaims);

    this.pod = props;
    this.props = props;
    this.sidecarSpecs = [...(props.sidecars ?? [])];
    this.initSpecs = [...(props.initContainers ?? [])];
    this.podVolumes = [...(props.volumes ?? [])];
    this.podVolumes.forEach((v, i) => v.check(this, `volumes[${i}]`));
    this.automountToken = props.serviceAccount?.automountToken ?? false;
    this.node.addValidation({ validate: () => this.validatePod() });
  }

  /** The ServiceAccount, when created. */
  public get serviceAccount(): k8s.KubeServiceAccount | undefined {
    return this.sa;
  }

  /** Every named port of the pod (main container and sidecars). */
  public get ports(): readonly ContainerPort[] {
    return [this.pod.container, ...this.sidecarSpecs].flatMap(c => c.ports ?? []);
  }

  /** The main container's ports, which the Services expose by default. */
  public get mainPorts(): readonly ContainerPort[] {
    return this.pod.container.ports ?? [];
  }

  /** The main container's name. */
  public get mainContainerName(): string {
    return this.pod.container.name;
  }

  /** ConfigMaps by their volume name. */
  public get configMaps(): Readonly<Record<string, k8s.KubeConfigMap>> {
    return Object.fromEntries(this.configs.map(c => [c.spec.name, c.object]));
  }

  /** Adds a sidecar container. */
  public addSidecar(container: ContainerSpec): void {
    this.sidecarSpecs.push(container);
  }

  /** Adds an init container; it runs after the ones given in props. */
  public addInitContainer(container: ContainerSpec): void {
    this.initSpecs.push(container);
  }

  /** Adds a pod volume. */
  public addVolume(volume: AppVolume): void {
    volume.check(this, 'addVolume(volume)');
    this.podVolumes.push(volume);
  }

  /** Adds an env var to a container (the main one by default). */
  public addEnv(name: string, value: EnvValue, container: string = this.pod.container.name): void {
    this.requireContainer('addEnv(container)', container);
    checkEnv(this, 'addEnv', { [name]: value });
    (this.addedEnv[container] ??= {})[name] = value;
  }

  /** Mounts a volume, ConfigMap or claim into a container (the main one by default). */
  public addVolumeMount(mount: VolumeMount, container: string = this.pod.container.name): void {
    this.requireContainer('addVolumeMount(container)', container);
    checkAbsolutePath(this, 'addVolumeMount(mount).mountPath', mount.mountPath);
    (this.addedMounts[container] ??= []).push(mount);
  }

  /** Adds a ConfigMap `<app>-<name>` built from a file map; it joins the checksum that rolls the pods. */
  public addConfigMap(configMap: AppConfigMap): k8s.KubeConfigMap {
    return this.createConfigMap(configMap, `addConfigMap(${configMap.name})`);
  }

  /** Adds (or replaces) a file of one of the app's ConfigMaps; the change rolls the pods. */
  public addConfigFile(configMap: string, fileName: string, content: string): void {
    const entry = this.configs.find(c => c.spec.name === configMap);
    check(entry !== undefined, this, 'addConfigFile(configMap)', configMap,
      `must name a ConfigMap of this app (known: ${this.configs.map(c => c.spec.name).join(', ') || 'none'})`);
    checkFileName(this, 'addConfigFile(fileName)', fileName);
    entry!.files[fileName] = content;
    checkConfigMapSize(this, `addConfigFile(${configMap})`, entry!.files);
  }

  /**
   * Makes the pods roll when `data` changes: for ConfigMaps or Secrets the app reads but does not
   * make (their content must be known at synth time).
   */
  public addChecksumSource(name: string, data: Record<string, string>): void {
    this.checksumSources[`extra:${name}`] = { ...data };
  }

  /** Documents what a Secret key the pods read is for, in {@link requiredSecrets}. */
  public describeSecret(ref: SecretKeyRef, purpose: string): void {
    this.secretPurposes.set(`${ref.secretName}/${ref.key}`, purpose);
  }

  /** Every Secret key the pods read (env and Secret volumes), with what it is for. */
  public get requiredSecrets(): RequiredSecretKey[] {
    const entries: RequiredSecretKey[] = [];
    const add = (secretName: string, key: string, fallback: string) => entries.push({
      secretName, key, namespace: this.namespace, usedBy: [this.node.path],
      purpose: this.secretPurposes.get(`${secretName}/${key}`) ?? fallback,
    });
    for (const c of this.allContainers()) {
      const env = { ...(c.env ?? {}), ...(c.name === this.pod.container.name ? this.pod.extraEnv ?? {} : {}), ...(this.addedEnv[c.name] ?? {}) };
      for (const [name, value] of Object.entries(env)) {
        if (value.secretKeyRef) add(value.secretKeyRef.secretName, value.secretKeyRef.key, `env ${name} of container ${c.name}`);
      }
    }
    for (const v of [...this.podVolumes, ...(this.pod.extraVolumes ?? [])]) {
      const src = v.secretSource;
      for (const key of src?.keys ?? []) add(src!.secretName, key, `file ${key} of volume ${v.name}`);
    }
    return mergeRequiredSecrets(entries);
  }

  /** Endpoint of one of the app's Services on a named container port. */
  public serviceEndpointOf(service: k8s.KubeService, portName: string): Endpoint {
    return { host: `${service.name}.${this.namespace ?? 'default'}.svc.${this.clusterDomain}`, port: this.portNumber(portName) };
  }

  /** The number of a named container port of the pod. */
  public portNumber(portName: string): number {
    const port = this.ports.find(p => p.name === portName);
    check(port !== undefined, this, 'port name', portName, `must name a container port (known: ${this.ports.map(p => p.name).join(', ')})`);
    return port!.port;
  }

  /**
   * The one hook of a workload kind: call it once in the constructor, where the pod's objects belong
   * in the output. In this order it adds the kind's claim volumes, makes the ConfigMaps and the
   * ServiceAccount given in props, checks the pod, makes the workload object with
   * `kind.workload(template)` and claims the names of every object made so far. Objects made before
   * the call (Services, shared claims) come before the ConfigMaps in the output; objects made after
   * it with {@link createService} or {@link createDisruptionBudget} are claimed as they are made, any
   * other object when the app is synthesized. The pod template is rendered at synth time, so
   * containers, env, volumes and files added after construction are in it.
   */
  protected renderWorkload<W extends ApiObject>(kind: WorkloadKind<W>): W {
    if (this.workload) throw new Error(`${this.node.path}: renderWorkload may be called once per workload (${this.workload.node.path} is rendered)`);
    this.claimTemplateNames.push(...(kind.claimTemplates ?? []));
    this.claimVolumes.push(...(kind.claimVolumes ?? []));
    this.createPodObjects();
    checkPodParts(this, this.podParts());
    const template = Lazy.any({ produce: () => renderPodTemplate(Object.assign(this.podParts(), { annotations: this.checksumAnnotations() })) });
    const workload = kind.workload(template as unknown as k8s.PodTemplateSpec);
    this.workload = workload;
    this.claimNames();
    return workload;
  }

  /** A client Service over the app's pods on the named (or main) ports. */
  protected createService(id: string, prop: string, defaultName: string, opts: ClientServiceOptions): k8s.KubeService {
    const serviceName = opts.name ?? defaultName;
    checkDnsLabel(this, `${prop}.name`, serviceName);
    const service = new k8s.KubeService(this, id, {
      metadata: {
        name: serviceName,
        labels: { ...this.labels, ...(opts.labels ?? {}) },
        annotations: opts.annotations && Object.keys(opts.annotations).length ? opts.annotations : undefined,
      },
      spec: {
        type: opts.type ?? 'ClusterIP',
        selector: this.selectorLabels,
        ports: this.servicePorts(`${prop}.ports`, opts.ports),
      },
    });
    this.claimNames();
    return service;
  }

  /** Service ports for the named container ports (the main container's when no names are given). */
  protected servicePorts(prop: string, names?: readonly string[], required = true): k8s.ServicePort[] {
    const all = this.ports;
    const ports = names === undefined ? this.mainPorts : names.map(n => {
      const port = all.find(p => p.name === n);
      check(port !== undefined, this, prop, n, `must name a container port (known: ${all.map(p => p.name).join(', ') || 'none'})`);
      return port!;
    });
    check(ports.length > 0 || !required, this, prop, names, 'a Service needs at least one port: give the container a named port or list one');
    return ports.map(p => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol ?? 'TCP' }));
  }

  /** A PodDisruptionBudget, unless switched off (by default only when more than one pod can run). */
  protected createDisruptionBudget(opts: DisruptionBudgetOptions | false | undefined, maxPods: number): k8s.KubePodDisruptionBudget | undefined {
    if (opts === false || (opts === undefined && maxPods <= 1)) return undefined;
    const mu = opts?.maxUnavailable ?? 1;
    if (typeof mu === 'number') checkInteger(this, 'disruptionBudget.maxUnavailable', mu, 0);
    else check(/^(\d|[1-9]\d|100)%$/.test(mu), this, 'disruptionBudget.maxUnavailable', mu, 'must be a whole number or a percentage from 0% to 100%');
    const budget = new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        maxUnavailable: typeof mu === 'number' ? k8s.IntOrString.fromNumber(mu) : k8s.IntOrString.fromString(mu),
        selector: { matchLabels: this.selectorLabels },
      },
    });
    this.claimNames();
    return budget;
  }

  /** The ConfigMaps and the ServiceAccount given in props. */
  private createPodObjects(): void {
    const props = this.props;
    (props.configMaps ?? []).forEach((cm, i) => this.createConfigMap(cm, `configMaps[${i}]`));
    if (props.serviceAccount) {
      const saName = props.serviceAccount.name ?? this.name;
      checkDnsSubdomain(this, 'serviceAccount.name', saName);
      this.sa = new k8s.KubeServiceAccount(this, 'service-account', {
        metadata: { name: saName, labels: this.labels }, automountServiceAccountToken: props.serviceAccount.automountToken ?? false,
      });
    }
  }

  /** Claims the kind and name of every object made so far (see {@link claimObjectNames}). */
  private claimNames(): void {
    claimObjectNames(this, 'name', this.name);
  }

  /** The pod as checked and rendered (the config checksum aside: see {@link checksumAnnotations}). */
  private podParts(): PodParts {
    const autoMounts = [...this.volumeClaims, ...this.configs.map(c => c.spec)]
      .filter(v => v.mountPath).map(v => ({ volume: v.name, mountPath: v.mountPath!, subPath: 'subPath' in v ? v.subPath : undefined }));
    // Object.assign rather than a spread followed by properties: V8 (Node 20) builds such a literal
    // some 30 times slower, and this runs for every check and render of the pod.
    return Object.assign({}, this.pod, {
      container: Object.assign({}, this.pod.container, { volumeMounts: [...autoMounts, ...(this.pod.container.volumeMounts ?? [])] }),
      sidecars: this.sidecarSpecs,
      initContainers: this.initSpecs,
      volumes: [...this.configs.map(c => c.volume), ...this.claimVolumes, ...this.podVolumes],
      labels: this.labels,
      selector: this.selectorLabels,
      claimNames: this.claimTemplateNames,
      serviceAccountName: this.sa?.name,
      automountToken: this.automountToken,
      addedEnv: this.addedEnv,
      addedMounts: this.addedMounts,
    });
  }

  /** The annotation with the checksum of the ConfigMaps and checksum sources, when there are any. */
  private checksumAnnotations(): Record<string, string> {
    const sources = Object.assign(Object.fromEntries(this.configs.map(c => [c.spec.name, c.files])), this.checksumSources);
    if (!Object.keys(sources).length) return {};
    const content = canonicalContent(sources);
    if (this.checksum?.content !== content) this.checksum = { content, hash: sha256(content) };
    return { [CONFIG_HASH_ANNOTATION]: this.checksum.hash };
  }

  private allContainers(): ContainerSpec[] {
    return [...this.initSpecs, this.pod.container, ...this.sidecarSpecs];
  }

  private requireContainer(prop: string, name: string): void {
    const names = this.allContainers().map(c => c.name);
    check(names.includes(name), this, prop, name, `must name a container of this pod (known: ${names.join(', ')})`);
  }

  private createConfigMap(cm: AppConfigMap, prop: string): k8s.KubeConfigMap {
    checkDnsLabel(this, `${prop}.name`, cm.name);
    check(!this.configs.some(c => c.spec.name === cm.name), this, `${prop}.name`, cm.name, 'must be unique, but appears more than once');
    for (const file of Object.keys(cm.files)) checkFileName(this, `${prop}.files`, file);
    checkConfigMapSize(this, `${prop}.files`, cm.files);
    if (cm.mountPath !== undefined) checkAbsolutePath(this, `${prop}.mountPath`, cm.mountPath);
    const files = { ...cm.files };
    const object = new k8s.KubeConfigMap(this, `config-${cm.name}`, {
      metadata: { name: `${this.name}-${cm.name}`, labels: this.labels },
      data: Lazy.any({ produce: () => ({ ...files }) }),
    });
    this.configs.push({ spec: cm, files, object, volume: AppVolume.configMap(cm.name, object.name, { defaultMode: cm.defaultMode }) });
    this.claimNames();
    return object;
  }

  /**
   * Re-checks the pod with everything added after construction, and claims the names of objects
   * made after {@link renderWorkload} (run by `app.synth()`).
   */
  private validatePod(): string[] {
    // A later pass of the same synth: this check passed in the first (nothing can have changed since).
    if (isRepeatedPass(this.node.root)) return [];
    try {
      if (!this.workload) throw new Error(`${this.node.path}: a workload kind must call renderWorkload in its constructor`);
      this.claimNames();
      checkPodParts(this, this.podParts());
      return [];
    } catch (err) {
      if (err instanceof InvalidPropError) return [err.message];
      throw err;
    }
  }
}

function checkFileName(scope: Construct, prop: string, file: string): void {
  const rule = configMapKey(file);
  checkRule(scope, prop, file, rule === undefined ? undefined : `a file name of a ConfigMap (its key) ${rule}`);
}

function checkConfigMapSize(scope: Construct, prop: string, files: Readonly<Record<string, string>>): void {
  let bytes = 0;
  for (const content of Object.values(files)) bytes += Buffer.byteLength(content);
  check(bytes <= MAX_CONFIG_MAP_BYTES, scope, prop, new ShownValue(`(${Object.keys(files).length} files, ${bytes} bytes)`),
    `must hold at most ${MAX_CONFIG_MAP_BYTES} bytes (1 MiB) together: the API server rejects a larger ConfigMap; mount large files from a volume instead`);
}

/** The recommended-label props become label values: each must be one (the version is made one, but must fit). */
function checkIdentityLabels(scope: Construct, props: AppIdentityProps): void {
  for (const prop of ['appName', 'instance', 'component', 'partOf'] as const) {
    const value = props[prop];
    if (value !== undefined) checkRule(scope, prop, value, ruleOfLabel(value));
  }
  const version = props.version;
  check(version === undefined || version.length <= MAX_LABEL_LENGTH, scope, 'version', version,
    `must be at most ${MAX_LABEL_LENGTH} characters: it is the label app.kubernetes.io/version`);
}

function ruleOfLabel(value: string): string | undefined {
  const rule = typeof value === 'string' ? labelValue(value) : 'must be a string';
  return rule === undefined ? undefined : `is a label value, which ${rule}`;
}
