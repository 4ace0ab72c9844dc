import { namespacePodSecurity, POD_SECURITY_LABEL_PREFIX } from './namespace';
import { describeViolation } from '../rules/pod-security';
import type { HelmChartMetadata } from './helm-chart';
import { describe } from './manifests';
import type { ReleaseManifests } from './manifests';
import { pruneAllowlist, pruneCommand } from './prune';
import { claimsOf, configMapsOfPod, containersOf, podTemplateOf, secretReadsOfPod, serviceSelects } from './workloads';
import type { SecretRead } from './workloads';

/** A release another one depends on, and why. */
export interface ReleaseDependency {
  /** The release depended on. */
  readonly release: string;
  /** What ties them, e.g. `Service wordpress/mysql-primary (mysql-primary.wordpress.svc.cluster.local)`. */
  readonly through: string;
}

/**
 * The releases `release` depends on: those whose Services its objects name by DNS name
 * (`<service>.<namespace>.svc`, also behind a pod name) or whose Secrets its pods read.
 */
export function dependenciesOf(release: ReleaseManifests, all: readonly ReleaseManifests[]): ReleaseDependency[] {
  const text = release.documents.map(d => d.text).join('\n');
  const reads = readsOf(release);
  const deps: ReleaseDependency[] = [];
  for (const other of all) {
    if (other.name === release.name) continue;
    for (const { object } of other.documents) {
      const ns = object.metadata?.namespace;
      if (object.kind === 'Service') {
        const host = new RegExp(`(^|[^-a-z0-9.])((?:[a-z0-9-]+\\.)?${escape(object.metadata.name)}\\.${escape(ns)}\\.svc)`, 'm').exec(text);
        if (host) deps.push({ release: other.name, through: `${describe(object)} (${host[2]})` });
      }
      if (object.kind === 'Secret' && reads.some(r => r.secretName === object.metadata.name && r.namespace === ns)) {
        deps.push({ release: other.name, through: describe(object) });
      }
    }
  }
  const makers = secretMakers(all);
  for (const secret of [...new Set(reads.map(r => `${r.namespace}/${r.secretName}`))]) {
    const maker = makers.get(secret);
    if (maker && maker.release !== release.name) deps.push({ release: maker.release, through: `Secret ${secret}, made by ${maker.what}` });
  }
  return deps;
}

/** What makes a Secret in the cluster: a secret generator's Job or an ExternalSecret, of some release. */
interface SecretMaker {
  readonly release: string;
  /** In words, e.g. `the Job of mysql-secret-generator`. */
  readonly what: string;
  /** The keys it makes, when it lists them (a generator's spec). @default - every key */
  readonly keys?: ReadonlySet<string>;
}

/** The makers of Secrets in `all`, by `<namespace>/<secret>`: generators' spec ConfigMaps and ExternalSecrets. */
function secretMakers(all: readonly ReleaseManifests[]): Map<string, SecretMaker> {
  const makers = new Map<string, SecretMaker>();
  for (const release of all) {
    for (const { object } of release.documents) {
      const ns = object.metadata?.namespace;
      if (object.kind === 'ConfigMap' && object.metadata?.labels?.['app.kubernetes.io/name'] === 'secret-generator' && typeof object.data?.spec === 'string') {
        const bySecret = new Map<string, Set<string>>();
        for (const line of (object.data.spec as string).split('\n').filter(l => l.trim() && !l.startsWith('#'))) {
          const [secret, key] = line.split(' ');
          bySecret.set(secret, (bySecret.get(secret) ?? new Set()).add(key));
        }
        for (const [secret, keys] of bySecret) {
          makers.set(`${ns}/${secret}`, { release: release.name, what: `the Job of ${object.metadata.name}`, keys });
        }
      }
      if (object.kind === 'ExternalSecret') {
        makers.set(`${ns}/${object.spec?.target?.name ?? object.metadata.name}`, { release: release.name, what: `ExternalSecret ${object.metadata.name}` });
      }
    }
  }
  return makers;
}

