import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { createNamespaceObject, InvalidPropError } from '../lib';
import { escapeGoTemplate, RELEASE_LABEL, Release, releaseLabels, synthReleases, TEMPLATE_FILE } from '../lib/release';
import { buildApp } from '../main';
import { renderGoTemplate } from './support/go-template';
import { readTree, synthReleasesTo, tempDir } from './support/release-output';

/** Go text/template source that a ConfigMap carries literally (e.g. a config an app renders itself). */
const GO_TEMPLATE_CONFIG = [
  'listen: {{ .Values.port }}',
  '{{- if .Values.debug }}debug: true{{ end -}}',
  'braces: {{{ "x" }}} }}} {{{{',
  'raw: {{`raw`}} {{/* comment */}} "{{"quoted"}}"',
  'shell: ${err//$\'\\n\'/ }}',
].join('\n');

/** A release with a Namespace, a ConfigMap holding Go-template text and a StatefulSet. */
class TemplatedRelease extends Release {
  constructor(scope: App, id: string, props: ConstructorParameters<typeof Release>[2] = {}) {
    super(scope, id, { namespace: 'tpl', ...props });
    createNamespaceObject(this, 'tpl');
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: 'app-config' }, data: { 'app.tpl': GO_TEMPLATE_CONFIG, 'value': '}}' } });
    new k8s.KubeStatefulSet(this, 'sts', {
      metadata: { name: 'app' },
      spec: {
        serviceName: 'app',
        selector: { matchLabels: { app: 'app' } },
        template: {
          metadata: { labels: { app: 'app' } },
          spec: {
            initContainers: [{ name: 'init', image: 'busybox:1.36.1' }],
            containers: [{ name: 'app', image: 'registry.example.com:5000/team/app:3.2.1' }],
          },
        },
      },
    });
  }
}

function withoutNamespaces(yaml: string): string {
  return yaml.split(/^---\n/m).filter(d => parse(d)?.kind !== 'Namespace').join('---\n');
}

const goAvailable = spawnSync('go', ['version']).status === 0;

describe('Release', () => {
  test('labels every object of the chart with its name, and not the pod templates or selectors', () => {
    const app = new App();
    const r = new TemplatedRelease(app, 'tpl');
    const objects = r.toJson();
    expect(objects.map((o: any) => o.metadata.labels[RELEASE_LABEL])).toEqual(objects.map(() => 'tpl'));
    const sts = objects.find((o: any) => o.kind === 'StatefulSet');
    expect(sts.spec.template.metadata.labels).toEqual({ app: 'app' });
    expect(sts.spec.selector.matchLabels).toEqual({ app: 'app' });
  });

  test.each([
    ['My-App', 'DNS-1123 label'],
    ['-db', 'DNS-1123 label'],
    ['a'.repeat(54), 'at most 53 characters'],
  ])('rejects the release name %j', (name, rule) => {
    expect(() => new Release(new App(), name)).toThrow(InvalidPropError);
    expect(() => new Release(new App(), name)).toThrow(rule);
  });

  test.each(['1.0', 'v1.0.0', '01.2.3', '1.2.3-', '1.2.3+', 'latest'])('rejects the version %j (not SemVer 2.0.0)', version => {
    expect(() => new Release(new App(), 'db', { chartVersion: version })).toThrow(/db: chartVersion ".*" is invalid: must be a SemVer 2.0.0 version/);
  });

  test.each(['0.1.0', '1.2.3-rc.1', '10.20.30+build.5', '1.0.0-alpha.beta.1'])('accepts the version %j', version => {
    expect(new Release(new App(), 'db', { chartVersion: version }).chartVersion).toBe(version);
  });

  test('rejects a second release of the same name, also a labelled chart made later', () => {
    const app = new App();
    new Chart(app, 'db-chart', { labels: releaseLabels('db') });
    expect(() => new Release(app, 'db')).toThrow('release name "db" is invalid: must be unique in the app: db-chart already is release "db"');

    const later = new App({ outdir: tempDir('release-dup-').dir });
    new Release(later, 'web');
    new Chart(later, 'other', { labels: releaseLabels('web') });
    expect(() => synthReleases(later)).toThrow(/other: release name "web" is invalid: must be unique in the app: web already is release "web"/);
  });

  test('is made directly in the App', () => {
    const app = new App();
    const parent = new Chart(app, 'parent');
    expect(() => new Release(parent, 'db')).toThrow('a release is a chart directly in the App');
  });

  test('writing the charts fails when an object lacks the release label', () => {
    const { dir, cleanup } = tempDir('release-label-');
    try {
      const app = new App({ outdir: dir });
      new k8s.KubeConfigMap(new Chart(app, 'plain'), 'cm', { data: {} });
      expect(() => synthReleases(app)).toThrow(/plain: labels of ConfigMap .* is invalid: every object of release "plain" must carry cdk8s-stateful\/release: plain/);
    } finally {
      cleanup();
    }
  });
});

