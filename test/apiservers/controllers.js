'use strict';
// The objects a controller creates from a workload, built as the Kubernetes 1.35-1.37 controllers build
// them (for the corpus's checks: the API server does not validate a workload's pod template at admission).
// Names that the controllers take from hashes use a fixed 10-character hash; Pods that a controller names
// with generateName keep it (the server adds 5 characters).
const HASH = '5d8f9c7b6d';
const OWNER_UID = '00000000-0000-4000-8000-000000000000';
const MAX_GENERATED_NAME = 58;
const POD_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const record = x => (x && typeof x === 'object' && !Array.isArray(x) ? x : {});
const clone = x => (x === undefined ? undefined : JSON.parse(JSON.stringify(x)));

function owner(obj) {
  const name = record(obj.metadata).name;
  return [{ apiVersion: obj.apiVersion, kind: obj.kind, name: typeof name === 'string' && name ? name : 'x', uid: OWNER_UID, controller: true, blockOwnerDeletion: true }];
}

/** `controller.getPodsPrefix`: `<name>-` if that is a valid generateName, else the name. */
function podsPrefix(name) {
  const prefix = `${name}-`;
  return name.length <= 253 && POD_NAME.test(name) ? prefix : name;
}

/** `controller.GetPodFromTemplate`, without the name. */
function podFromTemplate(template, obj) {
  const t = record(template);
  const meta = record(t.metadata);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: {} };
  for (const field of ['labels', 'annotations', 'finalizers']) {
    if (meta[field] !== undefined) pod.metadata[field] = clone(meta[field]);
  }
  pod.metadata.ownerReferences = owner(obj);
  pod.spec = clone(t.spec);
  return pod;
}

/** A StatefulSet's pod of ordinal `ordinals.start` and its claims (`newVersionedStatefulSetPod`, `getPersistentVolumeClaims`). */
function statefulSet(obj, namespace) {
  const spec = record(obj.spec);
  const set = String(record(obj.metadata).name ?? '');
  const start = record(spec.ordinals).start;
  const ordinal = Number.isInteger(start) ? start : 0;
  const claims = (Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []).map(template => {
    const claim = clone(record(template));
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    claim.metadata = record(claim.metadata);
    const claimName = claim.metadata.name;
    claim.metadata.name = `${claimName}-${set}-${ordinal}`;
    claim.metadata.namespace = namespace;
    claim.metadata.labels = { ...record(claim.metadata.labels), ...record(record(spec.selector).matchLabels) };
    return { check: `pvc:${claimName}`, template: claimName, body: claim };
  });
  const pod = podFromTemplate(spec.template, obj);
  const name = `${set}-${ordinal}`;
  pod.metadata.name = name;
  pod.metadata.namespace = namespace;
  pod.metadata.labels = {
    ...record(pod.metadata.labels),
    'statefulset.kubernetes.io/pod-name': name,
    'apps.kubernetes.io/pod-index': String(ordinal),
    'controller-revision-hash': `${set}-${HASH}`,
  };
  pod.spec = record(pod.spec);
  pod.spec.hostname = name;
  if (spec.serviceName !== undefined) pod.spec.subdomain = spec.serviceName;
  // The controller keys the claims by name: a template listed twice makes one volume.
  const byName = new Map(claims.map(c => [c.template, { name: c.template, persistentVolumeClaim: { claimName: c.body.metadata.name } }]));
  const claimVolumes = [...byName.values()];
  const taken = new Set(byName.keys());
  const volumes = [...claimVolumes, ...(Array.isArray(pod.spec.volumes) ? pod.spec.volumes : []).filter(v => !taken.has(record(v).name))];
  if (volumes.length > 0) pod.spec.volumes = volumes;
  return [{ check: 'pod', body: pod }, ...claims.map(({ check, body }) => ({ check, body }))];
}

