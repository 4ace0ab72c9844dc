import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { CredentialSource, DatabaseConnection, RedisConnection, RequiredSecretKey, SecretKeyRef } from '../lib';
import {
  HarborDatabase, HarborExposure, HARBOR_SECRET_KEYS, HarborStack, HarborStackProps, Harbor, HarborRedis, HarborRegistryStorage,
} from '../lib/harbor';
import { expectValid, find, Manifest, ofKind } from './support/manifests';

const HOST = 'registry.example.com';
const INGRESS = HarborExposure.ingress({ className: 'nginx', hosts: { core: HOST }, tls: { secretName: 'harbor-tls' } });

function synth(props: Partial<HarborStackProps> = {}): { stack: Harbor; objects: Manifest[] } {
  const chart = new HarborStack(Testing.app(), 'harbor', { exposure: INGRESS, ...props });
  return { stack: chart.harbor, objects: chart.toJson() };
}

/** Every configuration the tests exercise; each must be valid and fully wired. */
const VARIANTS: Record<string, Partial<HarborStackProps>> = {
  'default (Ingress with TLS)': {},
  'nodePort with TLS and metrics': { exposure: HarborExposure.nodePort({ host: 'node1.example.com', tls: { secretName: 'harbor-tls' } }), metrics: {} },
  'clusterIP without TLS, trivy off': { exposure: HarborExposure.clusterIP({ host: 'harbor.internal' }), trivy: false },
  'loadBalancer behind TLS offload': { exposure: HarborExposure.loadBalancer({ host: HOST, tlsTerminatedUpstream: true, sourceRanges: ['10.0.0.0/8'] }) },
  'external database and redis, S3, HA': {
    database: HarborDatabase.external(DatabaseConnection.fromAttributes({
      host: 'pg.example.com', databaseName: 'registry', user: 'harbor', password: SecretKeyRef.of('pg-credentials', 'password'), engineFamily: 'postgresql',
    })),
    redis: HarborRedis.external(RedisConnection.fromAttributes({ host: 'redis.example.com', password: SecretKeyRef.of('redis-credentials', 'password'), tls: true })),
    registry: {
      replicas: 3,
      imageStorage: HarborRegistryStorage.s3({
        region: 'eu-central-1', bucket: 'harbor-images',
        credentials: { accessKey: SecretKeyRef.of('harbor-s3', 'accessKey'), secretKey: SecretKeyRef.of('harbor-s3', 'secretKey') },
      }),
    },
    core: { replicas: 2 },
    portal: { replicas: 2 },
    jobservice: { replicas: 2, jobLoggers: ['database', 'stdout'] },
    trivy: { replicas: 2, skipUpdate: true, offlineScan: true, githubToken: SecretKeyRef.of('github', 'token') },
    metrics: {},
  },
};

const synthesized = Object.fromEntries(Object.entries(VARIANTS).map(([name, props]) => [name, synth(props)]));
const variants = Object.entries(synthesized);

// ---------------------------------------------------------------------------------------------
// Helpers that read the output the way the kubelet and Harbor would.

interface Container { owner: Manifest; container: any }

function workloads(objects: readonly Manifest[]): Manifest[] {
  return objects.filter(o => o.kind === 'Deployment' || o.kind === 'StatefulSet');
}

function containersOf(objects: readonly Manifest[]): Container[] {
  return workloads(objects).flatMap(owner => {
    const spec = owner.spec.template.spec;
    return [...(spec.initContainers ?? []), ...spec.containers].map((container: any) => ({ owner, container }));
  });
}

function container(objects: readonly Manifest[], workload: string, name: string): any {
  const c = containersOf(objects).find(x => x.owner.metadata.name === workload && x.container.name === name);
  if (!c) throw new Error(`no container ${name} in ${workload}`);
  return c.container;
}

/** The env of a container as the kubelet resolves it: literals, ConfigMap keys, `$(VAR)` references; Secrets stay `<secret:name:key>`. */
function resolvedEnv(objects: readonly Manifest[], c: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const cmRef = e.valueFrom?.configMapKeyRef;
    const secretRef = e.valueFrom?.secretKeyRef;
    if (cmRef) env[e.name] = find(objects, 'ConfigMap', cmRef.name).data[cmRef.key];
    else if (secretRef) env[e.name] = `<secret:${secretRef.name}:${secretRef.key}>`;
    else env[e.name] = String(e.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_, v) => env[v] ?? `$(${v})`);
  }
  return env;
}

