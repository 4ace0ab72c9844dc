import { JUDGED_RELEASES, Judged, NOT_SERVER_RULES, judge, readVerdicts, stricterByDesign } from './support/corpus';

/**
 * The validator, for each supported release, against the verdicts that release's own API server
 * (test/apiservers/regenerate.sh) gave the 4,198 objects of test/fixtures/apiserver-verdicts: each
 * object is validated alone, and any disagreement on schema or API-server grounds fails. Rules that
 * judge an object against the rest of an output, and the library's policy rules, are left out of both counts:
 */
const LEFT_OUT = [
  'statefulset/service-name', 'statefulset/headless-service', 'statefulset/service-selector',
  'service/selects-nothing', 'pdb/selects-nothing', 'metadata/duplicate', 'namespace/reference',
  'pod/literal-secret', 'deployment/rwo-claim',
];

const describeOne = ({ record, errors }: Judged) =>
  `${record.id} ${record.kind} ${record.family}: ${record.mutation}${errors.length ? ` -> ${errors.map(e => `${e.path} [${e.rule}] ${e.message}`).join('; ')}` : ` (server: ${record.messages.join(' | ').slice(0, 200)})`}`;

/** docs/validation.md's rules stricter than the server by design, with their reasons there. */
const BY_DESIGN = stricterByDesign();
const excused = (j: Judged) => j.errors.every(e => BY_DESIGN.includes(e.rule));

test('the left-out rules are exactly the cross-object and policy rules', () => {
  expect([...NOT_SERVER_RULES].sort()).toEqual([...LEFT_OUT].sort());
});

describe.each(JUDGED_RELEASES)('the validator agrees with a real Kubernetes %s API server', release => {
  let judged: Judged[];
  beforeAll(() => {
    judged = judge(readVerdicts(release), release);
  });

  test('the corpus is the whole one: 4198 records, each with this release\'s verdict', () => {
    expect(judged).toHaveLength(4198);
    expect(judged.every(j => j.record.verdict === 'accept' || j.record.verdict === 'reject')).toBe(true);
  });

  test('no false reject: every object the server accepts passes, but for the rules stricter by design', () => {
    expect(judged.filter(j => j.outcome === 'false-reject' && !excused(j)).map(describeOne)).toEqual([]);
  });

  test('each rule docs/validation.md calls stricter by design excuses a false reject (the list cannot go stale)', () => {
    const used = new Set(judged.filter(j => j.outcome === 'false-reject').flatMap(j => j.errors.map(e => e.rule)));
    expect(BY_DESIGN.filter(rule => !used.has(rule))).toEqual([]);
  });

  test('no false accept: every object the server rejects fails', () => {
    expect(judged.filter(j => j.outcome === 'false-accept').map(describeOne)).toEqual([]);
  });

  test('every object the server accepts with a warning gets a warning, in the server\'s words', () => {
    const warned = judged.filter(j => j.record.verdict === 'accept' && j.record.warnings.length > 0);
    expect(warned.length).toBeGreaterThan(40);
    expect(warned.filter(j => j.warnings.length === 0).map(j => `${j.record.id} ${j.record.kind}: ${j.record.warnings.join(' | ')}`)).toEqual([]);
    // The server's words: the first words of ours (after a field name) start a clause of its message.
    const opening = (message: string) => message.replace(/^[a-z]+: /, '').split(' ').slice(0, 3).join(' ');
    const inServerWords = (j: Judged) => j.warnings.some(w => j.record.warnings.some(s => s.includes(`: ${opening(w.message)}`) || s.startsWith(opening(w.message))));
    expect(warned.filter(j => !inServerWords(j)).map(j => `${j.record.id}: ${j.warnings.map(w => w.message).join(' | ')}`)).toEqual([]);
  });

  test('without the cluster\'s Service range, only the three objects judged by that range pass', () => {
    const unknownNetwork = judge(judged.filter(j => j.record.kind === 'Service').map(j => j.record), release, { serviceClusterIPRange: undefined });
    expect(unknownNetwork.filter(j => j.outcome === 'false-accept').map(j => j.record.mutation)).toEqual([
      'Service clusterIP outside the service range', 'Service clusterIP outside the service range', 'Service ipFamilyPolicy RequireDualStack (single-stack cluster)',
    ]);
  });
});
