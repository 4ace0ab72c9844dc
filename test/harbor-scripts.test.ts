import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const script = path.resolve(__dirname, '..', 'lib', 'harbor', 'scripts', 'redis-start.sh');

/** Runs redis-start.sh with a stub redis-server that reports what it was started with. */
function run(password: string | undefined) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-start-'));
  const bin = path.join(dir, 'bin');
  const auth = path.join(dir, 'auth');
  fs.mkdirSync(bin);
  fs.mkdirSync(auth);
  fs.writeFileSync(path.join(bin, 'redis-server'),
    '#!/bin/sh\nprintf "argv:%s\\n" "$*"\nprintf "env:%s\\n" "${REDIS_PASSWORD-unset}"\ncat "$3"\nstat -c "mode:%a" "$3"\n', { mode: 0o755 });
  const env: NodeJS.ProcessEnv = { PATH: `${bin}:/usr/bin:/bin`, REDIS_AUTH_DIR: auth };
  if (password !== undefined) env.REDIS_PASSWORD = password;
  const r = spawnSync('sh', [script], { env, encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, stdout: r.stdout.replace(new RegExp(auth, 'g'), '<auth>'), stderr: r.stderr };
}

describe('redis-start.sh (Harbor\'s bundled Redis)', () => {
  test('puts the password in a private include file, not on the command line or in the environment', () => {
    const r = run('p"a\\ss w0rd');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe([
      'argv:/etc/redis.conf --include <auth>/auth.conf',
      'env:unset',
      'requirepass "p\\"a\\\\ss w0rd"',
      'mode:600',
      '',
    ].join('\n'));
  });

  test('refuses to start without a password', () => {
    const r = run(undefined);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('REDIS_PASSWORD is empty');
  });
});
