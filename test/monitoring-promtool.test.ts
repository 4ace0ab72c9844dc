/**
 * Every alert of the default app, proven with Prometheus' own promtool: `promtool check rules` on
 * every synthesized rule group, and `promtool test rules` with the synthetic series of
 * test/fixtures/monitoring/ (each alert fires when it must, stays silent when it must not, with
 * its labels and annotations), run on the rule files written from the synthesized PrometheusRules.
 */
import { spawnSync } from 'child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { buildApp } from '../main';
import { appObjects, Manifest, ofKind } from './support/manifests';
import { testWith } from './support/tools';

const FIXTURES = join(__dirname, 'fixtures', 'monitoring');
const promtoolTest = testWith('promtool');

/** The default app's PrometheusRules, by name. */
function defaultRules(): Map<string, Manifest> {
  return new Map(ofKind(appObjects(buildApp(Testing.app())), 'PrometheusRule').map((r) => [r.metadata.name, r]));
}

/** Writes each rule's spec as `<name>.yaml` and copies the fixtures into a fresh directory. */
function workDir(rules: Map<string, Manifest>): string {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  for (const [name, rule] of rules) writeFileSync(join(dir, `${name}.yaml`), stringify(rule.spec));
  for (const f of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, f), join(dir, f));
  return dir;
}

function promtool(dir: string, ...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const rules = defaultRules();
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.test.yaml')).sort();
let dir: string;
beforeAll(() => { dir = workDir(rules); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the default app has a PrometheusRule per monitored release, and a fixture for each', () => {
  expect([...rules.keys()].sort()).toEqual(['harbor-alerts', 'mysql-alerts', 'wordpress-alerts']);
  expect(fixtures).toEqual([...rules.keys()].sort().map((n) => `${n}.test.yaml`));
});

test('the fixtures make every alert fire in one case and stay silent in another', () => {
  const fired = new Set<string>();
  const silent = new Set<string>();
  for (const f of fixtures) {
    for (const t of parse(readFileSync(join(FIXTURES, f), 'utf8')).tests) {
      for (const c of t.alert_rule_test) (c.exp_alerts.length > 0 ? fired : silent).add(c.alertname);
    }
  }
  const alerts = [...rules.values()].flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules.map((x: Manifest) => x.alert))).sort();
  expect(alerts).toHaveLength(15);
  expect([...fired].sort()).toEqual(alerts);
  expect([...silent].sort()).toEqual(alerts);
});

promtoolTest('promtool check rules accepts every synthesized rule group', () => {
  for (const name of rules.keys()) {
    const run = promtool(dir, 'check', 'rules', `${name}.yaml`);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  }
});

promtoolTest.each(fixtures)('promtool test rules %s', (fixture) => {
  const run = promtool(dir, 'test', 'rules', fixture);
  if (run.status !== 0) throw new Error(run.output);
  expect(run.output).toContain('SUCCESS');
});

promtoolTest('the same fixtures fail against rules with other thresholds (the tests can fail)', () => {
  const mysql = structuredClone(rules.get('mysql-alerts')!);
  for (const r of mysql.spec.groups[0].rules) {
    if (r.alert === 'MySQLReplicationLag') r.expr = r.expr.replace(/> 300$/, '> 500');
  }
  const other = workDir(new Map([...rules, ['mysql-alerts', mysql]]));
  try {
    const run = promtool(other, 'test', 'rules', 'mysql-alerts.test.yaml');
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('MySQLReplicationLag');
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});
