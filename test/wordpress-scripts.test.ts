import { execFile, execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { Testing } from 'cdk8s';
import { WordPressStack } from '../lib/wordpress';
import { wordpressScripts } from '../lib/wordpress/scripts';
import { testWith } from './support/tools';

const SCRIPTS = path.join(__dirname, '..', 'lib', 'wordpress', 'scripts');
const script = (name: string) => path.join(SCRIPTS, name);
const run = promisify(execFile);

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wordpress-scripts-')); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the scripts ConfigMap holds exactly the files of lib/wordpress/scripts', () => {
  const files = fs.readdirSync(SCRIPTS).sort();
  expect(files).toEqual(['copy-wordpress.sh', 'install.sh', 'set-admin-password.php', 'volume-permissions.sh', 'wait-for-tcp.sh']);
  const cm = new WordPressStack(Testing.app(), 'wordpress').toJson().find((o: { kind: string; metadata: { name: string } }) => o.kind === 'ConfigMap' && o.metadata.name === 'wordpress-scripts');
  expect(cm.data).toEqual(Object.fromEntries(files.map(f => [f, fs.readFileSync(script(f), 'utf8')])));
  expect(wordpressScripts()).toEqual(cm.data);
});

test('bash parses every script', () => {
  for (const f of Object.keys(wordpressScripts()).filter(n => n.endsWith('.sh'))) execFileSync('bash', ['-n', script(f)]);
});

testWith('shellcheck')('shellcheck is clean on every script', () => {
  execFileSync('shellcheck', Object.keys(wordpressScripts()).filter(f => f.endsWith('.sh')).map(script));
});

testWith('php')('php -l parses set-admin-password.php', () => {
  expect(execFileSync('php', ['-l', script('set-admin-password.php')], { encoding: 'utf8' })).toContain('No syntax errors detected');
});

describe('wait-for-tcp.sh', () => {
  test('returns as soon as the endpoint accepts connections', async () => {
    const server = net.createServer(socket => socket.end());
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const { stdout } = await run('bash', [script('wait-for-tcp.sh')], {
        env: { ...process.env, WAIT_HOST: '127.0.0.1', WAIT_PORT: String(port), WAIT_FOR: 'database', WAIT_TIMEOUT_SECONDS: '60' },
      });
      expect(stdout).toMatch(new RegExp(`wait-for-tcp: database 127.0.0.1:${port} accepts connections \\(attempt 1, \\d+s\\)`));
    } finally {
      server.close();
    }
  });

  test('stops at once, naming the variable, without what the construct always passes', async () => {
    const env = { WAIT_HOST: '127.0.0.1', WAIT_PORT: '1', WAIT_FOR: 'database', WAIT_TIMEOUT_SECONDS: '60' };
    for (const missing of ['WAIT_FOR', 'WAIT_TIMEOUT_SECONDS']) {
      const result = await run('bash', [script('wait-for-tcp.sh')], { env: { ...process.env, ...env, [missing]: '' } })
        .then(() => undefined, (e: { code: number; stderr: string }) => e);
      expect(result?.code).toBe(1);
      expect(result!.stderr).toContain(`${missing}: ${missing} is required`);
    }
  });

  test('retries, then gives up with a clear message after the bound', async () => {
    const closed = net.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise(resolve => closed.close(resolve));
    const result = await run('bash', [script('wait-for-tcp.sh')], {
      env: { ...process.env, WAIT_HOST: '127.0.0.1', WAIT_PORT: String(port), WAIT_FOR: 'database', WAIT_TIMEOUT_SECONDS: '3', WAIT_INTERVAL_SECONDS: '1' },
    }).then(() => undefined, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(result?.code).toBe(1);
    // bash's SECONDS counts whole seconds, so the elapsed time of an attempt is known to a second only.
    expect(result!.stdout).toMatch(new RegExp(`database 127\\.0\\.0\\.1:${port} not reachable yet \\(attempt 1, [01]s of 3s\\); retrying in 1s`));
    expect(result!.stdout).toMatch(/\(attempt 2, [1-3]s of 3s\)/);
    expect(result!.stderr).toMatch(new RegExp(`giving up: database 127\\.0\\.0\\.1:${port} did not accept a connection within 3s \\([2-5] attempts\\)`));
  });
});

