#!/usr/bin/env node
import { PLAN_USAGE, runPlan } from './release/plan-cli';
import { main as validate, VALIDATE_USAGE } from './validation/cli';
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS } from './validation/versions';

/** The help text of the `cdk8s-stateful` command. */
export const HELP = `cdk8s-stateful: the strict validator and the release plan of the cdk8s-stateful library

${VALIDATE_USAGE}
  Validates the manifest files (a directory stands for its *.yaml and *.yml files) together, as one
  output, strictly: against the Kubernetes schema (${KUBERNETES_VERSIONS.join(', ')}; default ${DEFAULT_KUBERNETES_VERSION}) and the rules
  its API server applies, with the cluster's Service IP ranges when given. Prints one line per problem.
  Exit 0: valid (warnings alone are printed and pass); 1: errors; 2: bad usage, a missing path or no manifest.

${PLAN_USAGE}
  Synthesizes the app into a temporary directory (never into dist/) by running the app command of
  ./cdk8s.yaml (or --app) with CDK8S_OUTDIR set, or takes the output in --to, and prints per release what
  applying it would add, change and remove against --against (default dist), with risk flags.
  Exit 0: the plan; 1: the API server would refuse a change; 2: bad usage, an unreadable output or a failed synth.

cdk8s-stateful help | --help | -h
  This text. Exit 0.`;

/** Runs `cdk8s-stateful <command> ...args`; returns the exit code. */
export function cli(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): number {
  const [command, ...args] = argv;
  switch (command) {
    case 'validate':
      return validate(args, out, err);
    case 'plan':
      return runPlan(args, undefined, { out, err });
    case 'help':
    case '--help':
    case '-h':
      out(HELP);
      return 0;
    default:
      err(`cdk8s-stateful: ${command === undefined ? 'no command' : `unknown command ${JSON.stringify(command)}`}\n\n${HELP}`);
      return 2;
  }
}

if (require.main === module) {
  process.exitCode = cli(process.argv.slice(2));
}
