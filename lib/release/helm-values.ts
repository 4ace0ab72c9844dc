import { parseDocument } from 'yaml';
import type { Scalar } from 'yaml';
import { POD_SECURITY_LABEL_PREFIX } from './namespace';
import type { ManifestDocument, ReleaseManifests } from './manifests';
import { containersOf } from './workloads';

/** Kinds whose replica count a release's Helm chart takes as a value. */
export const SCALED_KINDS: readonly string[] = ['StatefulSet', 'Deployment'];

/** A replica count that a release's Helm chart takes from its values. */
export interface ReplicaValue {
  /** Path of the value in `values.yaml`: `['replicaCount']`, `['core', 'replicaCount']`, `['secondary', 'replicaCount']`. */
  readonly path: readonly string[];
  /** Kind of the workload it scales. */
  readonly kind: string;
  /** Name of the workload it scales. */
  readonly workload: string;
  /** Index of the workload in the release's documents. */
  readonly document: number;
  /** Pods that the value does not count: 1 for a MySQL replication set (its primary, ordinal 0), else 0. */
  readonly fixedPods: number;
  /** The default: `spec.replicas` of the plain manifests minus `fixedPods`. */
  readonly defaultValue: number;
  /** The highest value `values.schema.json` allows: 1 for a workload that cannot run a second pod, else none. */
  readonly maximum?: number;
  /** Comment lines for `values.yaml`, without `# `. */
  readonly comment: readonly string[];
}

/**
 * A MySQLReplication StatefulSet: its pods run the replication scripts (env `MEMBER_HOST_TEMPLATE` and
 * `REPLICATION_MODE`), ordinal 0 being the primary and the others its read-only replicas.
 */
function isReplicationSet(object: any): boolean {
  if (object.kind !== 'StatefulSet') return false;
  return containersOf(object.spec?.template?.spec).some(({ container }) => {
    const names = (container.env ?? []).map((e: any) => e.name);
    return names.includes('MEMBER_HOST_TEMPLATE') && names.includes('REPLICATION_MODE');
  });
}

/** `harbor-job-service` in release `harbor` -> `jobService`; the release's own name -> undefined (top level). */
function componentKey(release: string, workload: string): string | undefined {
  if (workload === release) return undefined;
  const rest = workload.startsWith(`${release}-`) ? workload.slice(release.length + 1) : workload;
  return rest.split(/[-.]/).map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join('');
}

const GO_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const SINGLE_ATTACH = ['ReadWriteOnce', 'ReadWriteOncePod'];

/** Components that are one server each unless replicated: a second pod is another, empty server. */
const SINGLE_SERVER_COMPONENTS = ['database', 'redis'];

/**
 * Why a workload cannot run a second pod, if so: a Deployment that mounts a single-attach claim of the
 * release (the rule HarborStack and WordPressStack check on their props), or a StatefulSet of a database
 * or Redis server that is not a MySQL replication set.
 */
function singlePodReason(object: any, release: ReleaseManifests, replication: boolean): string | undefined {
  const component = object.metadata?.labels?.['app.kubernetes.io/component'];
  if (object.kind === 'StatefulSet' && !replication && SINGLE_SERVER_COMPONENTS.includes(component)) {
    return `A single ${component} server, not replicated: a second pod would be another, empty server. Keep it at 0 or 1.`;
  }
  if (object.kind !== 'Deployment') return undefined;
  for (const volume of object.spec?.template?.spec?.volumes ?? []) {
    const name = volume.persistentVolumeClaim?.claimName;
    const claim = release.documents.map(d => d.object).find(o => o?.kind === 'PersistentVolumeClaim' && o.metadata?.name === name);
    const modes: string[] = claim?.spec?.accessModes ?? [];
    if (claim && modes.every(m => SINGLE_ATTACH.includes(m))) {
      return `Its pods mount claim ${name} (${modes.join(', ')}): a second pod would hang on Multi-Attach. Keep it at 0 or 1.`;
    }
  }
  return undefined;
}

