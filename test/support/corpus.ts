import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { KubernetesVersion, ValidationProblem, validateObjects } from '../../lib/validation';

/**
 * One record of `test/fixtures/apiserver-verdicts/corpus.jsonl.gz`: an object and a real API server's verdict on
 * it (1.31.14's in that file; {@link readVerdicts} puts another release's in its place).
 */
export interface VerdictRecord {
  readonly id: string;
  readonly base: string;
  readonly family: string;
  readonly mutation: string;
  readonly kind: string;
  readonly object: unknown;
  readonly verdict: 'accept' | 'reject';
  readonly messages: readonly string[];
  readonly warnings: readonly string[];
  readonly rejected_by: readonly string[];
}

/**
 * Rules left out of the comparison: they judge an object against the rest of the output (which a
 * single object does not have) or are the library's policy, not the server's.
 */
export const NOT_SERVER_RULES: readonly string[] = [
  'statefulset/service-name', 'statefulset/headless-service', 'statefulset/service-selector',
  'service/selects-nothing', 'pdb/selects-nothing', 'metadata/duplicate', 'namespace/reference',
  'pod/literal-secret', 'deployment/rwo-claim',
];

/**
 * The rules docs/validation.md lists under "Stricter than the server by design" (the first column of its table):
 * a false reject is excused when each of its errors has one of them.
 */
export function stricterByDesign(): string[] {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'validation.md'), 'utf8');
  const section = doc.split('### Stricter than the server by design')[1]?.split(/\n#{2,3} /)[0];
  if (section === undefined) throw new Error('docs/validation.md has no section "Stricter than the server by design"');
  return section.split('\n').filter(line => line.startsWith('| `')).map(line => line.split('|')[1].trim().replace(/`/g, ''));
}

/** A record and what the validator said of its object alone. */
export interface Judged {
  readonly record: VerdictRecord;
  /** Errors on schema or API-server grounds (not {@link NOT_SERVER_RULES}). */
  readonly errors: readonly ValidationProblem[];
  /** The validator's warnings. */
  readonly warnings: readonly ValidationProblem[];
  /** `false-accept`, `false-reject` or `agree`. */
  readonly outcome: 'false-accept' | 'false-reject' | 'agree';
}

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'apiserver-verdicts');

function readJsonl(file: string): any[] {
  return zlib.gunzipSync(fs.readFileSync(path.join(FIXTURES, file))).toString('utf8').split('\n').filter(line => line).map(line => JSON.parse(line));
}

/** Every record of the corpus, in file order, with the 1.31.14 server's verdicts. */
export function readCorpus(): VerdictRecord[] {
  return readJsonl('corpus.jsonl.gz');
}

/** The releases whose own API servers judged the corpus (`v<release>.jsonl.gz`, test/apiservers/regenerate.sh). */
export const JUDGED_RELEASES = ['1.35', '1.36', '1.37'] as const satisfies readonly KubernetesVersion[];

/** Every record of the corpus with the verdict of `release`'s API server in place of 1.31.14's. */
export function readVerdicts(release: KubernetesVersion): VerdictRecord[] {
  const verdicts = new Map(readJsonl(`v${release}.jsonl.gz`).map(v => [v.id, v]));
  return readCorpus().map(record => {
    const v = verdicts.get(record.id);
    if (!v) throw new Error(`v${release}.jsonl.gz has no verdict for ${record.id}`);
    return { ...record, verdict: v.verdict, messages: v.messages, warnings: v.warnings, rejected_by: v.rejected_by };
  });
}

/** The Service range of the cluster the verdicts were taken on (its README: 10.96.0.0/16, IPv4 only). */
export const CORPUS_SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';

/**
 * Validates each record's object alone for Kubernetes `release` (the server's) and the corpus
 * cluster's Service range, and compares with the verdict.
 */
export function judge(records: readonly VerdictRecord[], release: KubernetesVersion, cluster: { readonly serviceClusterIPRange?: string } = { serviceClusterIPRange: CORPUS_SERVICE_CLUSTER_IP_RANGE }): Judged[] {
  const excluded = new Set(NOT_SERVER_RULES);
  return records.map(record => {
    const problems = validateObjects([record.object], { kubernetesVersion: release, serviceClusterIPRange: cluster.serviceClusterIPRange });
    const errors = problems.filter(p => p.severity === 'error' && !excluded.has(p.rule));
    const warnings = problems.filter(p => p.severity === 'warning');
    const rejected = errors.length > 0;
    const outcome = rejected === (record.verdict === 'reject') ? 'agree' : rejected ? 'false-reject' : 'false-accept';
    return { record, errors, warnings, outcome };
  });
}
