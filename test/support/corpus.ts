import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { ValidationProblem, validateObjects } from '../../lib/validation';

/** One record of `test/fixtures/apiserver-verdicts/corpus.jsonl.gz`: an object and a real API server's verdict on it. */
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

/** A record and what the validator said of its object alone. */
export interface Judged {
  readonly record: VerdictRecord;
  /** Errors on schema or API-server grounds (not {@link NOT_SERVER_RULES}). */
  readonly errors: readonly ValidationProblem[];
  /** `false-accept`, `false-reject` or `agree`. */
  readonly outcome: 'false-accept' | 'false-reject' | 'agree';
}

const CORPUS = path.join(__dirname, '..', 'fixtures', 'apiserver-verdicts', 'corpus.jsonl.gz');

/** Every record of the corpus, in file order. */
export function readCorpus(): VerdictRecord[] {
  return zlib.gunzipSync(fs.readFileSync(CORPUS)).toString('utf8').split('\n').filter(line => line).map(line => JSON.parse(line));
}

/** The Service range of the cluster the verdicts were taken on (its README: 10.96.0.0/16, IPv4 only). */
export const CORPUS_SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';

/**
 * Validates each record's object alone for Kubernetes 1.31 (the server's release) and the corpus
 * cluster's Service range, and compares with the verdict.
 */
export function judge(records: readonly VerdictRecord[], cluster: { readonly serviceClusterIPRange?: string } = { serviceClusterIPRange: CORPUS_SERVICE_CLUSTER_IP_RANGE }): Judged[] {
  const excluded = new Set(NOT_SERVER_RULES);
  return records.map(record => {
    const errors = validateObjects([record.object], { kubernetesVersion: '1.31', serviceClusterIPRange: cluster.serviceClusterIPRange })
      .filter(p => p.severity === 'error' && !excluded.has(p.rule));
    const rejected = errors.length > 0;
    const outcome = rejected === (record.verdict === 'reject') ? 'agree' : rejected ? 'false-reject' : 'false-accept';
    return { record, errors, outcome };
  });
}
