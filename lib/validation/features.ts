import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../common/package-root';
import { KUBERNETES_VERSIONS } from './versions';
import type { KubernetesVersion } from './versions';

/** A feature gate as a release's kube-apiserver registers it by default. */
interface FeatureGate {
  readonly enabled: boolean;
  /** `ALPHA`, `BETA`, `GA` or `DEPRECATED`. */
  readonly stage: string;
}

/** `lib/validation/definitions/features-<version>.json`, written by test/apiservers/regenerate.sh. */
interface ReleaseFeatures {
  /** The exact release the gates were read from, e.g. `v1.37.2`. */
  readonly release: string;
  readonly features: Readonly<Record<string, FeatureGate>>;
}

const LOADED = new Map<KubernetesVersion, ReleaseFeatures>();

/** The vendored default feature gates of `version`. */
function releaseFeatures(version: KubernetesVersion): ReleaseFeatures {
  let features = LOADED.get(version);
  if (!features) {
    const file = path.join(packageRoot(), 'lib', 'validation', 'definitions', `features-${version}.json`);
    features = JSON.parse(fs.readFileSync(file, 'utf-8')) as ReleaseFeatures;
    LOADED.set(version, features);
  }
  return features;
}

/**
 * Whether `gate` is on in `version` with default feature gates. A gate a release no longer lists is on
 * if an older vendored release had it GA (it graduated and was removed), else off (not there yet).
 */
export function featureEnabled(version: KubernetesVersion, gate: string): boolean {
  const own = releaseFeatures(version).features[gate];
  if (own) {
    return own.enabled;
  }
  return KUBERNETES_VERSIONS.slice(0, KUBERNETES_VERSIONS.indexOf(version))
    .some(older => releaseFeatures(older).features[gate]?.stage === 'GA');
}

/**
 * Whether `gate` has graduated by `version`: GA there, or removed after being GA in an older vendored release.
 * The code paths that dropped a gated field when the gate was off are gone then, and the field is validated.
 */
export function featureGraduated(version: KubernetesVersion, gate: string): boolean {
  const stage = featureStage(version, gate);
  return stage === undefined ? featureEnabled(version, gate) : stage === 'GA';
}

/** `gate`'s stage in `version` (`ALPHA`, `BETA`, `GA`, `DEPRECATED`), or undefined when the release does not list it. */
function featureStage(version: KubernetesVersion, gate: string): string | undefined {
  return releaseFeatures(version).features[gate]?.stage;
}

/** The vendored releases newer than `version` in which `gate` is on by default, oldest first. */
function releasesWithFeature(version: KubernetesVersion, gate: string): KubernetesVersion[] {
  return KUBERNETES_VERSIONS.slice(KUBERNETES_VERSIONS.indexOf(version) + 1).filter(v => featureEnabled(v, gate));
}

/**
 * Why a field of feature `gate` does nothing in `version` with default gates: `"<what> is <stage, off by
 * default> in Kubernetes <version> (<release>, feature gate <gate>): a server with default feature gates drops it
 * <consequence>; it is on by default in Kubernetes <newer releases>"`. Undefined when the gate is on.
 */
export function featureOff(version: KubernetesVersion, gate: string, what: string, consequence = ''): string | undefined {
  if (featureEnabled(version, gate)) {
    return undefined;
  }
  const stage = featureStage(version, gate);
  const state = stage ? `${stage === 'ALPHA' ? 'an alpha field' : `a ${stage.toLowerCase()} field`}, off by default,` : 'not served';
  const newer = releasesWithFeature(version, gate);
  const where = newer.length ? `; it is on by default in Kubernetes ${newer.join(', ')}` : '';
  return `${what} is ${state} in Kubernetes ${version} (${releaseFeatures(version).release}, feature gate ${gate}): a server with default feature gates drops it${consequence}${where}`;
}
