import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parse, parseAllDocuments } from 'yaml';
import { InvalidPropError } from '../lib';
import { escapeGoTemplate, NOTES_FILE, objectKey, RELEASE_LABEL, Release, releaseLabels, synthReleases, TEMPLATE_FILE } from '../lib/release';
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
    super(scope, id, { namespace: 'tpl', createNamespace: true, ...props });
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: 'app-config' }, data: { 'app.tpl': GO_TEMPLATE_CONFIG, 'value': '}}' } });
    new k8s.KubeStatefulSet(this, 'sts', {
      metadata: { name: 'app' },
      spec: {
        replicas: 2,
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

/** What Helm hands a chart's templates with its default values: `{ Values: <values.yaml> }`. */
function defaultValues(files: Record<string, string>, release: string): { Values: any } {
  return { Values: parse(files[`helm/${release}/values.yaml`]) };
}

/** The objects of a multi-document YAML text by {@link objectKey}, without Namespaces (Helm sorts objects by kind). */
function objectsByKey(yaml: string): Record<string, any> {
  const objects = parseAllDocuments(yaml).map(d => d.toJS()).filter(o => o && o.kind !== 'Namespace');
  return Object.fromEntries(objects.map(o => [objectKey(o), o]));
}

/** Builds the Go text/template renderer (test/support/gotemplate): Go is a requirement of the tests, no skip. */
function buildGoRenderer(dir: string): string {
  const bin = path.join(dir, 'gotemplate');
  execFileSync('go', ['build', '-o', bin, path.join(__dirname, 'support', 'gotemplate', 'main.go')], { env: { ...process.env, GO111MODULE: 'off' } });
  return bin;
}

/**
 * The helm binary the cluster suite uses: HELM_BIN, else the harness's cache, else built by
 * test/cluster/build.sh (from helm.sh/helm/v4 on the Go module proxy, once).
 */
function helmBinary(): string {
  if (process.env.HELM_BIN) return path.join(process.env.HELM_BIN, 'helm');
  const version = /^HELM_VERSION=(\S+)$/m.exec(fs.readFileSync(path.join(__dirname, 'cluster', 'versions.env'), 'utf8'))![1];
  const cached = path.join(process.env.CDK8S_STATEFUL_CACHE ?? path.join(os.homedir(), '.cache', 'cdk8s-stateful'), 'bin', `helm-${version}`, 'helm');
  if (fs.existsSync(cached)) return cached;
  const built = execFileSync('bash', [path.join(__dirname, 'cluster', 'build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return path.join(/^HELM_BIN=(.*)$/m.exec(built)![1], 'helm');
}

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

  test('has Chart.yaml (apiVersion v2, name, SemVer version, appVersion from the main image), values, the template and notes, nothing else', () => {
    expect(Object.keys(files).filter(f => f.startsWith('helm/tpl/'))).toEqual([
      'helm/tpl/Chart.yaml', `helm/tpl/${TEMPLATE_FILE}`, `helm/tpl/${NOTES_FILE}`, 'helm/tpl/values.schema.json', 'helm/tpl/values.yaml',
    ]);
    expect(parse(files['helm/tpl/Chart.yaml'])).toEqual({
      apiVersion: 'v2', name: 'tpl', description: 'The tpl release, synthesized by cdk8s-stateful', type: 'application',
      version: '0.1.0', appVersion: '3.2.1',
    });
    expect(parse(files['helm/pinned/Chart.yaml'])).toMatchObject({ name: 'pinned', version: '2.0.0-rc.1', appVersion: 'v9 (beta)' });
    expect(Object.keys(files).some(f => f.includes('construct-metadata'))).toBe(false);
  });

  test('has no Namespace object (helm install --create-namespace makes it); its notes say how to give the namespace its Pod Security labels', () => {
    expect(files['tpl.k8s.yaml']).toContain('kind: Namespace');
    expect(files[`helm/tpl/${TEMPLATE_FILE}`]).not.toContain('kind: Namespace');
    expect(renderGoTemplate(files[`helm/tpl/${NOTES_FILE}`])).toContain([
      '  kubectl label namespace tpl --overwrite \\',
      '    pod-security.kubernetes.io/enforce=baseline \\',
    ].join('\n'));
  });

  test('takes the StatefulSet\'s replicas from values.yaml (app.replicaCount, its default the synthesized count), checked by values.schema.json', () => {
    expect(files['helm/tpl/values.yaml']).toBe([
      '# Values of the tpl chart, synthesized by cdk8s-stateful. With these defaults the chart renders',
      '# tpl.k8s.yaml (without its Namespace object). Everything else comes from the code: change it there,',
      '# synthesize again, and upgrade with the new chart. values.schema.json checks every value.',
      '',
      'app:',
      '  # Pods of StatefulSet app (its spec.replicas).',
      '  replicaCount: 2',
      '',
    ].join('\n'));
    expect(files[`helm/tpl/${TEMPLATE_FILE}`]).toContain('\n  replicas: {{ .Values.app.replicaCount }}\n');
    expect(JSON.parse(files['helm/tpl/values.schema.json'])).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: false,
      properties: {
        app: {
          type: 'object', additionalProperties: false,
          properties: { replicaCount: { type: 'integer', minimum: 0, description: 'Pods of StatefulSet app (its spec.replicas).' } },
        },
      },
    });
  });

  test('escapes every {{ and }} of the manifests; its only other actions print replica counts', () => {
    const template = files[`helm/tpl/${TEMPLATE_FILE}`];
    expect(template).toContain('{{ "{{" }} .Values.port {{ "}}" }}');
    const actions = template.replace(/\{\{ "(\{\{|\}\})" \}\}/g, '').match(/\{\{.*?\}\}/g);
    expect(actions).toEqual(['{{ .Values.app.replicaCount }}']);
  });

  test('renders back to the manifests byte for byte with the default values (Go text/template semantics, test renderer)', () => {
    expect(renderGoTemplate(files[`helm/tpl/${TEMPLATE_FILE}`], defaultValues(files, 'tpl'))).toBe(withoutNamespaces(files['tpl.k8s.yaml']));
    expect(parse(renderGoTemplate(files[`helm/tpl/${TEMPLATE_FILE}`], defaultValues(files, 'tpl')).split('---\n')[0]).data['app.tpl']).toBe(GO_TEMPLATE_CONFIG);
    const scaled = renderGoTemplate(files[`helm/tpl/${TEMPLATE_FILE}`], { Values: { app: { replicaCount: 5 } } });
    expect(scaled).toBe(withoutNamespaces(files['tpl.k8s.yaml']).replace('\n  replicas: 2\n', '\n  replicas: 5\n'));
  });

  test('renders back to the manifests byte for byte with Go\'s own text/template', () => {
    const bin = buildGoRenderer(dir);
    for (const release of ['tpl', 'pinned']) {
      const values = path.join(dir, `${release}-values.json`);
      fs.writeFileSync(values, JSON.stringify(defaultValues(files, release).Values));
      const rendered = execFileSync(bin, [values], { input: files[`helm/${release}/${TEMPLATE_FILE}`] }).toString();
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
    expect(renderGoTemplate('replicas: {{ add 1 .Values.secondary.replicaCount }}', { Values: { secondary: { replicaCount: 2 } } })).toBe('replicas: 3');
    expect(() => renderGoTemplate('{{ .Values.x }}')).toThrow('no value for .Values.x');
    expect(() => renderGoTemplate('{{ include "x" . }}')).toThrow('unsupported action');
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

  const releases = Object.keys(files).filter(f => f.endsWith('.k8s.yaml')).map(file => ({ file, release: file.replace(/^\d{4}-|\.k8s\.yaml$/g, '') }));

  test('each renders back to its plain file without the Namespace, with its default values', () => {
    for (const { file, release } of releases) {
      expect({ release, yaml: renderGoTemplate(files[`helm/${release}/${TEMPLATE_FILE}`], defaultValues(files, release)) })
        .toEqual({ release, yaml: withoutNamespaces(files[file]) });
    }
  });

  test('values: the replica count of every StatefulSet and Deployment, named as platform engineers know them (secondary.replicaCount after the MySQL primary)', () => {
    expect(Object.fromEntries(releases.map(({ release }) => [release, defaultValues(files, release).Values]))).toEqual({
      myapp: { replicaCount: 3 },
      mysql: { secondary: { replicaCount: 1 } },
      wordpress: { replicaCount: 1 },
      harbor: {
        database: { replicaCount: 1 }, redis: { replicaCount: 1 }, core: { replicaCount: 1 }, portal: { replicaCount: 1 },
        jobservice: { replicaCount: 1 }, registry: { replicaCount: 1 }, trivy: { replicaCount: 1 }, exporter: { replicaCount: 1 },
      },
    });
    expect(files[`helm/mysql/${TEMPLATE_FILE}`]).toContain('\n  replicas: {{ add 1 .Values.secondary.replicaCount }}\n');
    expect(files['helm/mysql/values.yaml']).toContain('  # mysql runs 1 + secondary.replicaCount pods; each new replica clones its data from the one before.\n');
    expect(files['helm/mysql/values.yaml']).toContain('  # Lowering it keeps the claims (data-mysql-<n>) of the pods it removes; raising it again reuses them.\n');
    // The namespace wordpress is mysql's; the wordpress chart has no Namespace, so no notes.
    expect(renderGoTemplate(files[`helm/mysql/${NOTES_FILE}`])).toContain('pod-security.kubernetes.io/enforce=baseline');
    expect(files[`helm/wordpress/${NOTES_FILE}`]).toBeUndefined();
  });

  test('Go\'s text/template with the seed\'s --set secondary.replicaCount=2 adds one MySQL member and changes nothing else', () => {
    const work = tempDir('release-gotemplate-');
    let rendered: string;
    try {
      const values = path.join(work.dir, 'mysql-upgrade.json');
      fs.writeFileSync(values, JSON.stringify({ secondary: { replicaCount: 2 } }));
      rendered = execFileSync(buildGoRenderer(work.dir), [values], { input: files[`helm/mysql/${TEMPLATE_FILE}`] }).toString();
    } finally {
      work.cleanup();
    }
    const plain = withoutNamespaces(files['0001-mysql.k8s.yaml']);
    expect(plain.match(/^ {2}replicas: 2$/gm)).toHaveLength(1);
    expect(rendered).toBe(plain.replace(/^ {2}replicas: 2$/m, '  replicas: 3'));
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

describe('the default app\'s Helm charts, rendered and linted by helm itself', () => {
  const { dir, cleanup } = tempDir('release-helm-bin-');
  afterAll(cleanup);
  const files = synthReleasesTo(path.join(dir, 'out'), app => { buildApp(app); });
  const helmEnv = { ...process.env, HELM_CACHE_HOME: path.join(dir, 'cache'), HELM_CONFIG_HOME: path.join(dir, 'config'), HELM_DATA_HOME: path.join(dir, 'data') };
  let helmBin: string;
  beforeAll(() => { helmBin = helmBinary(); }, 30 * 60_000);
  const helm = (args: string[]) => spawnSync(helmBin, args, { encoding: 'utf8', env: helmEnv });
  const chart = (release: string) => path.join(dir, 'out', 'helm', release);
  const releases = Object.keys(files).filter(f => f.endsWith('.k8s.yaml')).map(file => {
    const release = file.replace(/^\d{4}-|\.k8s\.yaml$/g, '');
    const namespace = parseAllDocuments(files[file]).map(d => d.toJS()).find(o => o.kind === 'Namespace')?.metadata.name ?? 'wordpress';
    return { file, release, namespace };
  });

  test('helm template with the default values gives the plain file, object for object (without the Namespace)', () => {
    expect(releases.map(r => r.release)).toEqual(['myapp', 'mysql', 'wordpress', 'harbor']);
    for (const { file, release, namespace } of releases) {
      const r = helm(['template', release, chart(release), '-n', namespace]);
      expect({ release, status: r.status, stderr: r.stderr }).toEqual({ release, status: 0, stderr: '' });
      expect({ release, objects: objectsByKey(r.stdout) }).toEqual({ release, objects: objectsByKey(files[file]) });
    }
  });

  test('helm template --set secondary.replicaCount=2 (the seed\'s upgrade) gives the mysql StatefulSet 3 replicas and changes nothing else', () => {
    const r = helm(['template', 'mysql', chart('mysql'), '-n', 'wordpress', '--set', 'secondary.replicaCount=2']);
    expect(r.stderr).toBe('');
    const plain = objectsByKey(files['0001-mysql.k8s.yaml']);
    const sts = 'apps/StatefulSet/wordpress/mysql';
    expect(objectsByKey(r.stdout)).toEqual({ ...plain, [sts]: { ...plain[sts], spec: { ...plain[sts].spec, replicas: 3 } } });
  });

  test.each([
    ['a misspelt value', 'secondry.replicaCount=2', "additional properties 'secondry' not allowed"],
    ['a negative count', 'secondary.replicaCount=-1', 'minimum'],
    ['a count that is no integer', 'secondary.replicaCount=two', 'want integer'],
  ])('values.schema.json rejects %s', (_what, set, message) => {
    const r = helm(['template', 'mysql', chart('mysql'), '-n', 'wordpress', '--set', set]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
  });

  test.each([
    ['harbor', 'registry.replicaCount=2', 'harbor-registry-data'],
    ['harbor', 'database.replicaCount=2', 'A single database server'],
    ['wordpress', 'replicaCount=2', 'wordpress-wp-content'],
  ])('values.schema.json of %s rejects %s (a workload that cannot run a second pod)', (release, set, why) => {
    const schema = JSON.parse(files[`helm/${release}/values.schema.json`]);
    const [key] = set.split('=');
    const property = key.split('.').reduce((node: any, k) => node.properties[k], schema);
    expect(property).toMatchObject({ maximum: 1, description: expect.stringContaining(why) });
    const namespace = releases.find(r => r.release === release)!.namespace;
    const r = helm(['template', release, chart(release), '-n', namespace, '--set', set]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('maximum');
  });

  test('helm lint --strict passes on every chart', () => {
    for (const { release } of releases) {
      const r = helm(['lint', '--strict', chart(release)]);
      expect({ release, status: r.status, out: r.stdout + r.stderr }).toMatchObject({ release, status: 0 });
      expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });
});
