import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { CredentialSource, MySQLReplication } from '../lib';
import { NEVER_PRUNED, pruneAllowlist, pruneCommand, readReleaseDir, Release, releaseSelector, selectorMatches, allowlistEntry, synthReleases } from '../lib/release';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const releases = readReleaseDir(dist);
const page = (release: string) => fs.readFileSync(path.join(dist, releases.find(r => r.name === release)!.file.replace('.k8s.yaml', '.md')), 'utf8');

/** Parses Mermaid diagrams with mermaid's own parser (a Node child process, jsdom for its DOM needs). */
function parseMermaid(diagrams: string[]): { diagramType?: string; error?: string }[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), cwd: root });
  return JSON.parse(out.toString());
}

function diagramOf(markdown: string): string {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!m) throw new Error('no mermaid block');
  return m[1];
}

describe('prune without Helm', () => {
  const all = releases.flatMap(r => r.documents.map(d => d.object));
  const allowlist = pruneAllowlist(all);

  test('the allow-list covers every kind a release makes, but Namespace', () => {
    const kinds = [...new Set(all.map(allowlistEntry))].sort();
    expect(kinds.filter(k => !allowlist.includes(k))).toEqual(NEVER_PRUNED);
    expect(allowlist).toEqual(expect.arrayContaining(['apps/v1/StatefulSet', 'core/v1/ConfigMap', 'core/v1/Service', 'policy/v1/PodDisruptionBudget']));
  });

  test('the docs give exactly that command, one flag per kind', () => {
    const command = pruneCommand('mysql', 'dist/0001-mysql.k8s.yaml', allowlist);
    expect(fs.readFileSync(path.join(root, 'docs', 'releases.md'), 'utf8')).toContain(command);
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(command);
    expect(page('mysql')).toContain(command);
  });

  test('the command has one --prune-allowlist flag per kind, each ONE <group>/<version>/<Kind> as kubectl parses it', () => {
    const command = pruneCommand('mysql', 'dist/0001-mysql.k8s.yaml', allowlist);
    // The words the shell passes kubectl: backslash-newline joins the lines.
    const words = command.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean);
    const flags = words.filter(w => w.startsWith('--prune-allowlist'));
    expect(flags).toEqual(allowlist.map(k => `--prune-allowlist=${k}`));
    for (const flag of flags) {
      // kubectl's prune.parseResources: strings.Split(gvk, "/") must give 3 parts; "core" is the core group; no list.
      const value = flag.slice('--prune-allowlist='.length);
      expect({ value, parts: value.split('/').length, comma: value.includes(',') }).toEqual({ value, parts: 3, comma: false });
    }
    expect(flags).toContain('--prune-allowlist=core/v1/ConfigMap');
    expect(words.slice(0, 8)).toEqual(['kubectl', 'apply', '-f', 'dist/0001-mysql.k8s.yaml', '--prune', '-l', 'cdk8s-stateful/release=mysql', '--prune-allowlist=apps/v1/Deployment']);
    expect(() => pruneCommand('mysql', 'x.yaml', ['apps/v1/Deployment,apps/v1/StatefulSet'])).toThrow(/not a <group>\/<version>\/<Kind>/);
  });

  test.each(releases.map(r => [r.name]))('the selector of %s selects exactly its objects', name => {
    const selector = releaseSelector(name);
    const selected = releases.flatMap(r => r.documents.filter(d => selectorMatches(selector, d.object.metadata?.labels)).map(d => `${r.name}: ${d.object.kind}/${d.object.metadata.name}`));
    const own = releases.find(r => r.name === name)!.documents.map(d => `${name}: ${d.object.kind}/${d.object.metadata.name}`);
    expect(selected).toEqual(own);
    expect(own.length).toBeGreaterThan(0);
  });

  test('no pod template or claim template carries the release label (prune never sees the pods and claims controllers make)', () => {
    const text = releases.map(r => r.documents.filter(d => d.object.spec?.template || d.object.spec?.volumeClaimTemplates).map(d => JSON.stringify([d.object.spec.template, d.object.spec.volumeClaimTemplates])).join()).join();
    expect(text).not.toContain('cdk8s-stateful/release');
  });

  test('the selector matcher follows the API server on =, == and !=', () => {
    expect(selectorMatches('a=1,b==2', { a: '1', b: '2' })).toBe(true);
    expect(selectorMatches('a=1', { a: '2' })).toBe(false);
    expect(selectorMatches('a!=1', {})).toBe(true);
    expect(selectorMatches('a=1', undefined)).toBe(false);
  });
});