/** Who provides key `key` of Secret `secret` (all keys when undefined), in words, for the review table. */
function madeBy(makers: ReadonlyMap<string, SecretMaker>, namespace: string, secret: string, key: string | undefined, release: string): string {
  const maker = makers.get(`${namespace}/${secret}`);
  if (!maker || (key !== undefined && maker.keys && !maker.keys.has(key))) return 'you (no release makes it)';
  return maker.release === release ? maker.what : `${maker.what} (release ${maker.release})`;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Secrets a release's objects read: pods (env, envFrom, volumes, image pull) and Ingress TLS. */
function readsOf(release: ReleaseManifests): (SecretRead & { namespace: string; by: string })[] {
  return release.documents.flatMap(({ object }) => {
    const template = podTemplateOf(object);
    const by = describe(object);
    const namespace = object.metadata?.namespace;
    if (template) return secretReadsOfPod(template.spec).map(r => ({ ...r, namespace, by }));
    if (object.kind === 'Ingress') {
      return (object.spec?.tls ?? []).filter((t: any) => t.secretName)
        .map((t: any) => ({ secretName: t.secretName, where: 'TLS', optional: false, namespace, by }));
    }
    return [];
  });
}

/** Characters Mermaid would take as syntax inside a quoted label. */
function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`;
}

/** The Mermaid flowchart of a release: Ingress -> Service -> pods -> claims, ConfigMaps, Secrets; release -> releases it depends on. */
export function wiringDiagram(release: ReleaseManifests, deps: readonly ReleaseDependency[]): string {
  const ids = new Map<string, string>();
  const nodes: string[] = [];
  const edges: string[] = [];
  const node = (key: string, text: string, shape: 'box' | 'round' | 'cylinder' | 'hex' = 'box') => {
    if (!ids.has(key)) {
      const id = `n${ids.size}`;
      ids.set(key, id);
      const l = label(text);
      nodes.push(`    ${id}${shape === 'round' ? `(${l})` : shape === 'cylinder' ? `[(${l})]` : shape === 'hex' ? `{{${l}}}` : `[${l}]`}`);
    }
    return ids.get(key)!;
  };
  const edge = (from: string, to: string, text?: string) => {
    const line = `  ${from} -->${text ? `|${label(text)}|` : ''} ${to}`;
    if (!edges.includes(line)) edges.push(line);
  };
  const objects = release.documents.map(d => d.object);
  const workloads = objects.filter(o => podTemplateOf(o));
  const claims = objects.filter(o => o.kind === 'PersistentVolumeClaim');
  for (const w of workloads) {
    const pods = node(`pods/${w.metadata.name}`, `${w.kind} ${w.metadata.name} pods`, 'round');
    for (const c of claimsOf(w, claims)) edge(pods, node(`claim/${c.name}`, `claim ${c.name}${c.size ? ` ${c.size}` : ''}`, 'cylinder'));
    for (const cm of configMapsOfPod(podTemplateOf(w).spec)) edge(pods, node(`cm/${cm}`, `ConfigMap ${cm}`));
    const keys = new Map<string, Set<string>>();
    for (const r of secretReadsOfPod(podTemplateOf(w).spec)) {
      const set = keys.get(r.secretName) ?? new Set<string>();
      if (r.key) set.add(r.key);
      keys.set(r.secretName, set);
    }
    for (const [secret, set] of keys) {
      const k = [...set];
      edge(pods, node(`secret/${secret}`, `Secret ${secret}`, 'hex'), k.length > 3 ? `${k.length} keys` : k.join(', ') || undefined);
    }
  }
  for (const s of objects.filter(o => o.kind === 'Service')) {
    const svc = node(`svc/${s.metadata.name}`, `Service ${s.metadata.name}${s.spec?.clusterIP === 'None' ? ' (headless)' : ''}`);
    for (const w of workloads.filter(x => serviceSelects(s, x))) edge(svc, ids.get(`pods/${w.metadata.name}`)!);
  }
  for (const ing of objects.filter(o => o.kind === 'Ingress')) {
    const i = node(`ing/${ing.metadata.name}`, `Ingress ${ing.metadata.name}`);
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const target = p.backend?.service?.name;
        if (target) edge(i, node(`svc/${target}`, `Service ${target}`), `${rule.host ?? '*'}${p.path ?? ''}`);
      }
    }
    for (const t of ing.spec?.tls ?? []) if (t.secretName) edge(i, node(`secret/${t.secretName}`, `Secret ${t.secretName}`, 'hex'), 'TLS');
  }
  if (deps.length) {
    const self = node(`release/${release.name}`, `release ${release.name}`);
    for (const d of deps) edge(self, node(`dep/${d.release}`, `release ${d.release}`), 'depends on');
  }
  return ['flowchart LR', ...nodes, ...edges].join('\n');
}

/**
 * The Pod Security admission level of each namespace the release makes or runs pods in: the labels of its
 * Namespace object, and why it is not `restricted` (every rule a pod of the namespace breaks, from any release).
 */
function podSecuritySection(release: ReleaseManifests, all: readonly ReleaseManifests[]): string[] {
  const objects = release.documents.map(d => d.object);
  const everything = all.flatMap(r => r.documents.map(d => ({ release: r.name, object: d.object })));
  const namespaces = [...new Set([
    ...objects.filter(o => o.kind === 'Namespace').map(o => o.metadata.name as string),
    ...objects.filter(o => podTemplateOf(o) && o.metadata?.namespace).map(o => o.metadata.namespace as string),
  ])].sort();
  if (namespaces.length === 0) return ['No Namespace and no pods.'];
  const lines: string[] = [];
  for (const ns of namespaces) {
    const made = everything.find(e => e.object.kind === 'Namespace' && e.object.metadata?.name === ns);
    const label = (name: string) => made?.object.metadata?.labels?.[`${POD_SECURITY_LABEL_PREFIX}${name}`] as string | undefined;
    const { level, violations } = namespacePodSecurity(ns, everything.map(e => e.object));
    const by = !made ? 'made by no release of the app' : made.release === release.name ? 'made by this release' : `made by release \`${made.release}\``;
    const enforce = label('enforce');
    lines.push(enforce
      ? `- Namespace \`${ns}\` (${by}): \`enforce: ${enforce}\` (policy ${label('enforce-version') ?? 'latest'}), \`warn\` and \`audit\` ${label('warn') ?? '-'} (${label('warn-version') ?? 'latest'}).`
      : `- Namespace \`${ns}\` (${by}): no Pod Security label of this app; its pods meet \`${level}\`.`);
    if (enforce && enforce !== level) lines.push(`  The label says \`${enforce}\`, but the pods meet \`${level}\`.`);
    if (violations.length === 0) {
      lines.push('  Every pod template in it meets `restricted`.');
    } else {
      lines.push(`  Not \`restricted\`: ${level === 'privileged' ? 'not even `baseline`: ' : ''}these pods break its rules (\`restricted\` would refuse them):`);
      const releaseOf = (object: string) => everything.find(e => e.object.metadata?.namespace === ns && `${e.object.kind} ${e.object.metadata?.name}` === object)?.release;
      for (const v of violations) {
        const owner = releaseOf(v.object);
        lines.push(`  - ${v.object}${owner && owner !== release.name ? ` (release \`${owner}\`)` : ''}: ${describeViolation(v.violation)}`);
      }
    }
  }
  return lines;
}

function table(header: readonly string[], rows: readonly string[][]): string[] {
  if (rows.length === 0) return ['None.'];
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(r => `| ${r.map(cell).join(' | ')} |`)];
}

const code = (s: string | undefined) => (s ? `\`${s}\`` : '-');

/** The review page of a release (Markdown, deterministic): objects, images, claims, Services, Secrets read, wiring. */
export function reviewPage(release: ReleaseManifests, meta: HelmChartMetadata, all: readonly ReleaseManifests[]): string {
  const objects = release.documents.map(d => d.object);
  const workloads = objects.filter(o => podTemplateOf(o));
  const pvcs = objects.filter(o => o.kind === 'PersistentVolumeClaim');
  const deps = dependenciesOf(release, all);
  const reads = readsOf(release);
  const makers = secretMakers(all);
  const lines = [
    `# Release ${release.name}`,
    '',
    `Plain manifests: \`${release.file}\`; Helm chart: \`helm/${release.name}\` (version ${meta.version}, appVersion ${meta.appVersion}).`,
    'This page is generated by `cdk8s synth`; do not edit it.',
    '',
    `## Objects (${objects.length})`,
    '',
    ...table(['Kind', 'Namespace', 'Name'], objects.map(o => [o.kind, code(o.metadata?.namespace), code(o.metadata?.name)])),
    '',
    '## Images',
    '',
    ...table(['Workload', 'Container', 'Image'], workloads.flatMap(w => containersOf(podTemplateOf(w).spec)
      .map(c => [describe(w), `${c.container.name}${c.init ? ' (init)' : ''}`, code(c.container.image)]))),
    '',
    '## Claims',
    '',
    ...table(['Workload', 'Claim', 'Size', 'Storage class', 'Access modes'], workloads.flatMap(w => claimsOf(w, pvcs)
      .map(c => [describe(w), `${code(c.name)}${c.template ? ' (template)' : ''}`, c.size ?? '-',
        c.storageClassName === undefined ? '(default)' : code(c.storageClassName || '""'), c.accessModes.join(', ') || '-']))),
    '',
    '## Services',
    '',
    ...table(['Service', 'Type', 'Ports', 'Selects'], objects.filter(o => o.kind === 'Service').map(s => [
      code(s.metadata.name),
      s.spec?.clusterIP === 'None' ? 'headless' : s.spec?.type ?? 'ClusterIP',
      (s.spec?.ports ?? []).map((p: any) => `${p.name ?? ''} ${p.port}/${p.protocol ?? 'TCP'}`.trim()).join(', ') || '-',
      workloads.filter(w => serviceSelects(s, w)).map(describe).join(', ') || 'no workload of this release',
    ])),
    '',
    '## Secrets it reads',
    '',
    'A secret generator Job or an ExternalSecret makes them in the cluster, or you do; the YAML holds only references.',
    '',
    ...table(['Secret', 'Key', 'Read by', 'Made by'], reads.map(r => [
      code(r.secretName), r.key ? code(r.key) : '(all keys)', `${r.by}: ${r.where}${r.optional ? ' (optional)' : ''}`,
      madeBy(makers, r.namespace, r.secretName, r.key, release.name),
    ])),
    '',
    '## Pod Security',
    '',
    ...podSecuritySection(release, all),
    '',
    '## Depends on',
    '',
    ...(deps.length ? deps.map(d => `- release \`${d.release}\`: ${d.through}`) : ['No other release.']),
    '',
    '## Wiring',
    '',
    '```mermaid',
    wiringDiagram(release, deps),
    '```',
    '',
    '## Apply and prune without Helm',
    '',
    'Applies the release and deletes its objects that the code no longer makes (the kinds of every release of the app).',
    '',
    '```sh',
    pruneCommand(release.name, `dist/${release.file}`, pruneAllowlist(all.flatMap(r => r.documents.map(d => d.object)))),
    '```',
    '',
  ];
  return lines.join('\n');
}
