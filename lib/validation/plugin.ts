import { readManifests } from './manifests';
import { describeObject } from './objects';
import { validateManifests } from './validate';
import { KubernetesVersion, kubernetesVersion } from './versions';

/**
 * What {@link StrictKubernetesValidation.validate} uses of cdk8s-cli's `ValidationContext`
 * (`cdk8s-cli/lib/plugins/validation`), declared here so the plugin does not depend on cdk8s-cli.
 */
export interface ValidationPluginContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: readonly string[];
  /** The report cdk8s-cli prints; `synth` exits 2 unless every report is submitted as `success`. */
  readonly report: {
    addViolation(violation: {
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingResources: ReadonlyArray<{ readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }>;
    }): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  /** Logger to use instead of `console`. */
  readonly logger: { log(message: string): void };
}

/** How to fix a problem, by rule family (the part of the rule id before `/`). */
const FIXES: Record<string, string> = {
  yaml: 'Make the manifest valid YAML with one Kubernetes object per document.',
  schema: 'Use only fields, types and kinds of the Kubernetes API of the version validated against.',
  metadata: 'Use valid, unique names and valid label keys and values.',
  pod: 'Fix the pod template: unique names, mounts of existing volumes, IANA port names, secrets through valueFrom.secretKeyRef.',
  workload: 'Make spec.selector select the labels of spec.template.metadata.labels.',
  statefulset: 'Point spec.serviceName at a headless Service (clusterIP: None) of the same namespace that selects the StatefulSet pods.',
  service: 'Make the selector match the pod template labels of a workload in the same namespace.',
  pdb: 'Make the selector match the pod template labels of a workload in the same namespace.',
  deployment: 'Use strategy Recreate with 1 replica, a ReadWriteMany claim, or a StatefulSet with volumeClaimTemplates.',
  namespace: 'Put objects that refer to each other in the same namespace, and give Namespaces valid Pod Security labels.',
  claim: 'Give each claim access modes, a storage request above zero and a valid storage class name.',
  ingress: 'Use DNS host names, absolute paths with a pathType, and backends with one service port.',
  netpol: 'Use port numbers 1-65535 or IANA port names, valid CIDRs and peers with one kind.',
  configmap: 'Use keys of alphanumerics, "-", "_" and ".", and keep the data under 1 MiB.',
  secret: 'Use keys of alphanumerics, "-", "_" and ".", and keep the data under 1 MiB.',
  job: 'Fix the Job spec: non-negative counts, restartPolicy OnFailure or Never, no selector unless manualSelector.',
  cronjob: 'Fix the CronJob spec: a schedule, a name of at most 52 characters.',
};

/**
 * cdk8s-cli validation plugin: `cdk8s synth` fails (exit 2) when the synthesized manifests break
 * the strict Kubernetes validation of this package (1.28 unless the entry has `properties: { kubernetesVersion }`). Declare it in `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: ./build/lib/validation/plugin.js
 *     version: 0.1.0
 *     class: StrictKubernetesValidation
 * ```
 */
export class StrictKubernetesValidation {
  private readonly version: KubernetesVersion;

  /** `properties` of the cdk8s.yaml entry: `kubernetesVersion` (default '1.28'). */
  constructor(properties: { readonly kubernetesVersion?: KubernetesVersion } = {}) {
    this.version = kubernetesVersion(properties.kubernetesVersion);
  }

  /** Validates `context.manifests` as one output, adds one violation per problem and submits the report. */
  public async validate(context: ValidationPluginContext): Promise<void> {
    const manifests = readManifests(context.manifests);
    const names = new Map(manifests.objects.map(obj => [describeObject(obj), String(obj.metadata?.name ?? '')]));
    const problems = validateManifests(manifests, { kubernetesVersion: this.version }).filter(p => p.severity === 'error');
    for (const problem of problems) {
      context.report.addViolation({
        ruleName: problem.rule,
        recommendation: `${problem.object}: ${problem.message}`,
        fix: FIXES[problem.rule.split('/')[0]],
        violatingResources: [{
          resourceName: names.get(problem.object) ?? problem.object,
          locations: [problem.path || '/'],
          manifestPath: problem.file ?? '',
        }],
      });
    }
    context.logger.log(`${manifests.objects.length} objects in ${context.manifests.length} manifests: ${problems.length} problem(s) (Kubernetes ${this.version}, strict)`);
    context.report.submit(problems.length > 0 ? 'failure' : 'success', {
      kubernetes: this.version,
      objects: String(manifests.objects.length),
      problems: String(problems.length),
    });
  }
}
