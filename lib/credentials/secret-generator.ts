import { createHash } from 'crypto';
import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { checkDnsLabel, checkImage, checkInteger } from '../common/checks';
import type { Resources } from '../common/container';
import { InvalidPropError } from '../common/errors';
import { recommendedLabels } from '../common/labels';
import { readScripts } from '../common/scripts';
import { k8sQuantity } from '../common/storage';
import { Release } from '../release/release';
import { compare } from './order';
import type { CredentialShape } from './shapes';
import { checkCredentialSecret } from './types';
import type { CredentialSecret, GeneratedSecretKey } from './types';
import { waitForSecretsContainer } from './wait';
import type { WaitForSecrets } from './wait';
import { imageFromRegistry } from '../common/images';

/**
 * The generator Job's image: the official PHP CLI image on Alpine, pinned. It has every tool
 * the scripts use: busybox `sh` and core utilities, `curl`, `openssl` and `php` (JSON, bcrypt).
 * See docs/credentials.md for where each comes from.
 */
export const SECRET_GENERATOR_IMAGE = 'php:8.4.24-cli-alpine3.24';

/** The longest generator name: the Job is `<name>-<8 hex>`, a label value of at most 63 characters. */
const MAX_NAME = 54;
/** What a Release's generator is named after the release: `<release>-secret-generator`. */
const RELEASE_SUFFIX = '-secret-generator';

/** Where the generator's scripts and spec are mounted. */
const SCRIPTS_MOUNT = '/scripts';
/** The generator's scripts by file name (`generate-secrets.sh`, `secret-tool.php`, `wait-for-secrets.sh`). */
export function secretGeneratorScripts(): Readonly<Record<string, string>> {
  return readScripts('lib/credentials/scripts');
}

/** Props of a {@link SecretGenerator}. */
export interface SecretGeneratorProps {
  /** Namespace of the generator and of every Secret it makes. @default - the chart's namespace */
  readonly namespace?: string;
  /**
   * Name of the ServiceAccount, Role, RoleBinding and ConfigMap, and prefix of the Job: a DNS-1123
   * label of at most 54 characters.
   * @default - `<release name>-secret-generator` in a {@link Release}, else 'secret-generator'
   */
  readonly name?: string;
  /** Image with sh, curl, openssl and php. @default SECRET_GENERATOR_IMAGE */
  readonly image?: string;
  /** Seconds a finished Job is kept (for `kubectl logs`) before Kubernetes deletes it. @default 3600 */
  readonly ttlSecondsAfterFinished?: number;
  /** Retries of a failed run. @default 6 */
  readonly backoffLimit?: number;
  /** Extra labels of every object, e.g. the release label. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Resources of the Job's container. @default - requests 50m CPU and 64Mi memory, limit 128Mi memory */
  readonly resources?: Resources;
}

interface Entry {
  readonly shape: CredentialShape;
  readonly purpose: string;
  readonly usedBy: Set<string>;
  /** The construct that first asked for the key, for conflict messages. */
  readonly requester: string;
}

/** Every generator of an app (by its root), in creation order. */
const registry = new WeakMap<IConstruct, SecretGenerator[]>();

/** Whose generator a construct in `chart` uses: the chart's own when it is a Release, else the app's. */
function ownerOf(chart: Chart): IConstruct {
  return Release.isRelease(chart) ? chart : chart.node.root;
}

/**
 * Creates missing Secrets of one namespace in the cluster, once, with values of the right shape:
 * a Job (its own ServiceAccount and Role: create Secrets in the namespace, get and patch only the
 * Secrets it makes) runs `generate-secrets.sh`, which creates each missing Secret, adds only
 * missing keys to one that exists and never changes a value. The manifests hold no value: the
 * ConfigMap lists names, keys and shapes only, and the output is the same on every synth.
 *
 * One generator per release and namespace serves every construct of a {@link Release}, and one per
 * namespace every construct of the app's other charts ({@link SecretGenerator.of}). One Secret has
 * one maker: two generators of one namespace never make the same Secret. The Job's name carries a
 * hash of its spec, so that a changed spec runs again.
 */
