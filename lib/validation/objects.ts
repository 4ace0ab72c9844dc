import { pointer } from './problem';

/** Kinds of the Kubernetes 1.28 API that are not namespaced. */
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterCIDR', 'ClusterRole', 'ClusterRoleBinding',
  'ClusterTrustBundle', 'ComponentStatus', 'CSIDriver', 'CSINode', 'CustomResourceDefinition',
  'FlowSchema', 'IngressClass', 'IPAddress', 'MutatingWebhookConfiguration', 'Namespace', 'Node',
  'PersistentVolume', 'PriorityClass', 'PriorityLevelConfiguration', 'ResourceClass', 'RuntimeClass',
  'SelfSubjectAccessReview', 'SelfSubjectReview', 'SelfSubjectRulesReview', 'StorageClass',
  'StorageVersion', 'SubjectAccessReview', 'TokenReview', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
]);

/** Where the pod template sits in a kind that runs pods, and the JSON pointer of its pod spec. */
interface TemplateLocation {
  readonly group: string;
  /** Keys from the object to the pod template (`[]`: the object is the pod). */
  readonly path: readonly string[];
  /** `pointer(...path, 'spec')`, worked out once. */
  readonly specPath: string;
}

function at(group: string, path: readonly string[]): TemplateLocation {
  return { group, path, specPath: pointer(...path, 'spec') };
}

/** Where the pod template sits in each kind that runs pods (a `Map`: looked up by the kind of every object). */
const POD_TEMPLATE_PATHS: ReadonlyMap<unknown, TemplateLocation> = new Map([
  ['Pod', at('', [])],
  ['ReplicationController', at('', ['spec', 'template'])],
  ['Deployment', at('apps', ['spec', 'template'])],
  ['StatefulSet', at('apps', ['spec', 'template'])],
  ['DaemonSet', at('apps', ['spec', 'template'])],
  ['ReplicaSet', at('apps', ['spec', 'template'])],
  ['Job', at('batch', ['spec', 'template'])],
  ['CronJob', at('batch', ['spec', 'jobTemplate', 'spec', 'template'])],
]);

const hasOwn = Object.prototype.hasOwnProperty;

/** API group by apiVersion: the few apiVersions of an output are split once, not once per object. */
const GROUP_BY_API_VERSION = new Map<string, string>();
const MAX_CACHED_API_VERSIONS = 1000;

/** The pods an object runs: their labels and pod spec. */
export interface PodTemplate {
  /** The object that owns the template (a workload, or a Pod). */
  readonly owner: any;
  /** Labels the pods get (`{}` when none). */
  readonly labels: Readonly<Record<string, unknown>>;
  /** The pod spec (`{}` when absent). */
  readonly spec: any;
  /** JSON pointer to the pod spec within `owner`. */
  readonly specPath: string;
}

/** A container of a pod spec with its JSON pointer. */
export interface ContainerAt {
  /** The container object. */
  readonly container: any;
  /** JSON pointer to the container within the owning object. */
  readonly path: string;
  /** The list of the pod spec that holds it: `initContainers`, `containers` or `ephemeralContainers`. */
  readonly list: string;
  /** Its index in {@link list}. */
  readonly index: number;
}

/** A Kubernetes label selector (`matchLabels` / `matchExpressions`). */
export interface LabelSelector {
  /** Labels that must all be present with these values. */
  readonly matchLabels?: Readonly<Record<string, unknown>>;
  /** Requirements that must all hold. */
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: readonly unknown[] }>;
}

/** `x` if it is a plain object, else `{}`: lets rules walk objects that failed the schema. */
export function asRecord(x: unknown): Record<string, any> {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? x as Record<string, any> : {};
}

/** `x` if it is an array, else `[]`. */
export function asArray(x: unknown): readonly any[] {
  return Array.isArray(x) ? x : [];
}

/** API group of an object: `apps` for `apps/v1`, `''` for the core group (`v1`). */
export function apiGroup(obj: any): string {
  const apiVersion: string = typeof obj?.apiVersion === 'string' ? obj.apiVersion : '';
  let group: string | undefined = GROUP_BY_API_VERSION.get(apiVersion);
  if (group === undefined) {
    group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (GROUP_BY_API_VERSION.size < MAX_CACHED_API_VERSIONS) {
      GROUP_BY_API_VERSION.set(apiVersion, group);
    }
  }
  return group;
}