describe('install.sh', () => {
  const PASSWORD = 'pa$$ "word" `x`';
  /**
   * A stand-in `wp` that behaves like wp-cli in the cli image where it matters here: it records its
   * arguments, echoes whatever arrives on its standard input to standard output the way GNU
   * readline does when the input is not a terminal (so a password piped to `--prompt` would land in
   * the log), prints a generated admin password unless --quiet (as `wp core install` does without
   * --admin_password), and records the environment that `eval-file` sees.
   */
  function fakeWp(installed: boolean): string {
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'wp'), [
      '#!/bin/bash',
      `printf '%s\\n' "$*" >> "${tmp}/args"`,
      'if [ ! -t 0 ]; then input="$(cat)"; [ -z "$input" ] || printf \'1/1 [--admin_password=<admin_password>]: %s\\n\' "$input"; fi',
      `if [ "$2 $3" = "core is-installed" ]; then exit ${installed ? 0 : 1}; fi`,
      'case " $* " in *" --quiet "*) ;; *" core install "*) echo "Admin password: Rand0m-generated";; esac',
      `if [ "$2" = eval-file ]; then printf 'file:%s user:%s password:%s\\n' "$3" "$ADMIN_USER" "$WORDPRESS_ADMIN_PASSWORD" > "${tmp}/eval"; fi`,
    ].join('\n'), { mode: 0o755 });
    return bin;
  }
  const installEnv = (bin: string, password = PASSWORD) => ({
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    WORDPRESS_PATH: '/wordpress', SITE_URL: 'https://wordpress.mystical.org', SITE_TITLE: "Mystical's blog",
    ADMIN_USER: 'admin', ADMIN_EMAIL: 'ops@mystical.org', WORDPRESS_ADMIN_PASSWORD: password,
  });
  /** Runs install.sh with a standard input of its own, as the kubelet gives the container. */
  const install = (bin: string, password?: string) =>
    spawnSync('bash', [script('install.sh')], { env: installEnv(bin, password), input: '', encoding: 'utf8' });

  test('installs, then sets the password inside PHP: never on a prompt, stdin, argv or in the log', () => {
    const bin = fakeWp(false);
    const r = install(bin);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('installing WordPress at https://wordpress.mystical.org (admin user admin)');
    const args = fs.readFileSync(path.join(tmp, 'args'), 'utf8').trim().split('\n');
    expect(args).toEqual([
      '--path=/wordpress core is-installed',
      "--path=/wordpress --quiet core install --url=https://wordpress.mystical.org --title=Mystical's blog --admin_user=admin"
        + ' --admin_email=ops@mystical.org --skip-email',
      `--path=/wordpress eval-file ${script('set-admin-password.php')}`,
    ]);
    expect(fs.readFileSync(path.join(tmp, 'eval'), 'utf8')).toBe(`file:${script('set-admin-password.php')} user:admin password:${PASSWORD}\n`);
    for (const out of [r.stdout, r.stderr, args.join('\n')]) {
      expect(out).not.toContain('pa$$');
      expect(out).not.toContain('Rand0m-generated');
      expect(out).not.toContain('admin_password');
    }
  });

  test('the stand-in catches the old hand-over: a password piped to --prompt is echoed into the log', () => {
    const bin = fakeWp(false);
    const r = spawnSync('bash', ['-c', 'printf "%s\\n" "$WORDPRESS_ADMIN_PASSWORD" | wp core install --prompt=admin_password'],
      { env: installEnv(bin), encoding: 'utf8' });
    expect(r.stdout).toContain(PASSWORD);
  });

  test('when WordPress is installed already it only runs the (idempotent) password step', () => {
    const bin = fakeWp(true);
    const r = install(bin);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('is installed already');
    expect(fs.readFileSync(path.join(tmp, 'args'), 'utf8').trim().split('\n')).toEqual([
      '--path=/wordpress core is-installed',
      `--path=/wordpress eval-file ${script('set-admin-password.php')}`,
    ]);
  });

  test('refuses an empty password', () => {
    const bin = fakeWp(false);
    const r = install(bin, '');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the admin password is empty');
    expect(fs.existsSync(path.join(tmp, 'args'))).toBe(false);
  });
});

describe('set-admin-password.php, with PHP and stand-ins for the WordPress and wp-cli functions it calls', () => {
  const STUBS = [
    '<?php',
    'class WP_CLI { static function log($m) { echo "log: $m\\n"; } static function error($m) { fwrite(STDERR, "Error: $m\\n"); exit(1); } }',
    '$meta = json_decode(getenv("TEST_META"), true);',
    'function get_user_by($f, $v) { return $v === "admin" ? (object) ["ID" => 7] : false; }',
    'function get_user_meta($id, $k, $single) { global $meta; return $meta[$k] ?? ""; }',
    'function delete_user_meta($id, $k) { echo "deleted meta $k of $id\\n"; }',
    'function wp_set_password($p, $id) { file_put_contents(getenv("TEST_OUT"), "$id:$p"); }',
    'require $argv[1];',
    'echo "end\\n";',
  ].join('\n');
  const php = (meta: Record<string, unknown>, user = 'admin', password = 'pa$$ "word"') => {
    const harness = path.join(tmp, 'harness.php');
    fs.writeFileSync(harness, STUBS);
    const out = path.join(tmp, 'out');
    const r = spawnSync('php', [harness, script('set-admin-password.php')], {
      env: { PATH: process.env.PATH, TEST_META: JSON.stringify(meta), TEST_OUT: out, ADMIN_USER: user, WORDPRESS_ADMIN_PASSWORD: password },
      encoding: 'utf8',
    });
    return { ...r, set: fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : undefined };
  };
  const phpTest = testWith('php');

  phpTest('sets the password of a freshly installed admin (random password, nag on), and clears the nag', () => {
    const r = php({ default_password_nag: '1' });
    expect(r.stderr).toBe('');
    expect(r.set).toBe('7:pa$$ "word"');
    expect(r.stdout).toBe('deleted meta default_password_nag of 7\nlog: install: password of user admin set from the Secret\nend\n');
  });

  phpTest('leaves a password the admin has set since alone', () => {
    const r = php({});
    expect(r.set).toBeUndefined();
    expect(r.stdout).toBe('log: install: user admin has a password of its own already; leaving it\nend\n');
  });

  phpTest('fails clearly on an unknown user or an empty password, without printing the password', () => {
    const unknown = php({ default_password_nag: '1' }, 'nobody');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("Error: set-admin-password: there is no user 'nobody'\n");
    const empty = php({ default_password_nag: '1' }, 'admin', '');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('WORDPRESS_ADMIN_PASSWORD are required');
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
