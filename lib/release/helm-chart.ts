import { ReleaseManifests } from './manifests';
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

/** The name of the one template file of a release's chart. */
export const TEMPLATE_FILE = 'templates/manifests.yaml';

/**
 * The files of a release's Helm chart (paths relative to the chart directory): `Chart.yaml` (apiVersion
 * v2, type application) and the release's objects, escaped, in one template; no Namespace object.
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
  const templates = release.documents.filter(d => !LEFT_OUT_KINDS.includes(d.object?.kind)).map(d => escapeGoTemplate(d.text));
  return { 'Chart.yaml': chartYaml, [TEMPLATE_FILE]: templates.join('---\n') };
}
