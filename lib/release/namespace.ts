import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct, IConstruct } from 'constructs';
import { podOf, podSecurityLevelOf, podSecurityViolations } from '../rules/pod-security';
import type { PodSecurityLevel, PodSecurityViolation } from '../rules/pod-security';
import { DEFAULT_KUBERNETES_VERSION, isKubernetesVersion } from '../validation/versions';
import { KUBERNETES_VERSION_CONTEXT } from '../validation/app-validation';
import { checkDnsLabel } from '../common/checks';
import { registerNamespaceOrder } from '../common/namespace-order';

/** The label prefix of the Pod Security admission's Namespace labels. */
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/**
 * The Pod Security labels of a Namespace whose pods meet `level`: `enforce` at that level, pinned to
 * the policy version of the Kubernetes release the app is validated against (`v1.37` by default,
 * the `cdk8s-stateful:kubernetesVersion` context), so that a cluster upgrade never starts refusing
 * the release's pods on its own; `warn` and `audit` at the same level with version `latest`, so that
 * `kubectl apply` and the audit log show, before the pin moves, what a newer policy would refuse.
 */
export function podSecurityLabels(level: PodSecurityLevel, kubernetesVersion: string = DEFAULT_KUBERNETES_VERSION): Record<string, string> {
  return {
    [`${POD_SECURITY_LABEL_PREFIX}enforce`]: level,
    [`${POD_SECURITY_LABEL_PREFIX}enforce-version`]: `v${kubernetesVersion}`,
    [`${POD_SECURITY_LABEL_PREFIX}warn`]: level,
    [`${POD_SECURITY_LABEL_PREFIX}warn-version`]: 'latest',
    [`${POD_SECURITY_LABEL_PREFIX}audit`]: level,
    [`${POD_SECURITY_LABEL_PREFIX}audit-version`]: 'latest',
  };
}

/** What the pods of a namespace break of the Pod Security Standards, each with the object that makes the pod. */
export interface NamespacePodSecurity {
  /** The strictest level every pod meets. */
  readonly level: PodSecurityLevel;
  /** Each violation, with the object (`Kind name`) whose pods break it. */
  readonly violations: readonly { readonly object: string; readonly violation: PodSecurityViolation }[];
}

/** Judges the pods (workload templates, Jobs, CronJobs, Pods) of `namespace` among synthesized `objects`. */
export function namespacePodSecurity(namespace: string, objects: readonly any[]): NamespacePodSecurity {
  const violations = objects
    .filter(o => o?.kind !== 'Namespace' && o?.metadata?.namespace === namespace)
    .flatMap(o => {
      const pod = podOf(o);
      return pod ? podSecurityViolations(pod.spec, pod.metadata).map(violation => ({ object: `${o.kind} ${o.metadata.name}`, violation })) : [];
    });
  return { level: podSecurityLevelOf(violations.map(v => v.violation)), violations };
}

/**
 * A Namespace whose Pod Security labels are decided when it is synthesized, from every pod template
 * of the app in that namespace (whichever chart makes it), so that pods added after construction count.
 */
class PodSecurityNamespace extends k8s.KubeNamespace {
  public toJson(): any {
    const json = super.toJson();
    const root: IConstruct = this.node.root;
    const objects = root.node.findAll()
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind !== 'Namespace')
      .map(o => o.toJson());
    const { level } = namespacePodSecurity(json.metadata.name, objects);
    const context = root.node.tryGetContext(KUBERNETES_VERSION_CONTEXT);
    const version = isKubernetesVersion(context) ? context : DEFAULT_KUBERNETES_VERSION;
    // Labels added to the Namespace win: a pod-security label set there is the caller's choice.
    json.metadata.labels = { ...json.metadata.labels ?? {}, ...podSecurityLabels(level, version), ...json.metadata.labels ?? {} };
    return json;
  }
}

/**
 * The Namespace object of a release, as `--create-namespace` would make it. A Namespace is
 * cluster-scoped, so the `metadata.namespace` a namespaced chart puts on every object is removed.
 *
 * It carries the Pod Security admission labels (`pod-security.kubernetes.io/enforce`, `warn`, `audit`
 * and their versions, see {@link podSecurityLabels}) at the strictest level that every pod of the app
 * in that namespace meets, as the library's checker of the Pod Security Standards judges the pod
 * templates at synth: `restricted` when all of them qualify, else `baseline` (else `privileged`).
 */
export function createNamespaceObject(scope: Construct, name: string): k8s.KubeNamespace {
  checkDnsLabel(scope, 'namespace', name);
  registerNamespaceOrder(scope);
  const ns = new PodSecurityNamespace(scope, 'namespace', { metadata: { name } });
  ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return ns;
}
