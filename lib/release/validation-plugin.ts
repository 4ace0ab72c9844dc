import { MANIFEST_EXTENSION } from './manifests';
import { StrictKubernetesValidation, ValidationPluginContext } from '../validation/plugin';

/**
 * The cdk8s-cli validation plugin for an app that writes releases: {@link StrictKubernetesValidation}
 * over the plain manifests (`*.k8s.yaml`) only. cdk8s-cli hands a plugin every `*.yaml` below the
 * output directory, and the Helm charts there are no manifests to validate: `Chart.yaml` is chart
 * metadata, and the templates repeat the plain objects with their `{{`/`}}` escaped for Helm.
 */
export class ReleaseOutputValidation {
  /** Validates the plain manifests of `context.manifests` as one output. */
  public async validate(context: ValidationPluginContext): Promise<void> {
    await new StrictKubernetesValidation().validate({
      manifests: context.manifests.filter(f => f.endsWith(MANIFEST_EXTENSION)),
      report: context.report,
      logger: context.logger,
    });
  }
}