describe('the review pages in dist/', () => {
  test('one per release, with its objects, images, claims, Services and the Secrets it reads', () => {
    expect(fs.readdirSync(dist).filter(f => f.endsWith('.md')).sort()).toEqual(releases.map(r => r.file.replace('.k8s.yaml', '.md')));
    const mysql = page('mysql');
    expect(mysql).toContain('| StatefulSet | `wordpress` | `mysql` |');
    expect(mysql).toContain('| StatefulSet wordpress/mysql | mariadb | `mariadb:11.8.8` |');
    expect(mysql).toContain('| StatefulSet wordpress/mysql | `data-mysql-<ordinal>` (template) | 10Gi | `sc-nfs` | ReadWriteOnce |');
    expect(mysql).toContain('| `mysql` | headless | mysql 3306/TCP | StatefulSet wordpress/mysql |');
    expect(mysql).toContain('| `mysql-credentials` | `root-password` | StatefulSet wordpress/mysql: container mariadb env MYSQL_ROOT_PASSWORD |');
    expect(page('harbor')).toContain('| `harbor-tls` | (all keys) | Ingress harbor/harbor-ingress: TLS |');
  });

  test('the wordpress release depends on the mysql release, through the database Service', () => {
    expect(page('wordpress')).toContain('- release `mysql`: Service wordpress/mysql-primary (mysql-primary.wordpress.svc)');
    expect(diagramOf(page('wordpress'))).toMatch(/n\d+\["release wordpress"\][\s\S]*n\d+ -->\|"depends on"\| n\d+/);
    expect(page('mysql')).toContain('No other release.');
  });

  test('the diagram shows Service -> pods -> claims, ConfigMaps and Secrets', () => {
    const d = diagramOf(page('mysql'));
    const id = (label: string) => new RegExp(`(n\\d+)[\\[({]+"${label}"`).exec(d)![1];
    const pods = id('StatefulSet mysql pods');
    expect(d).toContain(`${id('Service mysql \\(headless\\)')} --> ${pods}`);
    expect(d).toContain(`${pods} --> ${id('claim data-mysql-#lt;ordinal#gt; 10Gi')}`);
    expect(d).toContain(`${pods} --> ${id('ConfigMap mysql-scripts')}`);
    expect(d).toContain(`${pods} -->|"5 keys"| ${id('Secret mysql-credentials')}`);
  });

  test('every diagram parses with mermaid\'s own parser as a flowchart; a broken one does not', () => {
    const diagrams = releases.map(r => diagramOf(page(r.name)));
    const broken = diagrams[1].replace('"]', '"'); // an unclosed node
    const results = parseMermaid([...diagrams, broken, 'flowchart LR\n  a --> b\n  subgraph x\n  a\n']);
    expect(results.slice(0, diagrams.length)).toEqual(diagrams.map(() => ({ diagramType: 'flowchart-v2' })));
    expect(results[diagrams.length].error).toMatch(/Parse error/);
    expect(results[diagrams.length + 1].error).toMatch(/Parse error/);
  });
});

describe('who makes each Secret a release reads', () => {
  test('a generator Job, an ExternalSecret, or you: each row says which, and a Secret made by another release is a dependency', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-makers-'));
    const app = new App({ outdir });
    const storeRef = { kind: 'ClusterSecretStore' as const, name: 'vault' };
    new MySQLReplication(new Release(app, 'vaulted', { namespace: 'shop' }), 'db', {
      credentials: CredentialSource.external({ storeRef, remoteKeys: { 'root-password': 'db/root', 'replication-password': 'db/repl' } }),
    });
    new MySQLReplication(new Release(app, 'handmade', { namespace: 'shop' }), 'db2', { credentials: CredentialSource.existing() });
    synthReleases(app);
    const pageOf = (name: string) => fs.readFileSync(path.join(outdir, fs.readdirSync(outdir).find(f => f === `${name}.md` || f.endsWith(`-${name}.md`))!), 'utf8');
    expect(pageOf('vaulted')).toMatch(/\| `db-credentials` \| `root-password` \| StatefulSet shop\/db: [^|]+ \| ExternalSecret db-credentials \|/);
    expect(pageOf('handmade')).toMatch(/\| `db2-credentials` \| `root-password` \| StatefulSet shop\/db2: [^|]+ \| you \(no release makes it\) \|/);
    expect(page('wordpress')).toContain('| `mysql-credentials` | `password` | Deployment wordpress/wordpress: container wordpress env WORDPRESS_DB_PASSWORD | the Job of mysql-secret-generator (release mysql) |');
    expect(page('wordpress')).toContain('- release `mysql`: Secret wordpress/mysql-credentials, made by the Job of mysql-secret-generator');
  });
});