/** Files of the ConfigMaps a container mounts, by mount path. */
function mountedConfigFiles(objects: readonly Manifest[], owner: Manifest, c: any): Record<string, string> {
  const volumes: any[] = owner.spec.template.spec.volumes ?? [];
  const files: Record<string, string> = {};
  for (const m of c.volumeMounts ?? []) {
    const cm = volumes.find(v => v.name === m.name)?.configMap;
    if (cm && m.subPath) files[m.mountPath] = find(objects, 'ConfigMap', cm.name).data[m.subPath];
  }
  return files;
}

/** Where a (host, port) leads: the Service, and the workload container and port behind it. */
function resolve(objects: readonly Manifest[], namespace: string, host: string, port: number): { service: string; workload: string; container: string } {
  const m = new RegExp(`^([a-z0-9-]+)\\.${namespace}\\.svc\\.cluster\\.local$`).exec(host);
  if (!m) throw new Error(`${host} is not a Service host in namespace ${namespace}`);
  const service = find(objects, 'Service', m[1]);
  const servicePort = service.spec.ports.find((p: any) => p.port === port);
  if (!servicePort) throw new Error(`Service ${m[1]} has no port ${port} (ports: ${service.spec.ports.map((p: any) => p.port)})`);
  const selector: Record<string, string> = service.spec.selector;
  const selected = workloads(objects).filter(w => Object.entries(selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
  if (selected.length !== 1) throw new Error(`Service ${m[1]} selects ${selected.length} workloads`);
  const target = servicePort.targetPort;
  const hit = selected[0].spec.template.spec.containers.find((c: any) => (c.ports ?? []).some((p: any) => p.name === target || p.containerPort === target));
  if (!hit) throw new Error(`Service ${m[1]} targetPort ${target} names no container port of ${selected[0].metadata.name}`);
  return { service: m[1], workload: selected[0].metadata.name, container: hit.name };
}

const URL_RE = /\b(https?|rediss?):\/\/(?:[^@/\s]*@)?([A-Za-z0-9.-]+):(\d+)/g;

/** Every (host, port) a container connects to: URLs in its env and config files, host/port env pairs, config addresses. */
function connections(objects: readonly Manifest[], owner: Manifest, c: any): Array<{ source: string; host: string; port: number }> {
  const env = resolvedEnv(objects, c);
  const out: Array<{ source: string; host: string; port: number }> = [];
  const scan = (source: string, text: string) => {
    for (const m of text.matchAll(URL_RE)) out.push({ source, host: m[2], port: Number(m[3]) });
  };
  for (const [k, v] of Object.entries(env)) scan(`env ${k}`, v);
  for (const [prefix, portVar] of [['POSTGRESQL_HOST', 'POSTGRESQL_PORT'], ['HARBOR_DATABASE_HOST', 'HARBOR_DATABASE_PORT'], ['HARBOR_SERVICE_HOST', 'HARBOR_SERVICE_PORT']]) {
    if (env[prefix]) out.push({ source: `env ${prefix}`, host: env[prefix], port: Number(env[portVar]) });
  }
  for (const [path, text] of Object.entries(mountedConfigFiles(objects, owner, c))) {
    scan(path, text);
    if (path.endsWith('.yml')) {
      const addr = parse(text)?.redis?.addr;
      if (addr) out.push({ source: `${path} redis.addr`, host: addr.split(':')[0], port: Number(addr.split(':')[1]) });
    }
    for (const m of text.matchAll(/^\s*server ([a-z0-9.-]+):(\d+);/gm)) out.push({ source: `${path} upstream`, host: m[1], port: Number(m[2]) });
  }
  return out.filter(x => x.host !== '127.0.0.1' && x.host !== 'localhost');
}

function requiredIds(stack: Harbor): Set<string> {
  return new Set(stack.requiredSecrets.map(s => `${s.secretName}/${s.key}`));
}

function generatedIds(stack: Harbor): Set<string> {
  return new Set(stack.generatedSecrets.map(s => `${s.secretName}/${s.key}`));
}

/** Every Secret key someone makes: you (requiredSecrets), the generator Job or an ExternalSecret. */
function accountedIds(stack: Harbor): Set<string> {
  return new Set([...stack.requiredSecrets, ...stack.generatedSecrets, ...stack.externalSecrets].map(s => `${s.secretName}/${s.key}`));
}

// ---------------------------------------------------------------------------------------------

describe('Harbor output', () => {
  test.each(variants)('%s is valid', (_, { objects }) => {
    expectValid(objects);
  });

  test('default stack matches the snapshot', () => {
    expect(synthesized['default (Ingress with TLS)'].objects).toMatchSnapshot();
  });

  test('nginx exposure with metrics matches the snapshot', () => {
    expect(synthesized['nodePort with TLS and metrics'].objects).toMatchSnapshot();
  });

  test('it creates its own Namespace first, without a namespace of its own', () => {
    const { objects } = synth({ namespace: 'registry' });
    expect(objects[0]).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'registry' } });
    expect(objects[0].metadata.namespace).toBeUndefined();
    expect(objects.slice(1).every(o => o.metadata.namespace === 'registry')).toBe(true);
  });

  test('the default components, images and security match the official chart', () => {
    const { objects } = synthesized['default (Ingress with TLS)'];
    const images = containersOf(objects).map(c => `${c.owner.metadata.name}/${c.container.name}=${c.container.image}`).sort();
    expect(images).toEqual([
      'harbor-core/core=goharbor/harbor-core:v2.15.2',
      'harbor-database/data-permissions=goharbor/harbor-db:v2.15.2',
      'harbor-database/database=goharbor/harbor-db:v2.15.2',
      'harbor-jobservice/jobservice=goharbor/harbor-jobservice:v2.15.2',
      'harbor-portal/portal=goharbor/harbor-portal:v2.15.2',
      'harbor-redis/redis=goharbor/valkey-photon:v2.15.2',
      'harbor-registry/registry=goharbor/registry-photon:v2.15.2',
      'harbor-registry/registryctl=goharbor/harbor-registryctl:v2.15.2',
      'harbor-trivy/trivy=goharbor/trivy-adapter-photon:v2.15.2',
    ]);
    for (const w of workloads(objects)) {
      const sec = w.spec.template.spec.securityContext;
      const uid = ['harbor-database', 'harbor-redis'].includes(w.metadata.name) ? 999 : 10000;
      expect([w.metadata.name, sec.runAsUser, sec.fsGroup, sec.runAsNonRoot]).toEqual([w.metadata.name, uid, uid, true]);
    }
    expect(find(objects, 'Deployment', 'harbor-core').spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/api/v2.0/ping');
    expect(container(objects, 'harbor-jobservice', 'jobservice').readinessProbe.httpGet.path).toBe('/api/v1/stats');
    expect(container(objects, 'harbor-registry', 'registryctl').readinessProbe.httpGet.path).toBe('/api/health');
    expect(container(objects, 'harbor-trivy', 'trivy').readinessProbe.httpGet.path).toBe('/probe/ready');
    expect(find(objects, 'StatefulSet', 'harbor-database').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    expect(find(objects, 'PersistentVolumeClaim', 'harbor-registry-data').spec.resources.requests.storage).toBe('5Gi');
  });

  test('version and imageRepository pin every image', () => {
    const { objects } = synth({ version: 'v2.12.4', imageRepository: 'mirror.example.com/goharbor' });
    const images = containersOf(objects).map(c => c.container.image);
    expect(images.every(i => /^mirror\.example\.com\/goharbor\/[a-z-]+:v2\.12\.4$/.test(i))).toBe(true);
  });
});

describe('Harbor wiring', () => {
  test.each(variants)('%s: every env and volume reference resolves to an output ConfigMap or a Secret key someone makes', (_, { stack, objects }) => {
    const documented = accountedIds(stack);
    const referenced = new Set<string>();
    expect(ofKind(objects, 'Secret')).toEqual([]);
    for (const { owner, container: c } of containersOf(objects)) {
      const where = `${owner.metadata.name}/${c.name}`;
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        const secret = e.valueFrom?.secretKeyRef;
        if (cm) expect([where, e.name, Object.keys(find(objects, 'ConfigMap', cm.name).data)]).toEqual([where, e.name, expect.arrayContaining([cm.key])]);
        if (secret) {
          expect([where, e.name, documented.has(`${secret.name}/${secret.key}`)]).toEqual([where, e.name, true]);
          // Not optional: the kubelet does not create the container before the Secret and key exist.
          expect([where, e.name, secret.optional]).toEqual([where, e.name, undefined]);
          referenced.add(`${secret.name}/${secret.key}`);
        }
      }
    }
    for (const w of workloads(objects)) {
      for (const v of w.spec.template.spec.volumes ?? []) {
        if (v.configMap) find(objects, 'ConfigMap', v.configMap.name);
        if (v.persistentVolumeClaim) find(objects, 'PersistentVolumeClaim', v.persistentVolumeClaim.claimName);
        if (v.secret) {
          // Not optional: the kubelet does not start the pod before the Secret (and each item's key) exists.
          expect([w.metadata.name, v.name, v.secret.optional]).toEqual([w.metadata.name, v.name, undefined]);
          const keys: string[] = v.secret.items
            ? v.secret.items.map((i: any) => i.key)
            : [...documented].filter(id => id.startsWith(`${v.secret.secretName}/`)).map(id => id.slice(v.secret.secretName.length + 1));
          expect(keys.length).toBeGreaterThan(0);
          for (const key of keys) {
            expect([w.metadata.name, v.name, documented.has(`${v.secret.secretName}/${key}`)]).toEqual([w.metadata.name, v.name, true]);
            referenced.add(`${v.secret.secretName}/${key}`);
          }
        }
      }
    }
    const ingress = ofKind(objects, 'Ingress')[0];
    for (const t of ingress?.spec.tls ?? []) ['tls.crt', 'tls.key'].forEach(k => referenced.add(`${t.secretName}/${k}`));
    // Nothing is made that nobody reads, but the token key's certificate (a complete key pair).
    expect([...documented].filter(id => !referenced.has(id))).toEqual(generatedIds(stack).has('harbor-token-service/tls.key') ? ['harbor-token-service/tls.crt'] : []);
    expect([...referenced].filter(id => !documented.has(id))).toEqual([]);
  });

  test.each(variants)('%s: every `$(VAR)` in env, command and args is defined earlier in the same container', (_, { objects }) => {
    for (const { owner, container: c } of containersOf(objects)) {
      const seen = new Set<string>();
      for (const e of c.env ?? []) {
        for (const m of String(e.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
          expect([owner.metadata.name, e.name, seen.has(m[1])]).toEqual([owner.metadata.name, e.name, true]);
        }
        seen.add(e.name);
      }
      for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) {
        for (const m of String(arg).matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) expect(seen.has(m[1])).toBe(true);
      }
    }
  });

  test.each(variants)('%s: every internal host and port resolves to a Service, and through it to a container port', (_, { objects }) => {
    let count = 0;
    for (const { owner, container: c } of containersOf(objects)) {
      for (const conn of connections(objects, owner, c)) {
        if (/\.example\.com$/.test(conn.host)) continue; // external servers of the "external" variant
        expect(() => resolve(objects, 'harbor', conn.host, conn.port)).not.toThrow();
        count++;
      }
    }
    expect(count).toBeGreaterThan(8);
  });

  test('core, jobservice, registry, trivy and nginx reach the right components', () => {
    const { objects } = synthesized['nodePort with TLS and metrics'];
    const reach = (workload: string, name: string, source: string) => {
      const owner = workloads(objects).find(w => w.metadata.name === workload)!;
      const found = connections(objects, owner, container(objects, workload, name)).filter(x => x.source === source);
      if (!found.length) throw new Error(`${workload}/${name} has no connection from ${source}: ${JSON.stringify(connections(objects, owner, container(objects, workload, name)))}`);
      return found.map(x => resolve(objects, 'harbor', x.host, x.port)).map(r => `${r.workload}/${r.container}`);
    };
    expect(reach('harbor-core', 'core', 'env POSTGRESQL_HOST')).toEqual(['harbor-database/database']);
    expect(reach('harbor-core', 'core', 'env _REDIS_URL_CORE')).toEqual(['harbor-redis/redis']);
    expect(reach('harbor-core', 'core', 'env _REDIS_URL_REG')).toEqual(['harbor-redis/redis']);
    expect(reach('harbor-core', 'core', 'env JOBSERVICE_URL')).toEqual(['harbor-jobservice/jobservice']);
    expect(reach('harbor-core', 'core', 'env REGISTRY_URL')).toEqual(['harbor-registry/registry']);
    expect(reach('harbor-core', 'core', 'env REGISTRY_CONTROLLER_URL')).toEqual(['harbor-registry/registryctl']);
    expect(reach('harbor-core', 'core', 'env TRIVY_ADAPTER_URL')).toEqual(['harbor-trivy/trivy']);
    expect(reach('harbor-core', 'core', 'env PORTAL_URL')).toEqual(['harbor-portal/portal']);
    expect(reach('harbor-core', 'core', 'env TOKEN_SERVICE_URL')).toEqual(['harbor-core/core']);
    expect(reach('harbor-jobservice', 'jobservice', 'env CORE_URL')).toEqual(['harbor-core/core']);
    expect(reach('harbor-jobservice', 'jobservice', 'env REGISTRY_CONTROLLER_URL')).toEqual(['harbor-registry/registryctl']);
    expect(reach('harbor-jobservice', 'jobservice', 'env JOB_SERVICE_POOL_REDIS_URL')).toEqual(['harbor-redis/redis']);
    expect(reach('harbor-registry', 'registry', '/etc/registry/config.yml redis.addr')).toEqual(['harbor-redis/redis']);
    expect(reach('harbor-trivy', 'trivy', 'env SCANNER_REDIS_URL')).toEqual(['harbor-redis/redis']);
    expect(reach('harbor-exporter', 'exporter', 'env HARBOR_DATABASE_HOST')).toEqual(['harbor-database/database']);
    expect(reach('harbor-exporter', 'exporter', 'env HARBOR_SERVICE_HOST')).toEqual(['harbor-core/core']);
    expect(reach('harbor-nginx', 'nginx', '/etc/nginx/nginx.conf upstream').sort()).toEqual(['harbor-core/core', 'harbor-portal/portal']);
    // Redis database numbers as in the chart: core 0, jobservice 1, registry 2, trivy 5.
    const core = resolvedEnv(objects, container(objects, 'harbor-core', 'core'));
    expect(core._REDIS_URL_CORE).toBe('redis://:<secret:harbor-redis:password>@harbor-redis.harbor.svc.cluster.local:6379/0?idle_timeout_seconds=30');
    expect(core._REDIS_URL_REG).toMatch(/:6379\/2\?/);
    expect(resolvedEnv(objects, container(objects, 'harbor-trivy', 'trivy')).SCANNER_REDIS_URL).toMatch(/:6379\/5\?/);
    expect(parse(find(objects, 'ConfigMap', 'harbor-registry-config').data['config.yml']).redis.db).toBe(2);
  });

  test('external database and redis are reached at their own hosts with the given credentials', () => {
    const { objects } = synthesized['external database and redis, S3, HA'];
    const core = resolvedEnv(objects, container(objects, 'harbor-core', 'core'));
    expect(core).toMatchObject({
      POSTGRESQL_HOST: 'pg.example.com', POSTGRESQL_PORT: '5432', POSTGRESQL_USERNAME: 'harbor', POSTGRESQL_DATABASE: 'registry',
      POSTGRESQL_SSLMODE: 'require', POSTGRESQL_PASSWORD: '<secret:pg-credentials:password>',
      _REDIS_URL_CORE: 'rediss://:<secret:redis-credentials:password>@redis.example.com:6379/0?idle_timeout_seconds=30',
      REGISTRY_STORAGE_PROVIDER_NAME: 's3',
    });
    const registry = resolvedEnv(objects, container(objects, 'harbor-registry', 'registry'));
    expect(registry).toMatchObject({
      REGISTRY_REDIS_PASSWORD: '<secret:redis-credentials:password>',
      REGISTRY_STORAGE_S3_ACCESSKEY: '<secret:harbor-s3:accessKey>',
      REGISTRY_STORAGE_S3_SECRETKEY: '<secret:harbor-s3:secretKey>',
    });
    const config = parse(find(objects, 'ConfigMap', 'harbor-registry-config').data['config.yml']);
    expect(config.storage.s3).toEqual({ region: 'eu-central-1', bucket: 'harbor-images' });
    expect(config.redis).toMatchObject({ addr: 'redis.example.com:6379', enableTLS: true });
    expect(resolvedEnv(objects, container(objects, 'harbor-trivy', 'trivy'))).toMatchObject({
      SCANNER_TRIVY_SKIP_UPDATE: 'true', SCANNER_TRIVY_OFFLINE_SCAN: 'true', SCANNER_TRIVY_GITHUB_TOKEN: '<secret:github:token>',
    });
  });

  test('the Ingress routes /api/, /service/, /v2/ and /c/ to core and / to portal, with class and pathType', () => {
    const { objects } = synthesized['default (Ingress with TLS)'];
    const [ingress] = ofKind(objects, 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ secretName: 'harbor-tls', hosts: [HOST] }]);
    expect(ingress.spec.rules).toHaveLength(1);
    expect(ingress.spec.rules[0].host).toBe(HOST);
    const routes: Record<string, string> = {};
    for (const p of ingress.spec.rules[0].http.paths) {
      expect(p.pathType).toBe('Prefix');
      const service = find(objects, 'Service', p.backend.service.name);
      expect(service.spec.ports.map((sp: any) => sp.port)).toContain(p.backend.service.port.number);
      routes[p.path] = resolve(objects, 'harbor', `${p.backend.service.name}.harbor.svc.cluster.local`, p.backend.service.port.number).workload;
    }
    expect(routes).toEqual({
      '/api/': 'harbor-core', '/service/': 'harbor-core', '/v2/': 'harbor-core', '/c/': 'harbor-core', '/': 'harbor-portal',
    });
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('0');
  });

  test('the nginx Service exposes nginx on the requested node ports', () => {
    const { objects } = synthesized['nodePort with TLS and metrics'];
    const service = find(objects, 'Service', 'harbor');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports.map((p: any) => [p.name, p.port, p.nodePort])).toEqual([['http', 80, 30002], ['https', 443, 30003]]);
    for (const p of service.spec.ports) expect(resolve(objects, 'harbor', 'harbor.harbor.svc.cluster.local', p.port).container).toBe('nginx');
    const conf = find(objects, 'ConfigMap', 'harbor-nginx-config').data['nginx.conf'];
    for (const path of ['/api/', '/service/', '/v2/', '/c/']) expect(conf).toContain(`location ${path} {\n      proxy_pass http://core${path};`);
    expect(conf).toContain('proxy_pass http://portal/;');
    expect(conf).toContain('listen 8443 ssl;');
    expect(conf).toContain('client_max_body_size 0;');
  });

  test('externalURL reaches core as EXT_ENDPOINT', () => {
    const { objects } = synthesized['default (Ingress with TLS)'];
    expect(resolvedEnv(objects, container(objects, 'harbor-core', 'core')).EXT_ENDPOINT).toBe(`https://${HOST}`);
  });
});