export class SecretGenerator extends Construct {
  /**
   * The generator of `namespace` (default: the chart's) for `scope`: when the chart of `scope` is a
   * {@link Release}, that release's own (`<release name>-secret-generator`); otherwise the one the
   * app's other charts share (`secret-generator`). Created in the chart of `scope` when there is
   * none yet.
   */
  public static of(scope: IConstruct, namespace?: string): SecretGenerator {
    const chart = Chart.of(scope);
    const ns = namespace ?? chart.namespace;
    const owner = ownerOf(chart);
    const existing = (registry.get(scope.node.root) ?? []).find(g => g.owner === owner && g.namespace === ns);
    if (existing) return existing;
    return new SecretGenerator(chart, `SecretGenerator${ns ? `-${ns}` : ''}`, { namespace: ns });
  }

  /** Name of the ServiceAccount, Role, RoleBinding and ConfigMap. */
  public readonly name: string;
  /** Namespace of the Secrets. @default - none: the namespace the manifests are applied to */
  public readonly namespace?: string;
  /** The image of the Job and of the wait init containers. */
  public readonly image: string;
  /** The Job: its name is `<name>-<hash of spec, scripts and image>`. */
  public readonly job: k8s.KubeJob;
  /** The ConfigMap with the scripts and the spec (`spec` key). */
  public readonly configMap: k8s.KubeConfigMap;
  /** The Role: create Secrets; get and patch the generated ones only. */
  public readonly role: k8s.KubeRole;

  private readonly secrets = new Map<string, Map<string, Entry>>();
  private readonly labels: Record<string, string>;
  /** The Release it belongs to, or the app root: whose constructs {@link of} hands it to. */
  private readonly owner: IConstruct;

