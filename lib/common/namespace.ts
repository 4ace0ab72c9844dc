import { JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel } from './checks';

/**
 * The Namespace object of a release, as `--create-namespace` would make it. A Namespace is
 * cluster-scoped, so the `metadata.namespace` a namespaced chart puts on every object is removed.
 */
export function createNamespaceObject(scope: Construct, name: string, labels?: Record<string, string>): k8s.KubeNamespace {
  checkDnsLabel(scope, 'namespace', name);
  const ns = new k8s.KubeNamespace(scope, 'namespace', { metadata: { name, labels } });
  ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return ns;
}