/** A Deployment's first ReplicaSet and its pod (`getNewReplicaSet`, `GetPodFromTemplate`). */
function deployment(obj, namespace) {
  const spec = record(obj.spec);
  const name = String(record(obj.metadata).name ?? '');
  const template = clone(record(spec.template));
  template.metadata = record(template.metadata);
  template.metadata.labels = { ...record(template.metadata.labels), 'pod-template-hash': HASH };
  const selector = clone(record(spec.selector));
  selector.matchLabels = { ...record(selector.matchLabels), 'pod-template-hash': HASH };
  const replicas = Number.isInteger(spec.replicas) ? spec.replicas : 1;
  const annotations = {};
  const skipped = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision',
    'deployment.kubernetes.io/revision-history', 'deployment.kubernetes.io/desired-replicas',
    'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to'];
  for (const [k, v] of Object.entries(record(record(obj.metadata).annotations))) {
    if (!skipped.includes(k)) annotations[k] = v;
  }
  Object.assign(annotations, { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1) });
  const rsName = `${name}-${HASH}`;
  const rs = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: rsName, namespace, labels: template.metadata.labels, annotations, ownerReferences: owner(obj) },
    spec: { replicas, selector, template },
  };
  if (spec.minReadySeconds !== undefined) rs.spec.minReadySeconds = spec.minReadySeconds;
  const pod = podFromTemplate(template, rs);
  pod.metadata.generateName = podsPrefix(rsName);
  pod.metadata.namespace = namespace;
  return [{ check: 'pod', body: pod }, { check: 'replicaset', body: rs }];
}

/** A Job's first pod (index 0 if Indexed), with the labels the server's Job defaulting adds to its template. */
function job(obj, namespace) {
  const spec = record(obj.spec);
  const name = String(record(obj.metadata).name ?? '');
  const uid = OWNER_UID;
  const template = clone(record(spec.template));
  template.metadata = record(template.metadata);
  if (spec.manualSelector !== true) {
    template.metadata.labels = {
      ...record(template.metadata.labels),
      'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name,
    };
  }
  const pod = podFromTemplate(template, obj);
  pod.metadata.namespace = namespace;
  pod.metadata.finalizers = [...(Array.isArray(pod.metadata.finalizers) ? pod.metadata.finalizers : []), 'batch.kubernetes.io/job-tracking'];
  pod.spec = record(pod.spec);
  if (spec.completionMode === 'Indexed') {
    pod.metadata.annotations = { ...record(pod.metadata.annotations), 'batch.kubernetes.io/job-completion-index': '0' };
    pod.metadata.labels = { ...record(pod.metadata.labels), 'batch.kubernetes.io/job-completion-index': '0' };
    pod.spec.hostname = `${name}-0`;
    for (const field of ['containers', 'initContainers']) {
      for (const c of Array.isArray(pod.spec[field]) ? pod.spec[field] : []) {
        const env = Array.isArray(c.env) ? c.env : [];
        if (!env.some(e => record(e).name === 'JOB_COMPLETION_INDEX')) {
          c.env = [...env, { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }];
        }
      }
    }
    const prefix = `${name}-0-`;
    pod.metadata.generateName = prefix.length > MAX_GENERATED_NAME ? `${name.slice(0, MAX_GENERATED_NAME - 3)}-0-` : prefix;
  } else {
    pod.metadata.generateName = podsPrefix(name);
  }
  return [{ check: 'pod', body: pod }];
}

const BUILDERS = { 'apps/v1 StatefulSet': statefulSet, 'apps/v1 Deployment': deployment, 'batch/v1 Job': job };

/** The checks after the object's own: `[{ check, body }]`, none for kinds no controller of ours makes objects from. */
function controllerChecks(obj, namespace) {
  const build = BUILDERS[`${obj.apiVersion} ${obj.kind}`];
  return build && record(obj.spec) === obj.spec ? build(obj, namespace) : [];
}

module.exports = { controllerChecks };
