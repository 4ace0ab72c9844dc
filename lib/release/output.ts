import * as fs from 'fs';
import * as path from 'path';
import { Names, YamlOutputType } from 'cdk8s';
import type { App, Chart } from 'cdk8s';
import { InvalidPropError } from '../common/errors';
import { inSynthSession } from '../validation/synth-session';
import { helmChartFiles, mainImageTag } from './helm-chart';
import type { HelmChartMetadata } from './helm-chart';
import { MANIFEST_EXTENSION, readReleaseDir } from './manifests';
import type { ReleaseManifests } from './manifests';
import { checkReleaseName, RELEASE_LABEL, Release, releaseNameOf } from './release';
import { reviewPage } from './review-page';

/** The directory of the Helm charts in the output: `dist/helm/<release>/`. */
export const HELM_DIR = 'helm';

/** A release of an app: its chart and what its Helm chart says of it. */
export interface AppRelease {
  /** The chart. */
  readonly chart: Chart;
  /** Release name. */
  readonly name: string;
  /** Helm chart version. */
  readonly version: string;
  /** The application version given, if any. */
  readonly appVersion?: string;
}

/**
 * The releases of an app: every chart, a {@link Release} or a chart labelled with `releaseLabels(id)`.
 * Checks the names (a DNS label of at most 53 characters) and that no two charts are one release.
 */
export function releasesOf(app: App): AppRelease[] {
  const releases: AppRelease[] = [];
  for (const chart of app.charts) {
    const name = releaseNameOf(chart);
    checkReleaseName(chart, 'release name (the chart id)', name);
    const twin = releases.find(r => r.name === name);
    if (twin) {
      throw new InvalidPropError(chart, 'release name', name,
        `must be unique in the app: ${twin.chart.node.path} already is release "${name}" (two releases of one name would write one file and one Helm chart)`);
    }
    releases.push(Release.isRelease(chart)
      ? { chart, name, version: chart.chartVersion, appVersion: chart.appVersion }
      : { chart, name, version: '0.1.0' });
  }
  return releases;
}

/** The `Chart.yaml` metadata of a release, its appVersion defaulting to the main image's tag, else the version. */
export function helmMetadataOf(release: AppRelease, manifests: ReleaseManifests): HelmChartMetadata {
  return { name: release.name, version: release.version, appVersion: release.appVersion ?? mainImageTag(manifests) ?? release.version };
}

/**
 * Writes, after `app.synth()`, what the release tooling derives from the plain files in `app.outdir`:
 * a Helm chart per release (`helm/<release>/`) and a review page per release (`NNNN-<release>.md`).
 * Earlier Helm charts and review pages there are removed first. Fails when an object of a release
 * lacks its release label. `objectsOf` may give a chart's objects as written (`chart.toJson()` inside
 * the synth's session), which spares parsing the files back.
 */
export function writeReleaseArtifacts(app: App, objectsOf?: (chart: Chart) => readonly unknown[]): void {
  if (app.yamlOutputType !== YamlOutputType.FILE_PER_CHART) {
    throw new Error(`release output needs one file per chart (YamlOutputType.FILE_PER_CHART), not ${YamlOutputType[app.yamlOutputType]}`);
  }
  const outdir = app.outdir;
  const charts = new Map(app.charts.map(c => [Names.toDnsLabel(c), c]));
  const manifests = readReleaseDir(outdir, name => {
    const chart = charts.get(name);
    return chart && objectsOf ? objectsOf(chart) : undefined;
  });
  const releases = releasesOf(app).map(release => {
    const m = manifests.find(r => r.name === Names.toDnsLabel(release.chart));
    if (!m || m.name !== release.name) {
      throw new InvalidPropError(release.chart, 'release name', release.name,
        `a release must be a chart directly in the app whose id is its name (its file is ${m?.file ?? 'missing'})`);
    }
    for (const { object } of m.documents) {
      if (object.metadata?.labels?.[RELEASE_LABEL] !== release.name) {
        throw new InvalidPropError(release.chart, `labels of ${object.kind} ${object.metadata?.name}`, object.metadata?.labels?.[RELEASE_LABEL],
          `every object of release "${release.name}" must carry ${RELEASE_LABEL}: ${release.name} (make the chart a Release, or give it labels: releaseLabels("${release.name}"))`);
      }
    }
    return { release, manifests: m, meta: helmMetadataOf(release, m) };
  });

  fs.rmSync(path.join(outdir, HELM_DIR), { recursive: true, force: true });
  for (const f of fs.readdirSync(outdir).filter(f => f.endsWith('.md'))) fs.rmSync(path.join(outdir, f));
  for (const { manifests: m, meta } of releases) {
    for (const [file, content] of Object.entries(helmChartFiles(m, meta))) {
      const target = path.join(outdir, HELM_DIR, m.name, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
    fs.writeFileSync(path.join(outdir, m.file.replace(MANIFEST_EXTENSION, '.md')), reviewPage(m, meta, manifests));
  }
}

/**
 * Synthesizes the app (`app.synth()`), then writes its Helm charts and review pages ({@link writeReleaseArtifacts})
 * from the objects as the synth wrote them: one session, in which every object is validated and converted once.
 */
export function synthReleases(app: App): void {
  releasesOf(app); // bad release names fail before anything is written
  inSynthSession(app, () => {
    app.synth();
    writeReleaseArtifacts(app, chart => Object.values(chart.toJson()));
  });
}
