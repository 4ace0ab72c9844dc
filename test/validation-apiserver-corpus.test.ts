import { Judged, NOT_SERVER_RULES, judge, readCorpus } from './support/corpus';

/**
 * The validator, for Kubernetes 1.31, against the verdicts a real Kubernetes 1.31.14 API server
 * gave 4,198 objects (test/fixtures/apiserver-verdicts/README.md): each object is validated alone,
 * and any disagreement on schema or API-server grounds fails. Rules that judge an object against
 * the rest of an output, and the library's policy rules, are left out of both counts:
 */
const LEFT_OUT = [
  'statefulset/service-name', 'statefulset/headless-service', 'statefulset/service-selector',
  'service/selects-nothing', 'pdb/selects-nothing', 'metadata/duplicate', 'namespace/reference',
  'pod/literal-secret', 'deployment/rwo-claim',
];

describe('the validator agrees with a real Kubernetes 1.31 API server', () => {
  let judged: Judged[];
  beforeAll(() => {
    judged = judge(readCorpus());
  });

  const describeOne = ({ record, errors }: Judged) =>
    `${record.id} ${record.kind} ${record.family}: ${record.mutation}${errors.length ? ` -> ${errors.map(e => `${e.path} [${e.rule}] ${e.message}`).join('; ')}` : ` (server: ${record.messages.join(' | ').slice(0, 200)})`}`;

  test('the left-out rules are exactly the cross-object and policy rules', () => {
    expect([...NOT_SERVER_RULES].sort()).toEqual([...LEFT_OUT].sort());
  });

  test('the corpus is the whole one: 4198 records, 1430 accepted', () => {
    expect(judged).toHaveLength(4198);
    expect(judged.filter(j => j.record.verdict === 'accept')).toHaveLength(1430);
  });

  test('no false reject: every object the server accepts passes', () => {
    expect(judged.filter(j => j.outcome === 'false-reject').map(describeOne)).toEqual([]);
  });

  test('no false accept: every object the server rejects fails', () => {
    expect(judged.filter(j => j.outcome === 'false-accept').map(describeOne)).toEqual([]);
  });

  test('without the cluster\'s Service range, only the three objects judged by that range pass', () => {
    const unknownNetwork = judge(judged.filter(j => j.record.kind === 'Service').map(j => j.record), { serviceClusterIPRange: undefined });
    expect(unknownNetwork.filter(j => j.outcome === 'false-accept').map(j => j.record.mutation)).toEqual([
      'Service clusterIP outside the service range', 'Service clusterIP outside the service range', 'Service ipFamilyPolicy RequireDualStack (single-stack cluster)',
    ]);
  });
});
