import { manifestFiles, readManifests } from './manifests';
import { formatProblems } from './problem';
import { parseServiceClusterIPRange } from './service-network';
import { validateManifests } from './validate';
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, isKubernetesVersion } from './versions';
import type { KubernetesVersion } from './versions';

/** The usage line of `cdk8s-stateful validate`. */
export const VALIDATE_USAGE = `usage: cdk8s-stateful validate [--kube-version ${KUBERNETES_VERSIONS.join('|')}] [--service-cluster-ip-range <cidr>[,<cidr>]] <manifest file or directory>...`;

/**
 * `cdk8s-stateful validate [--kube-version 1.36] [--service-cluster-ip-range 10.96.0.0/16] <file|dir>...`:
 * validates the manifests (a directory stands for its `*.yaml` / `*.yml` files) together as one
 * output, against Kubernetes 1.37 (the newest release vendored) unless `--kube-version` says otherwise, and against the cluster's
 * Service network when `--service-cluster-ip-range` gives it (the kube-apiserver flag's value). Prints one line per problem and returns
 * 1 if there are errors (warnings alone return 0); else prints a one-line summary and returns 0.
 * Returns 2 on usage errors, missing paths or when no manifest is found.
 */
export function main(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): number {
  const args: string[] = [];
  let version: KubernetesVersion = DEFAULT_KUBERNETES_VERSION;
  let serviceClusterIPRange: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--service-cluster-ip-range' || arg.startsWith('--service-cluster-ip-range=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      try {
        parseServiceClusterIPRange(value ?? '');
      } catch (e) {
        err(`validate: ${(e as Error).message}`);
        return 2;
      }
      serviceClusterIPRange = value;
    } else if (arg === '--kube-version' || arg.startsWith('--kube-version=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!isKubernetesVersion(value)) {
        err(`validate: unsupported Kubernetes version ${JSON.stringify(value ?? '')}: use one of ${KUBERNETES_VERSIONS.join(', ')}`);
        return 2;
      }
      version = value;
    } else {
      args.push(arg);
    }
  }
  if (args.length === 0) {
    err(VALIDATE_USAGE);
    return 2;
  }
  let files: string[];
  try {
    files = manifestFiles(args);
  } catch (e) {
    err(`validate: ${(e as Error).message}`);
    return 2;
  }
  const label = args.join(' ');
  if (files.length === 0) {
    err(`${label}: no *.yaml manifests found`);
    return 2;
  }
  const manifests = readManifests(files);
  const problems = validateManifests(manifests, { kubernetesVersion: version, serviceClusterIPRange });
  const errors = problems.filter(p => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (problems.length > 0) {
    out(formatProblems(problems));
  }
  const counted = `${warnings > 0 ? `, ${warnings} warning(s)` : ''} (Kubernetes ${version}, strict)`;
  if (errors > 0) {
    err(`${label}: ${errors} problem(s) in ${manifests.objects.length} objects in ${files.length} files${counted}`);
    return 1;
  }
  out(`${label}: ${manifests.objects.length} objects in ${files.length} files valid${counted}`);
  return 0;
}
