import { App, Chart } from 'cdk8s';
import type { ChartProps } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import type { Construct, IConstruct } from 'constructs';
import { check } from '../common/errors';
import { registerNamespaceOrder } from '../common/namespace-order';
import { createNamespaceObject } from './namespace';

/** The label every object of a release carries: `cdk8s-stateful/release: <release name>`. */
export const RELEASE_LABEL = 'cdk8s-stateful/release';

/** The metadata labels that mark the objects of release `name` (for a chart that is not a {@link Release}). */
export function releaseLabels(name: string): Record<string, string> {
  return { [RELEASE_LABEL]: name };
}

/** Helm's limit on a release name (its objects' names and labels are derived from it). */
export const MAX_RELEASE_NAME = 53;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// SemVer 2.0.0, from semver.org: numeric parts without leading zeros, optional pre-release and build metadata.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Checks a release name: the Helm chart and release name, and the value of {@link RELEASE_LABEL}. */
export function checkReleaseName(scope: IConstruct, prop: string, name: string): void {
  check(DNS_LABEL.test(name), scope, prop, name,
    "a release name (Helm chart and release name) must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit");
  check(name.length <= MAX_RELEASE_NAME, scope, prop, name,
    `a release name must be at most ${MAX_RELEASE_NAME} characters, Helm's limit (it has ${name.length})`);
}

/** Checks a SemVer 2.0.0 version such as `1.2.3` or `1.2.3-rc.1` (no `v` prefix): what Helm requires of a chart version. */
export function checkSemVer(scope: IConstruct, prop: string, version: string): void {
  check(typeof version === 'string' && SEMVER.test(version), scope, prop, version,
    'must be a SemVer 2.0.0 version MAJOR.MINOR.PATCH (e.g. "0.1.0" or "1.2.3-rc.1"), without a "v" prefix');
}

/** Props of a {@link Release}. */
export interface ReleaseProps extends ChartProps {
  /**
   * Version of the release's Helm chart (`Chart.yaml` `version`), SemVer 2.0.0. Named apart from an
   * application's own `version` prop (Harbor's, say), which a release chart may also take.
   * @default '0.1.0'
   */
  readonly chartVersion?: string;
  /**
   * The version of the application it deploys (`Chart.yaml` `appVersion`).
   * @default - the tag of the first container image of the release's first workload, else `version`
   */
  readonly appVersion?: string;
  /**
   * Create the release's Namespace (`namespace`) in this chart, as `helm install --create-namespace`
   * does: cluster-scoped, with the Pod Security labels its pods meet (docs/releases.md). Leave it off
   * when the namespace exists or another chart of the app creates it; whichever chart creates it, it
   * is written before every object that goes into it.
   * @default false
   */
  readonly createNamespace?: boolean;
}

/**
 * One release of an application: a chart whose objects all carry `cdk8s-stateful/release: <id>`,
 * written to `dist/` as a plain file, a Helm chart (`dist/helm/<id>/`) and a review page.
 * The id is the release name: a DNS-1123 label of at most 53 characters, unique in the app; a release
 * is created directly in the App.
 */
export class Release extends Chart {
  /** Whether `x` is a {@link Release}. */
  public static isRelease(x: unknown): x is Release {
    return x !== null && typeof x === 'object' && RELEASE_SYMBOL in x;
  }

  /** The release name: the chart id. */
  public readonly releaseName: string;
  /** Version of its Helm chart. */
  public readonly chartVersion: string;
  /** The application version given in the props, if any (else it is derived from the main image). */
  public readonly appVersion?: string;
  /** The release's Namespace object, when `createNamespace` is set. */
  public readonly namespaceObject?: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: ReleaseProps = {}) {
    super(scope, id, { ...props, labels: { ...props.labels, ...releaseLabels(id) } });
    Object.defineProperty(this, RELEASE_SYMBOL, { value: true });
    checkReleaseName(this, 'release name (the chart id)', id);
    check(scope.node.scope === undefined, this, 'scope', scope.node.path,
      'a release is a chart directly in the App (its file and Helm chart are named after its id)');
    this.chartVersion = props.chartVersion ?? '0.1.0';
    checkSemVer(this, 'chartVersion', this.chartVersion);
    if (props.appVersion !== undefined) {
      check(props.appVersion.trim() !== '' && !/[\n\r]/.test(props.appVersion), this, 'appVersion', props.appVersion,
        'must be a non-empty single-line string');
    }
    this.releaseName = id;
    this.appVersion = props.appVersion;
    registerNamespaceOrder(this);
    if (props.createNamespace) {
      check(this.namespace !== undefined, this, 'createNamespace', true, 'needs the release\'s namespace: set the namespace prop');
      this.namespaceObject = createNamespaceObject(this, this.namespace!);
    }
    const twin = App.of(this).node.findAll().find(c => c !== this && Chart.isChart(c) && releaseNameOf(c) === id);
    check(twin === undefined, this, 'release name', id,
      `must be unique in the app: ${twin?.node.path} already is release "${id}" (two releases of one name would write one file and one Helm chart)`);
  }
}

const RELEASE_SYMBOL = Symbol.for('cdk8s-stateful.Release');

/** The release name of a chart: a {@link Release}'s id, else its {@link RELEASE_LABEL} label, else its id. */
export function releaseNameOf(chart: Chart): string {
  if (Release.isRelease(chart)) return chart.releaseName;
  return chart.labels[RELEASE_LABEL] ?? chart.node.id;
}
