import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { testWith } from './support/tools';

const script = path.resolve(__dirname, '..', 'lib', 'harbor', 'scripts', 'redis-start.sh');

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-start-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Runs redis-start.sh with /bin/sh and a PATH that holds nothing but a stub redis-server (so any
 * other command the script needed, such as sed, would be missing), and reports what it was started with.
 */
function run(password: string | undefined, server = 'redis-server') {
  const bin = path.join(dir, 'bin');
  const auth = path.join(dir, 'auth');
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(auth, { recursive: true });
  fs.writeFileSync(path.join(bin, server),
    '#!/bin/sh\nprintf "%s:%s\\n" "${0##*/}" "$*"\nprintf "env:%s\\n" "${REDIS_PASSWORD-unset}"\n/bin/cat "$3"\n/usr/bin/stat -c "mode:%a" "$3"\n', { mode: 0o755 });
  const env: NodeJS.ProcessEnv = { PATH: bin, REDIS_AUTH_DIR: auth };
  if (password !== undefined) env.REDIS_PASSWORD = password;
  const r = spawnSync('/bin/sh', [script], { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.replace(new RegExp(auth, 'g'), '<auth>'), stderr: r.stderr };
}

describe('redis-start.sh (Harbor\'s bundled Redis)', () => {
  test('puts the password in a private include file, not on the command line or in the environment, with shell builtins only', () => {
    const r = run('p"a\\ss w0rd');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe([
      'redis-server:/etc/redis.conf --include <auth>/auth.conf',
      'env:unset',
      'requirepass "p\\"a\\\\ss w0rd"',
      'mode:600',
      '',
    ].join('\n'));
  });

  test('starts valkey-server where the image has it (goharbor/valkey-photon, Harbor v2.15.2 and later)', () => {
    const r = run('pw', 'valkey-server');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('valkey-server:/etc/redis.conf --include <auth>/auth.conf\n');
  });

  test('refuses to start without a password, or with a line break in it', () => {
    const r = run(undefined);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('REDIS_PASSWORD is empty');
    const nl = run('two\nlines');
    expect(nl.status).toBe(1);
    expect(nl.stderr).toContain('contains a line break');
    expect(nl.stderr).not.toContain('two');
  });

  testWith('redis-server', 'redis-cli')('a real redis-server started by the script requires exactly that password', async () => {
    const port = await new Promise<number>(resolve => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const auth = path.join(dir, 'auth');
    fs.mkdirSync(auth);
    const conf = path.join(dir, 'redis.conf');
    fs.writeFileSync(conf, `bind 127.0.0.1\nport ${port}\ndir ${dir}\nsave ""\nappendonly no\n`);
    const password = 'q"uo\\te d$x`y';
    const server = spawn('/bin/sh', [script], {
      env: { PATH: process.env.PATH, REDIS_PASSWORD: password, REDIS_AUTH_DIR: auth, REDIS_CONFIG: conf },
      stdio: 'ignore',
    });
    const cli = (pw: string | undefined, ...args: string[]) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
      env: { PATH: process.env.PATH, ...(pw !== undefined ? { REDISCLI_AUTH: pw } : {}) }, encoding: 'utf8',
    });
    try {
      const deadline = Date.now() + 10_000;
      while (cli(password, 'PING').stdout.trim() !== 'PONG') {
        if (Date.now() > deadline) throw new Error('redis-server did not answer PING with the password');
        await new Promise(r => setTimeout(r, 100));
      }
      expect(cli(undefined, 'PING').stdout).toContain('NOAUTH');
      expect(cli('wrong', 'PING').stdout + cli('wrong', 'PING').stderr).toMatch(/WRONGPASS|invalid/i);
      // The password is not in the server's command line.
      expect(fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf8')).not.toContain('uo');
    } finally {
      server.kill('SIGTERM');
    }
  });
});
