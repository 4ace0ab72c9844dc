import * as path from 'path';
import { cli, HELP } from '../lib/cli';

const fixtures = path.join(__dirname, 'fixtures', 'validation');

function run(argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = cli(argv, l => out.push(l), l => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the cdk8s-stateful command', () => {
  test('help, --help and -h print the commands with their exit codes, exit 0', () => {
    for (const arg of ['help', '--help', '-h']) {
      const r = run([arg]);
      expect(r).toEqual({ code: 0, out: HELP, err: '' });
    }
    expect(HELP).toContain('usage: cdk8s-stateful validate [--kube-version 1.28|1.35|1.36|1.37]');
    expect(HELP).toContain('(1.28, 1.35, 1.36, 1.37; default 1.37)');
    expect(HELP).toContain('usage: cdk8s-stateful plan [--against <dir>] [--to <dir>] [--app <command>]');
    expect(HELP).toMatch(/Exit 0: valid .*; 1: errors; 2: /);
  });

  test('no command or an unknown one: the help on stderr, exit 2', () => {
    expect(run([])).toMatchObject({ code: 2, out: '', err: expect.stringContaining('cdk8s-stateful: no command') });
    expect(run(['synth'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "synth"') });
  });

  test('validate: valid files exit 0, invalid ones exit 1, no path exit 2', () => {
    expect(run(['validate', path.join(fixtures, 'valid')])).toMatchObject({ code: 0, out: expect.stringContaining('valid (Kubernetes 1.37, strict)') });
    expect(run(['validate', '--kube-version', '1.36', path.join(fixtures, 'invalid')]).code).toBe(1);
    expect(run(['validate'])).toMatchObject({ code: 2, err: expect.stringContaining('usage: cdk8s-stateful validate') });
  });

  test('plan: bad usage exit 2 with its usage', () => {
    expect(run(['plan', '--nope'])).toMatchObject({ code: 2, err: expect.stringContaining('usage: cdk8s-stateful plan') });
  });
});