/** What lowering a StatefulSet's replicas does to its claims (its `persistentVolumeClaimRetentionPolicy.whenScaled`). */
function claimComment(object: any): string[] {
  if (object.kind !== 'StatefulSet' || !object.spec?.volumeClaimTemplates?.length) return [];
  const whenScaled = object.spec.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain';
  const claims = object.spec.volumeClaimTemplates.map((t: any) => `${t.metadata?.name}-${object.metadata.name}-<n>`).join(', ');
  return whenScaled === 'Retain'
    ? [`Lowering it keeps the claims (${claims}) of the pods it removes; raising it again reuses them.`]
    : [`Lowering it deletes the claims (${claims}) of the pods it removes (whenScaled: ${whenScaled}).`];
}

/**
 * The replica counts a release's Helm chart takes as values: one per StatefulSet and Deployment with
 * `spec.replicas`. The value is `replicaCount` for the workload named after the release and
 * `<component>.replicaCount` for `<release>-<component>` (camelCase: `harbor-job-service` ->
 * `jobService.replicaCount`); for a MySQL replication set it counts the read-only replicas after the
 * primary, `secondary.replicaCount` (or `<component>.secondary.replicaCount`), as the Bitnami charts name it.
 * Fails when two workloads would share a value, or a workload name gives a key that is not a Go identifier.
 */
export function replicaValuesOf(release: ReleaseManifests): ReplicaValue[] {
  const values: ReplicaValue[] = [];
  release.documents.forEach(({ object }, document) => {
    if (!SCALED_KINDS.includes(object?.kind) || typeof object.spec?.replicas !== 'number') return;
    const workload: string = object.metadata.name;
    const component = componentKey(release.name, workload);
    const replication = isReplicationSet(object);
    const path = [...(component ? [component] : []), ...(replication ? ['secondary'] : []), 'replicaCount'];
    if (!path.every(p => GO_IDENTIFIER.test(p))) {
      throw new Error(`release ${release.name}: ${object.kind} ${workload} gives the Helm value ${path.join('.')}, not made of Go identifiers (rename the workload)`);
    }
    const twin = values.find(v => v.path.join('.') === path.join('.'));
    if (twin) throw new Error(`release ${release.name}: ${object.kind} ${workload} and ${twin.kind} ${twin.workload} would share the Helm value ${path.join('.')}`);
    const fixedPods = replication ? 1 : 0;
    const single = singlePodReason(object, release, replication);
    const comment = [
      ...replication
        ? [`Read-only replicas of the MySQL StatefulSet ${workload}, after its primary (${workload}-0, always one):`,
          `${workload} runs 1 + ${path.join('.')} pods; each new replica clones its data from the one before.`]
        : [`Pods of ${object.kind} ${workload} (its spec.replicas).`],
      ...claimComment(object),
      ...single ? [single] : [],
    ];
    values.push({
      path, kind: object.kind, workload, document, fixedPods, defaultValue: object.spec.replicas - fixedPods, comment, ...single ? { maximum: 1 } : {},
    });
  });
  return values;
}

/** The Go-template action that prints a workload's `spec.replicas` from its value. */
export function replicasAction(value: ReplicaValue): string {
  const ref = `.Values.${value.path.join('.')}`;
  return value.fixedPods === 0 ? `{{ ${ref} }}` : `{{ add ${value.fixedPods} ${ref} }}`;
}

/**
 * A document of the release as a template: its text escaped with `escape`, and `spec.replicas` replaced by
 * the action that prints it from its value (when there is one).
 */
export function templateOf(doc: ManifestDocument, escape: (text: string) => string, value?: ReplicaValue): string {
  if (!value) return escape(doc.text);
  const [start, end] = replicasRange(doc) ?? (parseDocument(doc.text).getIn(['spec', 'replicas'], true) as Scalar).range!;
  return escape(doc.text.slice(0, start)) + replicasAction(value) + escape(doc.text.slice(end));
}

