import { KUBERNETES_VERSION } from './definitions';
import { manifestFiles, readManifests } from './manifests';
import { formatProblems } from './problem';
import { validateManifests } from './validate';

/**
 * `node build/lib/validation/cli.js <file|dir>...`: validates the manifests (a directory stands
 * for its `*.yaml` / `*.yml` files) together as one output. Prints one line per problem and
 * returns 1 if there are any; else prints a one-line summary and returns 0. Returns 2 on usage
 * errors, missing paths or when no manifest is found.
 */
export function main(args: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): number {
  if (args.length === 0) {
    err('usage: validate <manifest file or directory>...');
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
  const problems = validateManifests(manifests);
  if (problems.length > 0) {
    out(formatProblems(problems));
    err(`${label}: ${problems.length} problem(s) in ${manifests.objects.length} objects in ${files.length} files (Kubernetes ${KUBERNETES_VERSION}, strict)`);
    return 1;
  }
  out(`${label}: ${manifests.objects.length} objects in ${files.length} files valid (Kubernetes ${KUBERNETES_VERSION}, strict)`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
