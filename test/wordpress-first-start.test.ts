import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { WordPressStack } from '../lib/wordpress';
import { find, Manifest } from './support/manifests';

// The first start of a WordPress pod, with GNU tar and the image's own copy step (reproduced in
// test/fixtures/wordpress/image-entrypoint-copy.sh), as uid 33, on directories prepared the way
// the kubelet prepares the pod's volumes. Needs root (to make the directories and drop to uid 33).

const ENTRYPOINT = path.join(__dirname, 'fixtures', 'wordpress', 'image-entrypoint-copy.sh');
const COPY = path.join(__dirname, '..', 'lib', 'wordpress', 'scripts', 'copy-wordpress.sh');
const asRoot = process.getuid?.() === 0 ? test : test.skip;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wordpress-first-start-'));
  fs.chmodSync(tmp, 0o755);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A file tree, made and owned like /usr/src/wordpress in the image (www-data, 33:33). */
function imageCore(version: string): string {
  const src = path.join(tmp, 'src');
  const files: Record<string, string> = {
    'index.php': '<?php require __DIR__ . "/wp-blog-header.php";\n',
    '.htaccess': '# BEGIN WordPress\n',
    'wp-config-docker.php': "<?php $table_prefix = getenv_docker('WORDPRESS_TABLE_PREFIX', 'wp_');\n",
    'wp-includes/version.php': `<?php\n$wp_version = '${version}';\n`,
    'wp-admin/index.php': '<?php\n',
    'wp-content/index.php': '<?php\n',
    'wp-content/plugins/index.php': '<?php\n',
    'wp-content/plugins/akismet/akismet.php': `<?php // Version: image ${version}\n`,
    'wp-content/themes/twentytwentyfive/style.css': '/* Theme */\n',
  };
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    fs.writeFileSync(path.join(src, file), content);
  }
  spawnSync('chown', ['-R', '33:33', src]);
  return src;
}

/**
 * The document root as the kubelet hands it to a pod with `fsGroup: 33`: an emptyDir (made 0777,
 * then group 33 and setgid: drwxrwsrwx root:33) with the wp-content claim mounted inside it (a
 * fresh filesystem root 0755 root:root, then group 33, g+rwx and setgid: drwxrwsr-x root:33).
 */
function kubeletDocumentRoot(): string {
  const html = path.join(tmp, 'html');
  fs.mkdirSync(path.join(html, 'wp-content'), { recursive: true });
  fs.chownSync(html, 0, 33);
  fs.chmodSync(html, 0o2777);
  fs.chownSync(path.join(html, 'wp-content'), 0, 33);
  fs.chmodSync(path.join(html, 'wp-content'), 0o2775);
  return html;
}

/** Runs a script as the pod's user (uid 33, gid 33, supplementary group fsGroup 33). */
function asWwwData(script: string, cwd: string, env: Record<string, string>) {
  const r = spawnSync('setpriv', ['--reuid', '33', '--regid', '33', '--groups', '33', 'bash', script],
    { cwd, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const siteEnv = (src: string) => ({ WORDPRESS_SOURCE: src, WORDPRESS_DB_HOST: 'wordpress-mysql:3306' });

asRoot('without preparation, the image\'s copy fails as uid 33 on the kubelet\'s volume and the entrypoint stops', () => {
  const src = imageCore('7.1.0');
  const html = kubeletDocumentRoot();
  expect(fs.statSync(html).mode & 0o7777).toBe(0o2777);
  const r = asWwwData(ENTRYPOINT, html, siteEnv(src));
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/tar: \.: Cannot change mode to rwxrwxrwx: Operation not permitted/);
  expect(r.stdout).not.toContain('ready to exec');
  expect(fs.existsSync(path.join(html, 'wp-config.php'))).toBe(false);
});

asRoot('the pod\'s copy-wordpress init container prepares the document root, so the entrypoint starts Apache on the first try', () => {
  const objects = new WordPressStack(Testing.app(), 'wordpress').toJson();
  const spec = find(objects, 'Deployment', 'wordpress').spec.template.spec;
  expect(spec.securityContext).toMatchObject({ runAsUser: 33, runAsGroup: 33, fsGroup: 33 });
  const names = spec.initContainers.map((c: Manifest) => c.name);
  expect(names.indexOf('copy-wordpress')).toBeLessThan(names.indexOf('wait-for-database'));
  const init = spec.initContainers.find((c: Manifest) => c.name === 'copy-wordpress');
  const site = spec.containers.find((c: Manifest) => c.name === 'wordpress');
  expect(init.securityContext?.runAsUser ?? 33).toBe(33);
  expect(init.image).toBe(site.image);
  const mounts = (c: Manifest) => c.volumeMounts.filter((m: Manifest) => m.name !== 'scripts').map((m: Manifest) => [m.name, m.mountPath]);
  expect(mounts(init)).toEqual(mounts(site).filter(([name]: string[]) => name === 'html' || name === 'wp-content'));
  const target = init.env.find((e: Manifest) => e.name === 'WORDPRESS_PATH').value;
  expect(target).toBe('/var/www/html');

  const src = imageCore('7.1.0');
  const html = kubeletDocumentRoot();
  // A plugin updated through the dashboard, on the claim from an earlier pod: it must survive.
  fs.mkdirSync(path.join(html, 'wp-content', 'plugins', 'akismet'), { recursive: true });
  fs.writeFileSync(path.join(html, 'wp-content', 'plugins', 'akismet', 'akismet.php'), '<?php // Version: updated\n');
  spawnSync('chown', ['-R', '33:33', path.join(html, 'wp-content', 'plugins')]);

  const copy = asWwwData(COPY, html, { WORDPRESS_SOURCE: src, WORDPRESS_PATH: html });
  expect(copy).toMatchObject({ status: 0, stderr: '' });
  expect(copy.stdout).toContain(`WordPress 7.1.0 copied to ${html}`);
  expect(copy.stdout).toContain('wp-content/plugins/akismet exists; keeping it');

  const start = asWwwData(ENTRYPOINT, html, siteEnv(src));
  expect(start.stderr).toBe('');
  expect(start).toMatchObject({ status: 0, stdout: 'entrypoint: ready to exec apache2-foreground\n' });
  expect(fs.readFileSync(path.join(html, 'wp-config.php'), 'utf8')).toContain("getenv_docker('WORDPRESS_TABLE_PREFIX'");
  expect(fs.readFileSync(path.join(html, 'wp-content', 'plugins', 'akismet', 'akismet.php'), 'utf8')).toContain('updated');
  expect(fs.existsSync(path.join(html, 'wp-content', 'themes', 'twentytwentyfive', 'style.css'))).toBe(true);
  expect(fs.existsSync(path.join(html, '.htaccess'))).toBe(true);
  expect(fs.statSync(path.join(html, 'index.php')).uid).toBe(33);
  // The volume roots keep the kubelet's owner and mode.
  expect(fs.statSync(html)).toMatchObject({ uid: 0, gid: 33 });
  expect(fs.statSync(html).mode & 0o7777).toBe(0o2777);
  expect(fs.statSync(path.join(html, 'wp-content')).mode & 0o7777).toBe(0o2775);

  // A restarted container (same emptyDir) copies nothing again.
  const again = asWwwData(COPY, html, { WORDPRESS_SOURCE: src, WORDPRESS_PATH: html });
  expect(again).toMatchObject({ status: 0, stdout: `copy-wordpress: WordPress is in ${html} already; nothing to do\n` });
});