/**
 * Where the value of `spec.replicas` is in a document as cdk8s writes it (block style, two-space
 * indents: the line `  replicas: <n>` under the top-level `spec:`), found without parsing the whole
 * document; undefined when the text is not laid out so, or the value there is not the object's.
 */
function replicasRange(doc: ManifestDocument): [number, number] | undefined {
  const spec = /^spec:\n/m.exec(doc.text);
  if (!spec) return undefined;
  const line = /^ {2}replicas: (\S+)$|^\S/gm;
  line.lastIndex = spec.index + spec[0].length;
  const found = line.exec(doc.text);
  if (found?.[1] === undefined || found[1] !== String(doc.object?.spec?.replicas)) return undefined;
  const start = found.index + '  replicas: '.length;
  return [start, start + found[1].length];
}

/** `values.yaml`: each replica value with its default (so that the chart renders the plain file) and what it does. */
export function valuesYaml(release: ReleaseManifests, values: readonly ReplicaValue[]): string {
  const withoutNamespace = release.documents.some(d => d.object?.kind === 'Namespace') ? ' (without its Namespace object)' : '';
  const lines = [
    `# Values of the ${release.name} chart, synthesized by cdk8s-stateful. With these defaults the chart renders`,
    `# ${release.file}${withoutNamespace}. Everything else comes from the code: change it there,`,
    '# synthesize again, and upgrade with the new chart. values.schema.json checks every value.',
  ];
  let previous: readonly string[] = [];
  for (const value of values) {
    const common = value.path.findIndex((p, i) => p !== previous[i]);
    const indent = (depth: number) => '  '.repeat(depth);
    if (common === 0) lines.push('');
    for (let depth = common; depth < value.path.length - 1; depth++) lines.push(`${indent(depth)}${value.path[depth]}:`);
    const depth = value.path.length - 1;
    lines.push(...value.comment.map(c => `${indent(depth)}# ${c}`), `${indent(depth)}${value.path[depth]}: ${value.defaultValue}`);
    previous = value.path;
  }
  return [...lines, ''].join('\n');
}

/**
 * `values.schema.json` (JSON Schema draft 7, which Helm checks on install, upgrade, template and lint):
 * each replica value a non-negative integer, at most its `maximum`, and no other value (a misspelt `--set`
 * fails instead of doing nothing).
 */
export function valuesSchema(values: readonly ReplicaValue[]): string {
  const root: any = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: false, properties: {} };
  for (const value of values) {
    let node = root;
    for (const key of value.path.slice(0, -1)) {
      node.properties[key] ??= { type: 'object', additionalProperties: false, properties: {} };
      node = node.properties[key];
    }
    node.properties[value.path[value.path.length - 1]] = {
      type: 'integer', minimum: 0, ...value.maximum === undefined ? {} : { maximum: value.maximum }, description: value.comment.join(' '),
    };
  }
  return `${JSON.stringify(root, null, 2)}\n`;
}

/**
 * `templates/NOTES.txt` (what `helm install` and `helm upgrade` print) of a release with a Namespace
 * object, which the chart leaves out: the command that gives the namespace `--create-namespace` made the
 * Namespace's Pod Security labels. Undefined when the release has no Namespace with such labels.
 */
export function namespaceNotes(release: ReleaseManifests): string | undefined {
  const ns = release.documents.map(d => d.object).find(o => o?.kind === 'Namespace');
  const labels = Object.entries<string>(ns?.metadata?.labels ?? {}).filter(([k]) => k.startsWith(POD_SECURITY_LABEL_PREFIX));
  if (!ns || labels.length === 0) return undefined;
  return [
    `The chart leaves out the Namespace ${ns.metadata.name} of ${release.file}: helm install --create-namespace makes it, without`,
    'its Pod Security labels. Give it them once:',
    '',
    `  kubectl label namespace ${ns.metadata.name} --overwrite \\`,
    ...labels.map(([k, v], i) => `    ${k}=${v}${i < labels.length - 1 ? ' \\' : ''}`),
    '',
  ].join('\n');
}
