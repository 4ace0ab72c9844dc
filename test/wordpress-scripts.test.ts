import { execFile, execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { Testing } from 'cdk8s';
import { WordPressStack } from '../lib/wordpress';
import { wordpressScripts } from '../lib/wordpress/scripts';

const SCRIPTS = path.join(__dirname, '..', 'lib', 'wordpress', 'scripts');
const script = (name: string) => path.join(SCRIPTS, name);
const run = promisify(execFile);

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wordpress-scripts-')); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the scripts ConfigMap holds exactly the files of lib/wordpress/scripts', () => {
  const files = fs.readdirSync(SCRIPTS).filter(f => f.endsWith('.sh')).sort();
  expect(files).toEqual(['copy-wordpress.sh', 'install.sh', 'volume-permissions.sh', 'wait-for-tcp.sh']);
  const cm = new WordPressStack(Testing.app(), 'wordpress').toJson().find(o => o.kind === 'ConfigMap' && o.metadata.name === 'wordpress-scripts');
  expect(cm.data).toEqual(Object.fromEntries(files.map(f => [f, fs.readFileSync(script(f), 'utf8')])));
  expect(wordpressScripts()).toEqual(cm.data);
});

test('bash parses every script; shellcheck is clean where installed', () => {
  for (const f of Object.keys(wordpressScripts())) execFileSync('bash', ['-n', script(f)]);
  if (hasCommand('shellcheck')) execFileSync('shellcheck', Object.keys(wordpressScripts()).map(script));
});

describe('wait-for-tcp.sh', () => {
  test('returns as soon as the endpoint accepts connections', async () => {
    const server = net.createServer(socket => socket.end());
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const { stdout } = await run('bash', [script('wait-for-tcp.sh')], {
        env: { ...process.env, WAIT_HOST: '127.0.0.1', WAIT_PORT: String(port), WAIT_FOR: 'database' },
      });
      expect(stdout).toMatch(new RegExp(`wait-for-tcp: database 127.0.0.1:${port} accepts connections \\(attempt 1, \\d+s\\)`));
    } finally {
      server.close();
    }
  });

  test('retries, then gives up with a clear message after the bound', async () => {
    const closed = net.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise(resolve => closed.close(resolve));
    const result = await run('bash', [script('wait-for-tcp.sh')], {
      env: { ...process.env, WAIT_HOST: '127.0.0.1', WAIT_PORT: String(port), WAIT_FOR: 'database', WAIT_TIMEOUT_SECONDS: '1', WAIT_INTERVAL_SECONDS: '1' },
    }).then(() => undefined, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(result?.code).toBe(1);
    expect(result!.stdout).toContain(`database 127.0.0.1:${port} not reachable yet (attempt 1, 0s of 1s); retrying in 1s`);
    expect(result!.stderr).toContain(`giving up: database 127.0.0.1:${port} did not accept a connection within 1s (2 attempts)`);
  });
});

