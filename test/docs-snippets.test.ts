import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './support/release-output';

/**
 * Every `ts` code block of README.md and docs/*.md compiles and synthesizes as a user's app would:
 * under the tsconfig that `cdk8s init typescript-app` writes (test/fixtures/cdk8s-init/tsconfig.json:
 * strict, noUnusedLocals, noUnusedParameters, lib es2016, no skipLibCheck), importing the package by its
 * name `cdk8s-stateful` (the built package, linked into the app's node_modules beside cdk8s, constructs
 * and cdk8s-plus-28), then runs with node and must exit 0.
 *
 * A block may leave out what the page around it has said already, and only that: the imports of the
 * names it uses (from cdk8s-stateful, cdk8s, cdk8s-plus-28 and constructs), `const app = new App()`
 * and `const chart = new Chart(app, 'docs', { namespace: 'docs' })` when it uses `app` or `chart`
 * without declaring them, and a final `app.synth()` when it neither synthesizes nor calls `synthReleases`.
 * The test adds exactly those; whatever else a block uses must be in the block.
 */
const root = path.resolve(__dirname, '..');
const DOCS = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)];

/** Names a block may use without importing them, by module. */
const IMPLICIT: Record<string, readonly string[]> = {
  'cdk8s-stateful': Object.keys(require(path.join(root, 'build', 'lib', 'index.js'))),
  'cdk8s': ['ApiObject', 'App', 'Chart', 'JsonPatch', 'Testing'],
  'cdk8s-plus-28': ['k8s'],
  'constructs': ['Construct'],
};

interface Snippet {
  readonly doc: string;
  readonly line: number;
  readonly code: string;
}

function snippetsOf(doc: string): Snippet[] {
  const lines = fs.readFileSync(path.join(root, doc), 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    out.push({ doc, line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return out;
}

/** The code without comments and string contents, for finding the names it uses. */
function bare(code: string): string {
  return code.replace(/\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "''");
}

function uses(code: string, name: string): boolean {
  return new RegExp(`(?<![.\\w$])${name.replace(/\$/g, '\\$')}\\b(?!\\s*:)`).test(bare(code));
}

function declares(code: string, name: string): boolean {
  return new RegExp(`\\b(?:const|let|var|class|function)\\s+${name}\\b`).test(code)
    || new RegExp(`import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`).test(code);
}

/** The block as a program: the imports and declarations it leaves out, then the block, then the synth. */
function programOf(code: string): string {
  const needsChart = uses(code, 'chart') && !declares(code, 'chart');
  const needsApp = (uses(code, 'app') || needsChart) && !declares(code, 'app');
  const body = [
    ...needsApp ? ['const app = new App();'] : [],
    ...needsChart ? ["const chart = new Chart(app, 'docs', { namespace: 'docs' });"] : [],
    code,
    ...(/\.synth\(\)|synthReleases\(/.test(bare(code)) ? [] : ['app.synth();']),
  ].join('\n');
  const imports = Object.entries(IMPLICIT).map(([module, names]) => {
    const missing = names.filter(n => uses(body, n) && !declares(body, n)).sort();
    return missing.length ? `import { ${missing.join(', ')} } from '${module}';` : '';
  }).filter(l => l);
  return `${imports.join('\n')}\n${body}\n`;
}

function link(dir: string, name: string, target: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, 'node_modules', name)), { recursive: true });
  fs.symlinkSync(target, path.join(dir, 'node_modules', name), 'dir');
}

describe('the code in README.md and docs/', () => {
  const snippets = DOCS.flatMap(snippetsOf);
  const { dir, cleanup } = tempDir('docs-snippets-');
  const fileOf = (s: Snippet) => `${s.doc.replace(/[/.]/g, '-')}-${s.line}`;
  let compile = { code: 0 as number | null, out: '' };
  beforeAll(() => {
    fs.copyFileSync(path.join(__dirname, 'fixtures', 'cdk8s-init', 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    link(dir, 'cdk8s-stateful', root);
    for (const dep of ['cdk8s', 'cdk8s-plus-28', 'constructs', '@types/node']) link(dir, dep, path.join(root, 'node_modules', dep));
    for (const s of snippets) fs.writeFileSync(path.join(dir, `${fileOf(s)}.ts`), programOf(s.code));
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
    compile = { code: r.status, out: `${r.stdout}${r.stderr}` };
  }, 120_000);
  afterAll(cleanup);

  test('has blocks on the pages that show code', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(15);
    expect(new Set(snippets.map(s => s.doc))).toEqual(new Set(['README.md', 'docs/backups.md', 'docs/credentials.md', 'docs/harbor.md',
      'docs/releases.md', 'docs/validation.md', 'docs/wordpress.md', 'docs/workloads.md']));
  });

  test('every block compiles under the cdk8s init tsconfig', () => {
    expect(compile.out).toBe('');
    expect(compile.code).toBe(0);
  });

  test.each(snippets.map(s => [`${s.doc}:${s.line}`, s] as const))(
    '%s synthesizes', (_, s) => {
      const out = path.join(dir, 'out', fileOf(s));
      const r = spawnSync(process.execPath, [path.join(dir, `${fileOf(s)}.js`)], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out } });
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/Error/);
      expect(r.status).toBe(0);
      if (/\bnew (?!Error\b)[A-Z]/.test(s.code)) expect(fs.readdirSync(out).filter(f => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
    }, 60_000);
});

describe('what the test adds to a block', () => {
  test('the imports of the names it uses, the app and chart it leaves out, and the synth', () => {
    expect(programOf("new StatefulApp(chart, 'x', { probe: Probe.tcp('http') });")).toBe([
      "import { Probe, StatefulApp } from 'cdk8s-stateful';",
      "import { App, Chart } from 'cdk8s';",
      'const app = new App();',
      "const chart = new Chart(app, 'docs', { namespace: 'docs' });",
      "new StatefulApp(chart, 'x', { probe: Probe.tcp('http') });",
      'app.synth();',
      '',
    ].join('\n'));
  });

  test('nothing that the block has itself, and no name that is only a prop or a string', () => {
    const code = "import { App } from 'cdk8s';\nconst app = new App();\nconst x = { Release: 'StatefulApp' };\nsynthReleases(app);";
    expect(programOf(code)).toBe(`import { synthReleases } from 'cdk8s-stateful';\n${code}\n`);
  });
});