describe('the Helm chart of a release', () => {
  const { dir, cleanup } = tempDir('release-helm-');
  afterAll(cleanup);
  const files = synthReleasesTo(dir, app => {
    new TemplatedRelease(app, 'tpl');
    new TemplatedRelease(app, 'pinned', { chartVersion: '2.0.0-rc.1', appVersion: 'v9 (beta)', namespace: 'pinned' });
  });

  test('has Chart.yaml (apiVersion v2, name, SemVer version, appVersion from the main image) and one template, nothing else', () => {
    expect(Object.keys(files).filter(f => f.startsWith('helm/tpl/'))).toEqual(['helm/tpl/Chart.yaml', `helm/tpl/${TEMPLATE_FILE}`]);
    expect(parse(files['helm/tpl/Chart.yaml'])).toEqual({
      apiVersion: 'v2', name: 'tpl', description: 'The tpl release, synthesized by cdk8s-stateful', type: 'application',
      version: '0.1.0', appVersion: '3.2.1',
    });
    expect(parse(files['helm/pinned/Chart.yaml'])).toMatchObject({ name: 'pinned', version: '2.0.0-rc.1', appVersion: 'v9 (beta)' });
    expect(Object.keys(files).some(f => f.includes('construct-metadata'))).toBe(false);
  });

  test('has no Namespace object (helm install --create-namespace makes it)', () => {
    expect(files['tpl.k8s.yaml']).toContain('kind: Namespace');
    expect(files[`helm/tpl/${TEMPLATE_FILE}`]).not.toContain('kind: Namespace');
  });

  test('escapes every {{ and }} of the manifests', () => {
    const template = files[`helm/tpl/${TEMPLATE_FILE}`];
    expect(template).toContain('{{ "{{" }} .Values.port {{ "}}" }}');
    expect(template.replace(/\{\{ "(\{\{|\}\})" \}\}/g, '')).not.toMatch(/\{\{|\}\}/);
  });

  test('renders back to the manifests byte for byte (Go text/template semantics, test renderer)', () => {
    expect(renderGoTemplate(files[`helm/tpl/${TEMPLATE_FILE}`])).toBe(withoutNamespaces(files['tpl.k8s.yaml']));
    expect(parse(renderGoTemplate(files[`helm/tpl/${TEMPLATE_FILE}`]).split('---\n')[0]).data['app.tpl']).toBe(GO_TEMPLATE_CONFIG);
  });

  (goAvailable ? test : test.skip)('renders back to the manifests byte for byte with Go\'s own text/template (go on PATH)', () => {
    const bin = path.join(dir, 'gotemplate');
    execFileSync('go', ['build', '-o', bin, path.join(__dirname, 'support', 'gotemplate', 'main.go')], { env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'off' } });
    for (const release of ['tpl', 'pinned']) {
      const rendered = execFileSync(bin, { input: files[`helm/${release}/${TEMPLATE_FILE}`] }).toString();
      expect(rendered).toBe(withoutNamespaces(files[`${release}.k8s.yaml`]));
    }
    // The check can fail: Go does not give back an unescaped literal.
    const raw = GO_TEMPLATE_CONFIG.split('\n')[3];
    expect(execFileSync(bin, { input: raw }).toString()).toBe('raw: raw  "quoted"');
    expect(execFileSync(bin, { input: escapeGoTemplate(raw) }).toString()).toBe(raw);
  });

  test('the test renderer follows Go on trim markers, comments, raw strings and delimiters inside strings', () => {
    expect(renderGoTemplate('a  {{- "b" -}}  c')).toBe('abc');
    expect(renderGoTemplate('a {{/* x */}}b {{`}}`}} {{"\\u00e9\\n"}}')).toBe('a b }} é\n');
    expect(escapeGoTemplate('{{{ }}}')).toBe('{{ "{{" }}{ {{ "}}" }}}');
    expect(renderGoTemplate(escapeGoTemplate('{{{ }}}'))).toBe('{{{ }}}');
    expect(renderGoTemplate(GO_TEMPLATE_CONFIG.split('\n')[3])).toBe('raw: raw  "quoted"'); // what Go gives, see above
    expect(() => renderGoTemplate('{{ .Values.x }}')).toThrow('unsupported action');
  });

  test('is the same on every synth (deterministic)', () => {
    const again = tempDir('release-helm-again-');
    try {
      expect(synthReleasesTo(again.dir, app => {
        new TemplatedRelease(app, 'tpl');
        new TemplatedRelease(app, 'pinned', { chartVersion: '2.0.0-rc.1', appVersion: 'v9 (beta)', namespace: 'pinned' });
      })).toEqual(files);
    } finally {
      again.cleanup();
    }
  });
});

describe('the default app\'s Helm charts', () => {
  const { dir, cleanup } = tempDir('release-default-');
  afterAll(cleanup);
  const files = synthReleasesTo(dir, app => { buildApp(app); });

  test('one chart per release, named after it, appVersion from its main image', () => {
    const charts = Object.keys(files).filter(f => f.endsWith('Chart.yaml')).map(f => parse(files[f]));
    expect(charts.map(c => [c.name, c.version, c.appVersion])).toEqual([
      ['harbor', '0.1.0', 'v2.15.2'], ['myapp', '0.1.0', '2.47'], ['mysql', '0.1.0', '11.8.8'], ['wordpress', '0.1.0', '7.1.0-php8.3-apache'],
    ]);
  });

  test('each renders back to its plain file without the Namespace', () => {
    for (const file of Object.keys(files).filter(f => f.endsWith('.k8s.yaml'))) {
      const release = file.replace(/^\d{4}-|\.k8s\.yaml$/g, '');
      expect({ release, yaml: renderGoTemplate(files[`helm/${release}/${TEMPLATE_FILE}`]) }).toEqual({ release, yaml: withoutNamespaces(files[file]) });
    }
  });

  test('the database release has a literal }} that needs the escape', () => {
    expect(files['0001-mysql.k8s.yaml']).toContain('}}');
    expect(files[`helm/mysql/${TEMPLATE_FILE}`]).toContain('{{ "}}" }}');
  });

  test('writing again into the same directory gives the same tree (old charts and pages are replaced)', () => {
    fs.writeFileSync(path.join(dir, '0009-gone.md'), 'stale');
    fs.mkdirSync(path.join(dir, 'helm', 'gone'), { recursive: true });
    const app = buildApp(new App({ outdir: dir }));
    synthReleases(app);
    expect(readTree(dir)).toEqual(files);
  });
});
