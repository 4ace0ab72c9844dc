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

/** Where the pod template sits in each kind that runs pods (`[]`: the object is the pod). */
const POD_TEMPLATE_PATHS: Record<string, { readonly group: string; readonly path: readonly string[] }> = {
  Pod: { group: '', path: [] },
  ReplicationController: { group: '', path: ['spec', 'template'] },
  Deployment: { group: 'apps', path: ['spec', 'template'] },
  StatefulSet: { group: 'apps', path: ['spec', 'template'] },
  DaemonSet: { group: 'apps', path: ['spec', 'template'] },
  ReplicaSet: { group: 'apps', path: ['spec', 'template'] },
  Job: { group: 'batch', path: ['spec', 'template'] },
  CronJob: { group: 'batch', path: ['spec', 'jobTemplate', 'spec', 'template'] },
};

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
  const apiVersion = typeof obj?.apiVersion === 'string' ? obj.apiVersion : '';
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
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
  const where = POD_TEMPLATE_PATHS[obj?.kind];
  if (!where || where.group !== apiGroup(obj)) {
    return undefined;
  }
  const template = asRecord(where.path.reduce((o: any, key) => asRecord(o)[key], obj));
  return {
    owner: obj,
    labels: asRecord(asRecord(template.metadata).labels),
    spec: asRecord(template.spec),
    specPath: pointer(...where.path, 'spec'),
  };
}

/** Every init, regular and ephemeral container of a pod template. */
export function containersOf(template: PodTemplate): ContainerAt[] {
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap(list =>
    asArray(template.spec[list]).map((container, i) => ({
      container: asRecord(container),
      path: `${template.specPath}${pointer(list, i)}`,
    })));
}

/** Whether every `key: value` of a map selector (Service, ReplicationController) is among `labels`. */
export function mapSelectorMatches(selector: Readonly<Record<string, unknown>>, labels: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
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