/** Whether `obj` is of a cluster-scoped kind (Namespace, ClusterRole, PersistentVolume, …). */
function isClusterScoped(obj: any): boolean {
  return CLUSTER_SCOPED_KINDS.has(obj?.kind);
}

/** Namespace of a namespaced object, `default` when unset; `''` for cluster-scoped objects. */
export function namespaceOf(obj: any): string {
  return isClusterScoped(obj) ? '' : obj?.metadata?.namespace ?? 'default';
}

/** `Kind/name (ns namespace)` for namespaced objects, `Kind/name` for cluster-scoped ones. */
export function describeObject(obj: any): string {
  const kind = typeof obj?.kind === 'string' ? obj.kind : '<no kind>';
  const name = typeof obj?.metadata?.name === 'string' ? obj.metadata.name : '<no name>';
  return isClusterScoped(obj) ? `${kind}/${name}` : `${kind}/${name} (ns ${namespaceOf(obj)})`;
}

/** The pod template of a Pod, ReplicationController, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob. */
export function podTemplate(obj: any): PodTemplate | undefined {
  const where = POD_TEMPLATE_PATHS.get(obj?.kind);
  if (!where || where.group !== apiGroup(obj)) {
    return undefined;
  }
  let template: any = obj;
  for (let i = 0; i < where.path.length; i++) {
    template = asRecord(template)[where.path[i]];
  }
  template = asRecord(template);
  return new Template(obj, asRecord(asRecord(template.metadata).labels), asRecord(template.spec), where.specPath);
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** A container whose JSON pointer is only built when a finding needs it. */
class ContainerInTemplate implements ContainerAt {
  private pathCache: string | undefined;

  constructor(public readonly container: any, private readonly template: PodTemplate, public readonly list: string, public readonly index: number) {}

  public get path(): string {
    return this.pathCache ??= `${this.template.specPath}${pointer(this.list, this.index)}`;
  }
}

/** A pod template that lists its containers once, for all the rules that look at them. */
class Template implements PodTemplate {
  private containersCache: readonly ContainerAt[] | undefined;

  constructor(public readonly owner: any, public readonly labels: Readonly<Record<string, unknown>>, public readonly spec: any, public readonly specPath: string) {}

  public get containers(): readonly ContainerAt[] {
    return this.containersCache ??= listContainers(this);
  }
}

/** Every init, regular and ephemeral container of a pod template. */
export function containersOf(template: PodTemplate): readonly ContainerAt[] {
  return template instanceof Template ? template.containers : listContainers(template);
}

function listContainers(template: PodTemplate): ContainerAt[] {
  const containers: ContainerAt[] = [];
  for (let l = 0; l < CONTAINER_LISTS.length; l++) {
    const list = CONTAINER_LISTS[l];
    const items = asArray(template.spec[list]);
    for (let i = 0; i < items.length; i++) {
      containers.push(new ContainerInTemplate(asRecord(items[i]), template, list, i));
    }
  }
  return containers;
}

/** Whether every `key: value` of a map selector (Service, ReplicationController) is among `labels`. */
export function mapSelectorMatches(selector: Readonly<Record<string, unknown>>, labels: Readonly<Record<string, unknown>>): boolean {
  for (const key in selector) {
    if (hasOwn.call(selector, key) && labels[key] !== selector[key]) {
      return false;
    }
  }
  return true;
}

/** Whether a label selector selects `labels`. An empty selector selects everything. */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, unknown>>): boolean {
  return mapSelectorMatches(asRecord(selector.matchLabels), labels)
    && asArray(selector.matchExpressions).every(({ key, operator, values }) => {
      const has = Object.prototype.hasOwnProperty.call(labels, key);
      switch (operator) {
        case 'In': return has && asArray(values).includes(labels[key]);
        case 'NotIn': return !has || !asArray(values).includes(labels[key]);
        case 'Exists': return has;
        case 'DoesNotExist': return !has;
        default: return false;
      }
    });
}
