import { ContainerAt, apiGroup, asArray, asRecord, containersOf, namespaceOf, podTemplate } from '../objects';
import { Output } from '../output';
import { Finding, pointer } from '../problem';

/** A by-name reference from one namespaced object to another in its own namespace. */
interface Reference {
  readonly path: string;
  readonly group: string;
  readonly kind: string;
  readonly name: unknown;
}

/**
 * `namespace/reference`: an object that refers to another by name (pod volumes, env and envFrom
 * sources, service account and image pull secrets, a StatefulSet's serviceName, an Ingress
 * backend, a RoleBinding's Role, an autoscaler's target) finds it in its own namespace whenever
 * the output has it at all. A target the output has only in other namespaces is a finding; a
 * target the output does not have is assumed to exist in the cluster.
 */
export function* namespaceRules(output: Output): Iterable<Finding> {
  for (const obj of output.objects) {
    const namespace = namespaceOf(obj);
    if (namespace === '') {
      continue;
    }
    for (const ref of referencesOf(obj)) {
      if (output.find(ref.group, ref.kind, namespace, ref.name).length > 0) {
        continue;
      }
      const others = output.namespacesOf(ref.group, ref.kind, ref.name);
      if (others.length > 0) {
        yield {
          obj,
          rule: 'namespace/reference',
          path: ref.path,
          message: `refers to ${ref.kind} "${ref.name}" in its own namespace "${namespace}", but the output has it only in namespace ${others.map(ns => `"${ns}"`).join(', ')}`,
        };
      }
    }
  }
}

function referencesOf(obj: any): Reference[] {
  const refs: Reference[] = [];
  const template = podTemplate(obj);
  if (template) {
    const spec = template.spec;
    const at = (...segments: Array<string | number>) => template.specPath + pointer(...segments);
    refs.push({ path: at('serviceAccountName'), group: '', kind: 'ServiceAccount', name: spec.serviceAccountName });
    asArray(spec.imagePullSecrets).forEach((s, i) => refs.push({ path: at('imagePullSecrets', i, 'name'), group: '', kind: 'Secret', name: asRecord(s).name }));
    asArray(spec.volumes).forEach((v, i) => {
      const volume = asRecord(v);
      refs.push({ path: at('volumes', i, 'persistentVolumeClaim', 'claimName'), group: '', kind: 'PersistentVolumeClaim', name: volume.persistentVolumeClaim?.claimName });
      refs.push({ path: at('volumes', i, 'configMap', 'name'), group: '', kind: 'ConfigMap', name: volume.configMap?.name });
      refs.push({ path: at('volumes', i, 'secret', 'secretName'), group: '', kind: 'Secret', name: volume.secret?.secretName });
      asArray(volume.projected?.sources).forEach((s, j) => {
        const source = asRecord(s);
        refs.push({ path: at('volumes', i, 'projected', 'sources', j, 'configMap', 'name'), group: '', kind: 'ConfigMap', name: source.configMap?.name });
        refs.push({ path: at('volumes', i, 'projected', 'sources', j, 'secret', 'name'), group: '', kind: 'Secret', name: source.secret?.name });
      });
    });
    containersOf(template).forEach(c => refs.push(...containerReferences(c)));
  }
  const group = apiGroup(obj);
  if (obj.kind === 'StatefulSet' && group === 'apps') {
    refs.push({ path: pointer('spec', 'serviceName'), group: '', kind: 'Service', name: obj.spec?.serviceName });
  }
  if (obj.kind === 'Ingress' && group === 'networking.k8s.io') {
    refs.push({ path: pointer('spec', 'defaultBackend', 'service', 'name'), group: '', kind: 'Service', name: obj.spec?.defaultBackend?.service?.name });
    asArray(obj.spec?.rules).forEach((r, i) => asArray(asRecord(r).http?.paths).forEach((p, j) => refs.push({
      path: pointer('spec', 'rules', i, 'http', 'paths', j, 'backend', 'service', 'name'), group: '', kind: 'Service', name: asRecord(p).backend?.service?.name,
    })));
  }
  if (obj.kind === 'RoleBinding' && group === 'rbac.authorization.k8s.io' && obj.roleRef?.kind === 'Role') {
    refs.push({ path: pointer('roleRef', 'name'), group, kind: 'Role', name: obj.roleRef.name });
  }
  if (obj.kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') {
    const target = asRecord(obj.spec?.scaleTargetRef);
    refs.push({ path: pointer('spec', 'scaleTargetRef', 'name'), group: apiGroup(target), kind: target.kind, name: target.name });
  }
  return refs.filter(ref => typeof ref.name === 'string');
}

function containerReferences({ container, path }: ContainerAt): Reference[] {
  const refs: Reference[] = [];
  asArray(container.env).forEach((e, i) => {
    const from = asRecord(asRecord(e).valueFrom);
    refs.push({ path: path + pointer('env', i, 'valueFrom', 'configMapKeyRef', 'name'), group: '', kind: 'ConfigMap', name: from.configMapKeyRef?.name });
    refs.push({ path: path + pointer('env', i, 'valueFrom', 'secretKeyRef', 'name'), group: '', kind: 'Secret', name: from.secretKeyRef?.name });
  });
  asArray(container.envFrom).forEach((e, i) => {
    const source = asRecord(e);
    refs.push({ path: path + pointer('envFrom', i, 'configMapRef', 'name'), group: '', kind: 'ConfigMap', name: source.configMapRef?.name });
    refs.push({ path: path + pointer('envFrom', i, 'secretRef', 'name'), group: '', kind: 'Secret', name: source.secretRef?.name });
  });
  return refs;
}