describe('install.sh', () => {
  /** A fake `wp` that records its arguments and standard input. */
  function fakeWp(installed: boolean): string {
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'wp'), [
      '#!/bin/bash',
      `printf '%s\\n' "$*" >> "${tmp}/args"`,
      `if [ "$2 $3" = "core is-installed" ]; then exit ${installed ? 0 : 1}; fi`,
      `cat > "${tmp}/stdin"`,
    ].join('\n'), { mode: 0o755 });
    return bin;
  }
  const installEnv = (bin: string, password = 'pa$$ "word" `x`') => ({
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    WORDPRESS_PATH: '/wordpress', SITE_URL: 'https://wordpress.mystical.org', SITE_TITLE: "Mystical's blog",
    ADMIN_USER: 'admin', ADMIN_EMAIL: 'ops@mystical.org', WORDPRESS_ADMIN_PASSWORD: password,
  });

  test('installs with the password on standard input, never in the arguments', () => {
    const bin = fakeWp(false);
    const out = execFileSync('bash', [script('install.sh')], { env: installEnv(bin) }).toString();
    expect(out).toContain('installing WordPress at https://wordpress.mystical.org (admin user admin)');
    const args = fs.readFileSync(path.join(tmp, 'args'), 'utf8').trim().split('\n');
    expect(args).toEqual([
      '--path=/wordpress core is-installed',
      "--path=/wordpress core install --url=https://wordpress.mystical.org --title=Mystical's blog --admin_user=admin"
        + ' --admin_email=ops@mystical.org --skip-email --prompt=admin_password',
    ]);
    expect(fs.readFileSync(path.join(tmp, 'stdin'), 'utf8')).toBe('pa$$ "word" `x`\n');
    expect(out).not.toContain('pa$$');
  });

  test('does nothing when WordPress is installed already (idempotent)', () => {
    const bin = fakeWp(true);
    const out = execFileSync('bash', [script('install.sh')], { env: installEnv(bin) }).toString();
    expect(out).toContain('already installed; nothing to do');
    expect(fs.readFileSync(path.join(tmp, 'args'), 'utf8').trim()).toBe('--path=/wordpress core is-installed');
  });

  test('refuses an empty password', () => {
    const bin = fakeWp(false);
    const r = spawnSync('bash', [script('install.sh')], { env: installEnv(bin, '') });
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('the admin password is empty');
    expect(fs.existsSync(path.join(tmp, 'args'))).toBe(false);
  });
});

test('copy-wordpress.sh copies the core and makes wp-config.php from wp-config-docker.php', () => {
  const src = path.join(tmp, 'src');
  fs.mkdirSync(path.join(src, 'wp-includes'), { recursive: true });
  fs.writeFileSync(path.join(src, 'wp-config-docker.php'), "<?php getenv_docker('WORDPRESS_DB_HOST', 'mysql');\n");
  fs.writeFileSync(path.join(src, 'wp-includes', 'version.php'), "<?php\n$wp_version = '6.8.3';\n");
  fs.writeFileSync(path.join(src, '.htaccess'), '# BEGIN WordPress\n');
  const dest = path.join(tmp, 'dest');
  fs.mkdirSync(dest);
  const out = execFileSync('bash', [script('copy-wordpress.sh')], { env: { ...process.env, WORDPRESS_PATH: dest, WORDPRESS_SOURCE: src } }).toString();
  expect(out).toContain(`WordPress 6.8.3 copied to ${dest}`);
  expect(fs.readFileSync(path.join(dest, 'wp-config.php'), 'utf8')).toContain('getenv_docker');
  expect(fs.existsSync(path.join(dest, '.htaccess'))).toBe(true);

  const r = spawnSync('bash', [script('copy-wordpress.sh')], { env: { ...process.env, WORDPRESS_PATH: dest, WORDPRESS_SOURCE: path.join(tmp, 'none') } });
  expect(r.status).toBe(1);
  expect(r.stderr.toString()).toContain('must be the official wordpress image');
});

describe('volume-permissions.sh', () => {
  const uid = process.getuid!();
  const gid = process.getgid!();

  test('does nothing when the owner is right', () => {
    const out = execFileSync('bash', [script('volume-permissions.sh')], {
      env: { ...process.env, VOLUME_DIR: tmp, OWNER_UID: String(uid), OWNER_GID: String(gid) },
    }).toString();
    expect(out).toContain(`already owned by ${uid}:${gid}; nothing to do`);
  });

  (uid === 0 ? test : test.skip)('hands the volume to the owner, recursively (as root)', () => {
    fs.mkdirSync(path.join(tmp, 'uploads'));
    fs.writeFileSync(path.join(tmp, 'uploads', 'a.jpg'), '');
    const out = execFileSync('bash', [script('volume-permissions.sh')], {
      env: { ...process.env, VOLUME_DIR: tmp, OWNER_UID: '33', OWNER_GID: '33' },
    }).toString();
    expect(out).toContain('changing it to 33:33');
    expect(fs.statSync(path.join(tmp, 'uploads', 'a.jpg')).uid).toBe(33);
    expect(fs.statSync(tmp).mode & 0o070).toBe(0o070);
  });
});
