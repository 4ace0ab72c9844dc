/**
 * Real programs the unit tests run where they are installed (test/setup/debian-tools.sh installs them
 * before `npm test`). Outside CI a test that needs a missing one is skipped or keeps a stand-in; in CI
 * (`CI=true`) a missing program fails the test instead of letting it pass quietly.
 */
import { spawnSync } from 'child_process';

/** True when the suite runs in CI, where no test may be skipped for a missing program. */
export const IN_CI = process.env.CI === 'true';

/** The path of `tool` on the PATH of the test process, or undefined (outside CI only: in CI a missing tool throws). */
export function findTool(tool: string): string | undefined {
  const found = spawnSync('bash', ['-c', 'command -v -- "$1"', 'which', tool], { encoding: 'utf8' }).stdout.trim();
  if (found.startsWith('/')) return found;
  if (IN_CI) throw new Error(`test prerequisite missing in CI: ${tool} is not installed (test/setup/debian-tools.sh installs it)`);
  return undefined;
}

/** `test` when every one of `tools` is installed, and always in CI (where a missing one fails the test); else `test.skip`. */
export function testWith(...tools: string[]): jest.It {
  return IN_CI || tools.every((t) => spawnSync('bash', ['-c', 'command -v -- "$1"', 'which', t]).status === 0) ? test : test.skip;
}