  constructor(scope: Construct, id: string, props: SecretGeneratorProps = {}) {
    super(scope, id);
    const chart = Chart.of(this);
    this.owner = ownerOf(chart);
    this.name = props.name ?? defaultName(chart);
    checkDnsLabel(this, 'name', this.name, MAX_NAME);
    this.namespace = props.namespace ?? chart.namespace;
    this.image = props.image ?? imageFromRegistry(this, SECRET_GENERATOR_IMAGE);
    checkImage(this, 'image', this.image);
    const ttl = props.ttlSecondsAfterFinished ?? 3600;
    checkInteger(this, 'ttlSecondsAfterFinished', ttl, 0);
    const backoffLimit = props.backoffLimit ?? 6;
    checkInteger(this, 'backoffLimit', backoffLimit, 0, 100);

    const generators = registry.get(this.node.root) ?? [];
    registry.set(this.node.root, generators);
    const twin = generators.find(g => g.owner === this.owner && g.namespace === this.namespace);
    if (twin) {
      throw new InvalidPropError(this, 'namespace', this.namespace,
        `already has the SecretGenerator ${twin.node.path}${Release.isRelease(this.owner) ? ` of release "${this.owner.releaseName}"` : ''}: ` +
        'use SecretGenerator.of(scope, namespace) to share it');
    }
    const namesake = generators.find(g => g.name === this.name && g.namespace === this.namespace);
    if (namesake) {
      throw new InvalidPropError(this, 'name', this.name,
        `is the name of the SecretGenerator ${namesake.node.path} in the same namespace: its ServiceAccount, Role and ConfigMap would be overwritten`);
    }
    generators.push(this);

    this.labels = { ...recommendedLabels({ name: 'secret-generator', instance: this.name, component: 'credentials' }), ...props.labels };
    const metadata = (name: string) => ({ name, namespace: this.namespace, labels: this.labels });

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: metadata(this.name), automountServiceAccountToken: false });
    this.role = new k8s.KubeRole(this, 'role', {
      metadata: metadata(this.name),
      rules: [
        // create cannot be limited to names: the API server authorizes it before the object exists.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch'], resourceNames: Lazy.any({ produce: () => this.secretNames }) as unknown as string[] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'role-binding', {
      metadata: metadata(this.name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
    this.configMap = new k8s.KubeConfigMap(this, 'config-map', {
      metadata: metadata(this.name),
      data: Lazy.any({ produce: () => this.configData() }) as unknown as Record<string, string>,
    });
    const template = (): k8s.PodTemplateSpec => this.podTemplate(props.resources);
    this.job = new k8s.KubeJob(this, 'job', {
      metadata: {
        ...metadata(Lazy.any({ produce: () => `${this.name}-${this.hash(template())}` }) as unknown as string),
      },
      spec: {
        backoffLimit,
        ttlSecondsAfterFinished: ttl,
        activeDeadlineSeconds: 600,
        template: Lazy.any({ produce: template }) as unknown as k8s.PodTemplateSpec,
      },
    });
    this.node.addValidation({
      validate: () => this.secrets.size ? [] : [`${this.node.path}: no construct asks for a generated Secret; remove the SecretGenerator`],
    });
  }

  /**
   * Asks the generator to make `secret` (for the construct `requester`). Two constructs may ask for
   * the same Secret and key with the same shape; a different shape is an error, and so is a Secret
   * that another generator of the namespace makes (one Secret has one maker).
   * @returns the keys it will make, for `generatedSecrets`
   */
  public add(requester: IConstruct, prop: string, secret: CredentialSecret): GeneratedSecretKey[] {
    checkCredentialSecret(requester, prop, secret);
    const maker = (registry.get(this.node.root) ?? [])
      .find(g => g !== this && g.namespace === this.namespace && g.secrets.has(secret.secretName));
    if (maker) {
      const [first] = maker.secrets.get(secret.secretName)!.values();
      throw new InvalidPropError(requester, prop, secret.secretName,
        `asks the SecretGenerator ${this.node.path} for Secret "${secret.secretName}" of namespace "${this.namespace ?? ''}", ` +
        `which the SecretGenerator ${maker.node.path} already makes for ${first.requester}: one Secret has one maker ` +
        '(give one of them another Secret name, or make the Secret in the same release)');
    }
    const entries = this.secrets.get(secret.secretName) ?? new Map<string, Entry>();
    for (const [key, wanted] of Object.entries(secret.keys)) {
      const entry = entries.get(key);
      if (entry && !entry.shape.equals(wanted.shape)) {
        throw new InvalidPropError(requester, `${prop}.keys.${key}.shape`, wanted.shape.specFields(),
          `conflicts with ${entry.requester}, which asks the SecretGenerator ${this.node.path} for key "${key}" of Secret ` +
          `"${secret.secretName}" as ${entry.shape.description}: one key has one shape (use another Secret name)`);
      }
      const usedBy = entry?.usedBy ?? new Set<string>();
      for (const user of wanted.usedBy ?? []) usedBy.add(user);
      entries.set(key, entry ?? { shape: wanted.shape, purpose: wanted.purpose, usedBy, requester: requester.node.path });
    }
    this.secrets.set(secret.secretName, entries);
    return Object.keys(secret.keys).sort(compare).map(key => this.generated(secret.secretName, key));
  }

  /** Names of the Secrets it makes, sorted: the `resourceNames` of its Role. */
  public get secretNames(): string[] {
    return [...this.secrets.keys()].sort(compare);
  }

  /** Every key it makes, sorted by Secret and key. */
  public get generatedSecrets(): GeneratedSecretKey[] {
    return this.secretNames.flatMap(name => [...this.secrets.get(name)!.keys()].sort(compare).map(key => this.generated(name, key)));
  }

  /**
   * An init container that waits until the given Secret keys exist, and the volumes it needs
   * (the generator's ConfigMap and each Secret as an optional volume). Add both to a pod of this
   * namespace whose containers must not start before the Job is done.
   */
  public waitForSecrets(keys: ReadonlyArray<{ readonly secretName: string; readonly key: string }>): WaitForSecrets {
    return waitForSecretsContainer(this, { image: this.image, configMapName: this.name, scriptsMount: SCRIPTS_MOUNT, createdBy: `the Job ${this.name}-<hash> (kubectl get jobs -l app.kubernetes.io/instance=${this.name})`, keys });
  }

  /** The spec file: one line per key, sorted by Secret and key. */
  public spec(): string {
    const lines = this.secretNames.flatMap(name => [...this.secrets.get(name)!.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([key, entry]) => `${name} ${key} ${entry.shape.specFields()}`));
    return [
      '# Secrets the secret-generator Job makes sure exist: names, keys and shapes, never a value.',
      '# <secret> <key> <shape> <parameters> (see generate-secrets.sh)',
      ...lines,
      '',
    ].join('\n');
  }

  private generated(secretName: string, key: string): GeneratedSecretKey {
    const entry = this.secrets.get(secretName)!.get(key)!;
    return {
      secretName,
      ...(this.namespace ? { namespace: this.namespace } : {}),
      key,
      purpose: entry.purpose,
      usedBy: [...entry.usedBy].sort(compare),
      shape: entry.shape.description,
      generatedBy: this.node.path,
    };
  }

  private configData(): Record<string, string> {
    return { ...secretGeneratorScripts(), spec: this.spec() };
  }

  private hash(template: k8s.PodTemplateSpec): string {
    return createHash('sha256').update(JSON.stringify([this.configData(), template])).digest('hex').slice(0, 8);
  }

  private podTemplate(resources: Resources | undefined): k8s.PodTemplateSpec {
    return {
      metadata: { labels: this.labels },
      spec: {
        serviceAccountName: this.name,
        automountServiceAccountToken: true,
        restartPolicy: 'Never',
        securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'generate',
          image: this.image,
          command: ['sh', `${SCRIPTS_MOUNT}/generate-secrets.sh`],
          env: [
            // apiVersion as the server stores it: fieldRef is atomic (a server-side apply would conflict on it).
            { name: 'NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
            { name: 'SPEC_FILE', value: `${SCRIPTS_MOUNT}/spec` },
            { name: 'CREATED_BY', value: this.name },
            { name: 'HOME', value: '/tmp' },
            { name: 'TMPDIR', value: '/tmp' },
          ],
          resources: renderResources(resources ?? { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } }),
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: [
            { name: 'scripts', mountPath: SCRIPTS_MOUNT, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        }],
        volumes: [
          { name: 'scripts', configMap: { name: this.name } },
          // Values only ever live here, in memory: never on a node's disk.
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
        ],
      },
    };
  }
}

/** `<release name>-secret-generator` in a Release, else `secret-generator`. */
function defaultName(chart: Chart): string {
  if (!Release.isRelease(chart)) return 'secret-generator';
  const name = `${chart.releaseName}${RELEASE_SUFFIX}`;
  if (name.length > MAX_NAME) {
    throw new InvalidPropError(chart, 'release name', chart.releaseName,
      `is too long to name its SecretGenerator "${name}" (${name.length} characters, at most ${MAX_NAME}): use a release name of at most ` +
      `${MAX_NAME - RELEASE_SUFFIX.length} characters, or create the release's generator first with a shorter name: ` +
      "new SecretGenerator(release, 'secret-generator', { name: '...' })");
  }
  return name;
}

function renderResources(resources: Resources): k8s.ResourceRequirements {
  const list = (l: Resources['requests']) => l && Object.fromEntries(Object.entries({
    'cpu': l.cpu, 'memory': l.memory, 'ephemeral-storage': l.ephemeralStorage,
  }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, k8sQuantity(v!)]));
  return { requests: list(resources.requests), limits: list(resources.limits) };
}