describe('Harbor secrets', () => {
  const WEAK = ['Harbor12345', 'not-a-secure-key', 'harbor_registry_password', 'changeit', 'root123'];
  /** Env vars that carry a secret: never a literal, never a ConfigMap key. */
  const SECRET_ENV = [
    'CORE_SECRET', 'JOBSERVICE_SECRET', 'CSRF_KEY', 'HARBOR_ADMIN_PASSWORD', 'POSTGRESQL_PASSWORD', 'POSTGRES_PASSWORD',
    'REGISTRY_CREDENTIAL_PASSWORD', 'REGISTRY_HTTP_SECRET', 'REGISTRY_REDIS_PASSWORD', 'REDIS_PASSWORD', 'HARBOR_DATABASE_PASSWORD',
    'REGISTRY_STORAGE_S3_ACCESSKEY', 'REGISTRY_STORAGE_S3_SECRETKEY', 'SCANNER_TRIVY_GITHUB_TOKEN',
  ];

  test.each(variants)('%s: no literal secret anywhere', (_, { objects }) => {
    const text = JSON.stringify(objects);
    for (const weak of WEAK) expect(text).not.toContain(weak);
    for (const { owner, container: c } of containersOf(objects)) {
      for (const e of c.env ?? []) {
        if (SECRET_ENV.includes(e.name)) expect([owner.metadata.name, e.name, e.valueFrom?.secretKeyRef !== undefined]).toEqual([owner.metadata.name, e.name, true]);
        // Redis URLs carry the password only as a reference the kubelet resolves.
        if (typeof e.value === 'string' && /^rediss?:\/\/[^@]*@/.test(e.value)) expect(e.value).toMatch(/^rediss?:\/\/[^:@]*:\$\(REDIS_PASSWORD\)@/);
      }
    }
    for (const cm of ofKind(objects, 'ConfigMap')) {
      for (const [key, value] of Object.entries<string>(cm.data)) {
        expect([cm.metadata.name, key, SECRET_ENV.includes(key)]).toEqual([cm.metadata.name, key, false]);
        expect(value).not.toMatch(/\/\/[^/\s]*:[^/\s]+@/); // no credentials in URLs
        if (key.endsWith('.yml')) {
          const keys: string[] = [];
          const walk = (node: unknown) => {
            if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) { keys.push(k); walk(v); }
          };
          walk(parse(value));
          expect(keys.filter(k => /secret|password|accesskey|token/i.test(k))).toEqual([]);
        }
      }
    }
  });

  test('the default stack needs no Secret from you: the generator makes every key Harbor reads', () => {
    const { stack } = synthesized['default (Ingress with TLS)'];
    expect(stack.requiredSecrets).toEqual([]);
    expect(stack.generatedSecrets.map(s => `${s.secretName}/${s.key}`)).toEqual([
      'harbor-admin/password',
      'harbor-core/csrfKey', 'harbor-core/secret', 'harbor-core/secretKey',
      'harbor-database/password',
      'harbor-jobservice/secret',
      'harbor-redis/password',
      'harbor-registry/htpasswd', 'harbor-registry/httpSecret', 'harbor-registry/password',
      'harbor-tls/tls.crt', 'harbor-tls/tls.key',
      'harbor-token-service/tls.crt', 'harbor-token-service/tls.key',
    ]);
  });

  test('all existing: exactly the Secret keys the components read, each once', () => {
    const stack = synth({ credentials: CredentialSource.existing() }).stack;
    expect([stack.generatedSecrets, stack.externalSecrets, stack.credentials.generator]).toEqual([[], [], undefined]);
    expect(stack.requiredSecrets.map(s => `${s.secretName}/${s.key}`)).toEqual([
      'harbor-admin/password',
      'harbor-core/csrfKey', 'harbor-core/secret', 'harbor-core/secretKey',
      'harbor-database/password',
      'harbor-jobservice/secret',
      'harbor-redis/password',
      'harbor-registry/htpasswd', 'harbor-registry/httpSecret', 'harbor-registry/password',
      'harbor-tls/tls.crt', 'harbor-tls/tls.key',
      'harbor-token-service/tls.key',
    ]);
    const secret = (name: string, key: string) => stack.requiredSecrets.find(s => s.secretName === name && s.key === key)!;
    expect(secret('harbor-redis', 'password').usedBy).toEqual(['core', 'jobservice', 'redis', 'registry', 'registryctl', 'trivy']);
    expect(secret('harbor-core', 'secret').usedBy).toEqual(['core', 'jobservice', 'registryctl']);
  });

  test('secret names follow the secrets prop and the stack name', () => {
    const custom = synth({ secrets: { core: 'my-core' } }).stack;
    expect(generatedIds(custom)).toContain('my-core/csrfKey');
    expect([...generatedIds(custom)].some(id => id.startsWith('harbor-core/'))).toBe(false);
    const renamed = synth({ name: 'hub' }).stack;
    expect([...generatedIds(renamed)].filter(id => !id.startsWith('harbor-tls/')).every(id => id.startsWith('hub-'))).toBe(true);
  });

  test('external backends read the caller\'s Secrets instead of the internal ones', () => {
    const ids = requiredIds(synthesized['external database and redis, S3, HA'].stack);
    expect(ids).toContain('pg-credentials/password');
    expect(ids).toContain('redis-credentials/password');
    expect(ids).toContain('harbor-s3/accessKey');
    expect(ids).not.toContain('harbor-database/password');
    expect(ids).not.toContain('harbor-redis/password');
  });

  describe('docs/harbor.md', () => {
    const docs = readFileSync(join(__dirname, '..', 'docs', 'harbor.md'), 'utf8');
    const own: RequiredSecretKey[] = synth({ credentials: CredentialSource.existing() }).stack.requiredSecrets.filter(s => s.secretName !== 'harbor-tls');

    test('its table lists every Secret key of the stack', () => {
      for (const s of own) {
        const row = docs.split('\n').find(l => l.startsWith(`| \`${s.secretName}\` | \`${s.key}\` |`));
        expect([s.secretName, s.key, row !== undefined]).toEqual([s.secretName, s.key, true]);
      }
      for (const [secret, keys] of Object.entries(HARBOR_SECRET_KEYS)) {
        for (const key of Object.values(keys)) expect(docs).toContain(`\`${key}\``);
        expect(docs).toContain(`\`harbor-${secret.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}\``);
      }
    });

    test('its existing recipe creates every Secret key of the stack from random values, none on a command line', () => {
      const commands = [...docs.matchAll(/```bash\n([\s\S]*?)```/g)].map(m => m[1].replace(/\\\n\s*/g, ' ')).join('\n').split('\n');
      expect(commands.filter(line => line.includes('--from-literal'))).toEqual([]);
      /** The line that writes each file (`... > file`). */
      const writers = new Map(commands.flatMap(line => [...line.matchAll(/> ([A-Za-z0-9._-]+)/g)].map(m => [m[1], line] as const)));
      const created = new Set<string>();
      for (const line of commands) {
        const m = /create secret (generic|tls) ([a-z0-9-]+)(.*)$/.exec(line);
        if (!m) continue;
        if (m[1] === 'tls') ['tls.crt', 'tls.key'].forEach(k => created.add(`${m[2]}/${k}`));
        for (const f of m[3].matchAll(/--from-file=([A-Za-z0-9._-]+)=(\S+)/g)) {
          created.add(`${m[2]}/${f[1]}`);
          expect([f[2], writers.get(f[2])]).toEqual([f[2], expect.stringMatching(/\brand \d+|htpasswd -niB/)]); // generated, never a fixed value
        }
      }
      for (const s of own) expect([`${s.secretName}/${s.key}`, created.has(`${s.secretName}/${s.key}`)]).toEqual([`${s.secretName}/${s.key}`, true]);
    });

    test('its existing recipe, run with a kubectl that records the Secrets, makes values of the shapes Harbor needs', () => {
      const recipe = [...docs.matchAll(/```bash\n([\s\S]*?)```/g)].map(m => m[1]).find(b => b.includes('create secret generic harbor-core'))!;
      const dir = mkdtempSync(join(tmpdir(), 'harbor-recipe-'));
      try {
        mkdirSync(join(dir, 'bin'));
        // kubectl [-n NS] create secret generic|tls NAME --from-file=KEY=FILE | --cert=FILE --key=FILE: copies the files.
        writeFileSync(join(dir, 'bin', 'kubectl'), [
          '#!/bin/sh',
          'while [ $# -gt 0 ]; do case $1 in -n) shift 2 ;; create) shift; break ;; *) shift ;; esac; done',
          '[ "$1" = secret ] || exit 0',
          'name=$3; shift 3; mkdir -p "$OUT/$name"',
          'for a; do case $a in',
          '  --from-file=*) kv=${a#--from-file=}; cp "${kv#*=}" "$OUT/$name/${kv%%=*}" ;;',
          '  --cert=*) cp "${a#--cert=}" "$OUT/$name/tls.crt" 2>/dev/null ;;',
          '  --key=*) cp "${a#--key=}" "$OUT/$name/tls.key" 2>/dev/null ;;',
          'esac; done',
          'exit 0',
        ].join('\n'), { mode: 0o755 });
        const run = spawnSync('bash', ['--norc', '--noprofile', '-c', recipe], { env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, OUT: join(dir, 'out'), TMPDIR: dir }, encoding: 'utf8' });
        expect([run.status, run.stderr]).toEqual([0, expect.not.stringMatching(/error|not found|no such file|usage/i)]);
        const value = (secret: string, key: string) => readFileSync(join(dir, 'out', secret, key), 'utf8');
        expect(value('harbor-admin', 'password')).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])[A-Za-z0-9]{27}$/);
        expect(value('harbor-core', 'secretKey')).toMatch(/^[0-9a-f]{16}$/);
        expect(value('harbor-core', 'csrfKey')).toMatch(/^[0-9a-f]{32}$/);
        expect(value('harbor-redis', 'password')).toMatch(/^[0-9a-f]{32}$/);
        const htpasswd = join(dir, 'htpasswd');
        writeFileSync(htpasswd, `${value('harbor-registry', 'htpasswd')}\n`);
        const verify = (password: string) => spawnSync('htpasswd', ['-i', '-v', htpasswd, 'harbor_registry_user'], { input: password }).status;
        expect([verify(value('harbor-registry', 'password')), verify('other')]).toEqual([0, 3]);
        expect(spawnSync('openssl', ['pkey', '-noout', '-check', '-in', join(dir, 'out', 'harbor-token-service', 'tls.key')], { encoding: 'utf8' }).stdout).toContain('valid');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
