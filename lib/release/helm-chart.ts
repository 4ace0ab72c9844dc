import { namespaceNotes, replicaValuesOf, templateOf, valuesSchema, valuesYaml } from './helm-values';
import type { ReleaseManifests } from './manifests';
import { containersOf, parseImage, podTemplateOf } from './workloads';

/** What `Chart.yaml` says of a release. */
export interface HelmChartMetadata {
  /** Chart name: the release name. */
  readonly name: string;
  /** Chart version (SemVer 2.0.0). */
  readonly version: string;
  /** Version of the application it deploys. */
  readonly appVersion: string;
}

/**
 * Escapes Go-template delimiters so that Helm renders `text` back byte for byte: every `{{` and `}}`
 * becomes an action that prints it as a string literal (`{{ "{{" }}`, `{{ "}}" }}`). One pass, so the
 * delimiters of the escapes themselves are not escaped again.
 */
export function escapeGoTemplate(text: string): string {
  return text.replace(/\{\{|\}\}/g, d => `{{ "${d}" }}`);
}

/**
 * The tag of the release's main image: the first container of the first workload, in file order.
 * Undefined when there is no workload or the image is pinned by digest only.
 */
export function mainImageTag(release: ReleaseManifests): string | undefined {
  for (const { object } of release.documents) {
    const template = podTemplateOf(object);
    if (!template) continue;
    const main = containersOf(template.spec).find(c => !c.init);
    return main ? parseImage(String(main.container.image ?? '')).tag : undefined;
  }
  return undefined;
}

/** Kinds a Helm chart of a release leaves out: `helm install --create-namespace` makes the Namespace. */
const LEFT_OUT_KINDS = ['Namespace'];

/** The template file of a release's chart with its objects. */
export const TEMPLATE_FILE = 'templates/manifests.yaml';

/** The template file of a release's chart with what `helm install` prints (only for a release with a Namespace object). */
export const NOTES_FILE = 'templates/NOTES.txt';

/**
 * The files of a release's Helm chart (paths relative to the chart directory): `Chart.yaml` (apiVersion
 * v2, type application); `values.yaml` with the replica count of each StatefulSet and Deployment and
 * `values.schema.json` that checks them; the release's objects, escaped, in one template whose
 * `spec.replicas` come from those values; no Namespace object, and then `templates/NOTES.txt` with the
 * command that gives the namespace its Pod Security labels. With the default values the chart renders
 * the plain file without its Namespace.
 */
export function helmChartFiles(release: ReleaseManifests, meta: HelmChartMetadata): Record<string, string> {
  const chartYaml = [
    'apiVersion: v2',
    `name: ${meta.name}`,
    `description: ${JSON.stringify(`The ${meta.name} release, synthesized by cdk8s-stateful`)}`,
    'type: application',
    `version: ${meta.version}`,
    `appVersion: ${JSON.stringify(meta.appVersion)}`,
    '',
  ].join('\n');
  const values = replicaValuesOf(release);
  const templates = release.documents.flatMap((d, i) => LEFT_OUT_KINDS.includes(d.object?.kind)
    ? []
    : [templateOf(d, escapeGoTemplate, values.find(v => v.document === i))]);
  const notes = namespaceNotes(release);
  return {
    'Chart.yaml': chartYaml,
    'values.yaml': valuesYaml(release, values),
    'values.schema.json': valuesSchema(values),
    [TEMPLATE_FILE]: templates.join('---\n'),
    ...(notes === undefined ? {} : { [NOTES_FILE]: escapeGoTemplate(notes) }),
  };
}
