import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { InvalidPropError } from '../lib/common/errors';
import { SecretKeyRef } from '../lib/common/secret';
import { CredentialSource, DatabaseConnection, IDatabaseConnection, RedisConnection } from '../lib';
import { HarborExposure, Harbor, HarborStack, HarborStackProps, HarborDatabase, HarborRedis, HarborRegistryStorage } from '../lib/harbor';
import { expectValid, find, Manifest } from './support/manifests';

const HOST = 'registry.example.com';
const INGRESS = HarborExposure.ingress({ className: 'nginx', hosts: { core: HOST }, tls: { secretName: 'harbor-tls' } });

function stack(props: Partial<HarborStackProps> = {}): HarborStack {
  return new HarborStack(Testing.app(), 'harbor', { exposure: INGRESS, ...props });
}

/** An external PostgreSQL handle. */
const pg = (host: string, password: SecretKeyRef) => DatabaseConnection.fromAttributes({
  host, databaseName: 'registry', user: 'harbor', password, engineFamily: 'postgresql',
});

const ofKindNames = (objects: Manifest[], kind: string) => objects.filter(o => o.kind === kind).map(o => o.metadata.name);

function objectsOf(props: Partial<HarborStackProps> = {}): Manifest[] {
  const objects = stack(props).toJson();
  expectValid(objects);
  return objects;
}

/** kind/name of each object; the secret generator's Job without the hash of its spec (which lists the Secrets). */
function ids(objects: readonly Manifest[]): Set<string> {
  return new Set(objects.map(o => `${o.kind}/${o.kind === 'Job' ? o.metadata.name.replace(/-[0-9a-f]{8}$/, '') : o.metadata.name}`));
}

/** The kind/name sets a variant adds to and removes from the default stack. */
function diff(props: Partial<HarborStackProps>): { added: string[]; removed: string[] } {
  const base = ids(objectsOf());
  const variant = ids(objectsOf(props));
  return {
    added: [...variant].filter(id => !base.has(id)).sort(),
    removed: [...base].filter(id => !variant.has(id)).sort(),
  };
}

function coreEnv(objects: readonly Manifest[]): Record<string, string> {
  return find(objects, 'ConfigMap', 'harbor-core-env').data;
}

/** The error a construction throws (fails when it does not throw one of ours). */
function errorOf(props: Partial<HarborStackProps>): InvalidPropError {
  try {
    stack(props);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidPropError);
    return e as InvalidPropError;
  }
  throw new Error('expected an InvalidPropError');
}

describe('Harbor variants change exactly the objects they should', () => {
  test('nodePort instead of Ingress adds nginx and its Service and removes the Ingress', () => {
    expect(diff({ exposure: HarborExposure.nodePort({ host: 'node1.example.com' }) })).toEqual({
      added: ['ConfigMap/harbor-nginx-config', 'Deployment/harbor-nginx', 'Service/harbor'],
      removed: ['Ingress/harbor-ingress'],
    });
  });

  test('clusterIP and loadBalancer also go through nginx, with the Service type and ports asked for', () => {
    const lb = objectsOf({ exposure: HarborExposure.loadBalancer({ host: HOST, tls: { secretName: 'harbor-tls' }, httpsPort: 8443, sourceRanges: ['10.0.0.0/8'], serviceName: 'registry' }) });
    const service = find(lb, 'Service', 'registry');
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'] });
    expect(service.spec.ports.map((p: any) => [p.port, p.targetPort])).toEqual([[80, 'http'], [8443, 'https']]);
    const cip = objectsOf({ exposure: HarborExposure.clusterIP({ host: 'harbor.internal' }) });
    expect(find(cip, 'Service', 'harbor').spec.type).toBe('ClusterIP');
    expect(find(cip, 'Service', 'harbor').spec.ports).toHaveLength(1);
  });

  test('trivy off removes the scanner and tells core', () => {
    expect(diff({ trivy: false })).toEqual({
      added: [],
      removed: ['Service/harbor-trivy', 'Service/harbor-trivy-headless', 'StatefulSet/harbor-trivy'],
    });
    const env = coreEnv(objectsOf({ trivy: false }));
    expect(env.WITH_TRIVY).toBe('false');
    expect(env.TRIVY_ADAPTER_URL).toBeUndefined();
  });

  test('metrics on adds the exporter and metrics ports', () => {
    expect(diff({ metrics: {} })).toEqual({
      added: ['ConfigMap/harbor-exporter-env', 'Deployment/harbor-exporter', 'Service/harbor-exporter'],
      removed: [],
    });
    const objects = objectsOf({ metrics: {} });
    for (const name of ['harbor-core', 'harbor-jobservice', 'harbor-registry', 'harbor-exporter']) {
      expect(find(objects, 'Service', name).spec.ports.map((p: any) => p.port)).toContain(8001);
    }
    expect(coreEnv(objects)).toMatchObject({ METRIC_ENABLE: 'true', METRIC_PORT: '8001' });
  });

  test('an external database removes the internal one', () => {
    const database = HarborDatabase.external(pg('pg.example.com', SecretKeyRef.of('pg', 'password')), { sslMode: 'verify-full' });
    expect(diff({ database })).toEqual({ added: [], removed: ['Service/harbor-database', 'StatefulSet/harbor-database'] });
    expect(coreEnv(objectsOf({ database }))).toMatchObject({ POSTGRESQL_HOST: 'pg.example.com', POSTGRESQL_SSLMODE: 'verify-full' });
  });

  test('an external Redis removes the internal one', () => {
    const redis = HarborRedis.external(RedisConnection.fromAttributes({ host: 'redis.example.com', port: 6380 }));
    expect(diff({ redis })).toEqual({ added: [], removed: ['ConfigMap/harbor-redis-scripts', 'Service/harbor-redis', 'StatefulSet/harbor-redis'] });
    const core = find(objectsOf({ redis }), 'Deployment', 'harbor-core').spec.template.spec.containers[0];
    const env = Object.fromEntries(core.env.map((e: any) => [e.name, e.value]));
    expect(env._REDIS_URL_CORE).toBe('redis://redis.example.com:6380/0?idle_timeout_seconds=30');
    expect('REDIS_PASSWORD' in env).toBe(false);
  });

  test('S3 storage removes the registry claim', () => {
    const storage = HarborRegistryStorage.s3({ region: 'us-east-1', bucket: 'harbor', endpoint: 'https://minio.example.com:9000', disableRedirect: true });
    expect(diff({ registry: { imageStorage: storage } })).toEqual({ added: [], removed: ['PersistentVolumeClaim/harbor-registry-data'] });
  });

  test('database job logs remove the job-logs claim', () => {
    expect(diff({ jobservice: { jobLoggers: ['database'] } })).toEqual({ added: [], removed: ['PersistentVolumeClaim/harbor-jobservice-job-logs'] });
  });

  test('existing claims replace the created ones', () => {
    const objects = objectsOf({ registry: { storage: { existingClaim: 'old-registry' } }, jobservice: { storage: { existingClaim: 'old-logs' } } });
    expect(ids(objects).has('PersistentVolumeClaim/harbor-registry-data')).toBe(false);
    const volumes = find(objects, 'Deployment', 'harbor-registry').spec.template.spec.volumes;
    expect(volumes.find((v: any) => v.name === 'data').persistentVolumeClaim.claimName).toBe('old-registry');
  });

  test('replicas above one add PodDisruptionBudgets', () => {
    expect(diff({ core: { replicas: 2 }, portal: { replicas: 3 } })).toEqual({
      added: ['PodDisruptionBudget/harbor-core', 'PodDisruptionBudget/harbor-portal'],
      removed: [],
    });
  });

  test('persistence options reach the claims', () => {
    const objects = objectsOf({
      registry: { storage: { size: '200Gi', storageClassName: 'fast' } },
      database: HarborDatabase.builtIn({ storage: { size: '20Gi', storageClassName: 'ssd' } }),
      trivy: { storage: { size: '10Gi' } },
    });
    expect(find(objects, 'PersistentVolumeClaim', 'harbor-registry-data').spec).toMatchObject({
      storageClassName: 'fast', resources: { requests: { storage: '200Gi' } }, accessModes: ['ReadWriteOnce'],
    });
    expect(find(objects, 'StatefulSet', 'harbor-database').spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'ssd', resources: { requests: { storage: '20Gi' } },
    });
    expect(find(objects, 'StatefulSet', 'harbor-trivy').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
  });
});

describe('Harbor externalURL', () => {
  test.each([
    ['an Ingress with TLS', INGRESS, `https://${HOST}`],
    ['an Ingress without TLS', HarborExposure.ingress({ className: 'traefik', hosts: { core: HOST } }), `http://${HOST}`],
    ['an Ingress behind TLS offload', HarborExposure.ingress({ className: 'nginx', hosts: { core: HOST }, tlsTerminatedUpstream: true }), `https://${HOST}`],
    ['a NodePort', HarborExposure.nodePort({ host: '10.0.0.5' }), 'http://10.0.0.5:30002'],
    ['a NodePort with TLS', HarborExposure.nodePort({ host: 'node1.example.com', tls: { secretName: 't' }, httpsPort: 31443 }), 'https://node1.example.com:31443'],
    ['a LoadBalancer on default ports', HarborExposure.loadBalancer({ host: HOST, tls: { secretName: 't' } }), `https://${HOST}`],
    ['a ClusterIP on port 8080', HarborExposure.clusterIP({ host: 'harbor.internal', httpPort: 8080 }), 'http://harbor.internal:8080'],
  ])('is derived from %s', (_, exposure, url) => {
    const s = stack({ exposure });
    expect(s.harbor.externalURL).toBe(url);
    expect(coreEnv(s.toJson()).EXT_ENDPOINT).toBe(url);
  });

  test('an explicit one that matches is normalised', () => {
    expect(stack({ externalURL: `https://${HOST}/` }).harbor.externalURL).toBe(`https://${HOST}`);
    expect(stack({ externalURL: `https://${HOST.toUpperCase()}:443` }).harbor.externalURL).toBe(`https://${HOST}`);
    expect(stack({ exposure: HarborExposure.nodePort(), externalURL: 'http://harbor.example.com:30002' }).harbor.externalURL).toBe('http://harbor.example.com:30002');
  });

  test('a port other than the one clients reach is an error: the token realm would point at a closed port', () => {
    expect(errorOf({ externalURL: `https://${HOST}:8443` }).message).toMatch(new RegExp(
      '^harbor/harbor: externalURL "https://registry\\.example\\.com:8443" is invalid: must use port 443, not 8443: the Ingress controller listens on 443.*401.*'
      + 'if your Ingress controller listens on another port, set HarborExposure\\.ingress\\(\\{ controllerPort \\}\\)'));
    expect(errorOf({ exposure: HarborExposure.nodePort({ httpPort: 30080 }), externalURL: 'http://harbor.example.com:30099' }).message)
      .toMatch(/must use port 30080, not 30099: the node port \(httpPort\) of HarborExposure\.nodePort\(\) listens on 30080/);
    expect(errorOf({ exposure: HarborExposure.nodePort(), externalURL: 'http://harbor.example.com' }).message).toMatch(/must use port 30002, not 80/);
    expect(errorOf({ exposure: HarborExposure.loadBalancer({ tls: { secretName: 'harbor-tls' }, httpsPort: 8443 }), externalURL: 'https://harbor.example.com' }).message)
      .toMatch(/must use port 8443, not 443: the Service \(httpsPort\) of HarborExposure\.loadBalancer\(\) listens on 8443/);
  });

  test('an Ingress controller on another port carries it into the derived and the explicit external URL', () => {
    const exposure = HarborExposure.ingress({ className: 'nginx', hosts: { core: HOST }, tls: { secretName: 'harbor-tls' }, controllerPort: 30443 });
    expect(stack({ exposure }).harbor.externalURL).toBe(`https://${HOST}:30443`);
    expect(stack({ exposure, externalURL: `https://${HOST}:30443` }).harbor.externalURL).toBe(`https://${HOST}:30443`);
    expect(errorOf({ exposure, externalURL: `https://${HOST}` }).message).toMatch(/must use port 30443, not 443: the Ingress controller \(controllerPort\) listens on 30443/);
    expect(errorOf({ exposure: HarborExposure.ingress({ className: 'nginx', hosts: { core: HOST }, tlsTerminatedUpstream: true, controllerPort: 8080 }) }).message)
      .toMatch(/exposure\.controllerPort 8080 is invalid: cannot be combined with tlsTerminatedUpstream/);
  });

  test('with TLS ended upstream, the port is the load balancer\'s and any one is taken', () => {
    const exposure = HarborExposure.loadBalancer({ host: HOST, tlsTerminatedUpstream: true });
    expect(stack({ exposure, externalURL: `https://${HOST}:8443` }).harbor.externalURL).toBe(`https://${HOST}:8443`);
  });

  test('a load balancer source range that is not a CIDR is an error', () => {
    expect(errorOf({ exposure: HarborExposure.loadBalancer({ host: HOST, sourceRanges: ['10.0.0.0/8', '10.0.0.0/33'] }) }).message)
      .toMatch(/^harbor\/harbor: exposure\.sourceRanges\[1\] "10\.0\.0\.0\/33" is invalid: must be a CIDR such as "10\.0\.0\.0\/8"/);
  });

  test('a scheme that does not match the Ingress TLS is an error', () => {
    const e = errorOf({ externalURL: `http://${HOST}` });
    expect(e.message).toMatch(/^harbor\/harbor: externalURL "http:\/\/registry\.example\.com" is invalid: must use https:\/\/ because the Ingress serves HTTPS/);
    expect(e.message).toContain('401');
    expect(errorOf({ exposure: HarborExposure.ingress({ className: 'nginx', hosts: { core: HOST } }), externalURL: `https://${HOST}` }).message)
      .toMatch(/must use http:\/\/ because the Ingress has no TLS \(set tls or tlsTerminatedUpstream for https\)/);
  });

  test('a host that does not match the Ingress host is an error', () => {
    expect(errorOf({ externalURL: 'https://harbor.example.com' }).message)
      .toMatch(/externalURL "https:\/\/harbor\.example\.com" is invalid: must have the host "registry\.example\.com" of the Ingress \(hosts\.core\), not "harbor\.example\.com"; a wrong externalURL makes every docker login and push fail with 401/);
    expect(errorOf({ exposure: HarborExposure.nodePort({ host: 'node1.example.com' }), externalURL: 'http://node2.example.com:30002' }).message)
      .toMatch(/must have the host "node1\.example\.com" of HarborExposure\.nodePort\(\{ host \}\)/);
  });

  test('an nginx exposure without host needs an explicit externalURL', () => {
    expect(errorOf({ exposure: HarborExposure.nodePort() }).message)
      .toMatch(/externalURL \(unset\) is invalid: is required with HarborExposure\.nodePort\(\) unless the exposure names a host/);
  });

  test('a URL with a path, credentials or another scheme is an error', () => {
    expect(errorOf({ externalURL: `https://${HOST}/harbor` }).message).toMatch(/without a path/);
    expect(errorOf({ externalURL: `https://admin:pw@${HOST}` }).message).toMatch(/must not carry credentials/);
    expect(errorOf({ externalURL: `ftp://${HOST}` }).message).toMatch(/must use http:\/\/ or https:\/\//);
    expect(errorOf({ externalURL: HOST }).message).toMatch(/must be an absolute URL/);
  });
});

describe('Harbor replicas and ReadWriteOnce claims', () => {
  test('a filesystem registry on a ReadWriteOnce claim cannot have two replicas', () => {
    const e = errorOf({ registry: { replicas: 2 } });
    expect(e.constructPath).toBe('harbor/harbor');
    expect(e.message).toMatch(/^harbor\/harbor: registry\.replicas 2 is invalid: must be at most 1 while registry\.storage\.accessModes is \["ReadWriteOnce"\]/);
    expect(e.message).toContain('an object store (registry.imageStorage)');
  });

  test('jobservice with file logs on a ReadWriteOnce claim cannot have two replicas', () => {
    expect(errorOf({ jobservice: { replicas: 2 } }).message)
      .toMatch(/^harbor\/harbor: jobservice\.replicas 2 is invalid: must be at most 1 while jobservice\.storage\.accessModes is \["ReadWriteOnce"\].*jobLoggers/);
  });

  test('one replica on a ReadWriteOnce claim uses Recreate', () => {
    const objects = objectsOf();
    expect(find(objects, 'Deployment', 'harbor-registry').spec.strategy).toEqual({ type: 'Recreate' });
    expect(find(objects, 'Deployment', 'harbor-jobservice').spec.strategy).toEqual({ type: 'Recreate' });
    expect(find(objects, 'Deployment', 'harbor-core').spec.strategy.type).toBe('RollingUpdate');
  });

  test('ReadWriteMany, S3 or database logs allow several replicas with rolling updates', () => {
    const rwx = objectsOf({ registry: { replicas: 2, storage: { accessModes: ['ReadWriteMany'], storageClassName: 'nfs' } } });
    expect(find(rwx, 'Deployment', 'harbor-registry').spec).toMatchObject({ replicas: 2, strategy: { type: 'RollingUpdate' } });
    expect(find(rwx, 'PodDisruptionBudget', 'harbor-registry').spec.maxUnavailable).toBe(1);
    const s3 = objectsOf({ registry: { replicas: 3, imageStorage: HarborRegistryStorage.s3({ region: 'eu-west-1', bucket: 'images' }) } });
    expect(find(s3, 'Deployment', 'harbor-registry').spec.replicas).toBe(3);
    const logs = objectsOf({ jobservice: { replicas: 2, jobLoggers: ['database'] } });
    expect(find(logs, 'Deployment', 'harbor-jobservice').spec.replicas).toBe(2);
  });
});

describe('Harbor prop checks', () => {
  test.each<[string, Partial<HarborStackProps>, RegExp]>([
    ['version', { version: 'v1.10.0' }, /version "v1\.10\.0" is invalid: must be a Harbor 2\.x release tag/],
    ['latest', { version: 'latest' }, /version "latest" is invalid/],
    ['name', { name: '1harbor' }, /name "1harbor" is invalid: must start with a letter/],
    ['namespace', { namespace: 'Harbor' }, /namespace "Harbor" is invalid: must be a DNS-1123 label/],
    ['log level', { logLevel: 'verbose' as any }, /logLevel "verbose" is invalid: must be one of debug, info, warning, error, fatal/],
    ['Ingress class', { exposure: HarborExposure.ingress({ className: '', hosts: { core: HOST } }) }, /exposure\.className "" is invalid/],
    ['Ingress host', { exposure: HarborExposure.ingress({ className: 'nginx', hosts: { core: 'https://x.example.com' } }) }, /exposure\.hosts\.core "https:\/\/x\.example\.com" is invalid/],
    ['node ports', { exposure: HarborExposure.nodePort({ host: 'n', httpPort: 30002, httpsPort: 30002 }) }, /exposure\.httpsPort 30002 is invalid: must differ from httpPort/],
    ['nginx options with an Ingress', { nginx: { replicas: 2 } }, /nginx \{"replicas":2\} is invalid: only applies when the exposure is not an Ingress/],
    ['claim size', { registry: { storage: { size: '10GB' } } }, /registry\.storage\.size "10GB" is invalid: must be a Kubernetes quantity: did you mean "10Gi"/],
    ['persistence with S3', { registry: { imageStorage: HarborRegistryStorage.s3({ region: 'eu-west-1', bucket: 'b' + 'x'.repeat(3) }), storage: { size: '1Gi' } } },
      /registry\.storage .* is invalid: only applies to filesystem storage/],
    ['S3 bucket', { registry: { imageStorage: HarborRegistryStorage.s3({ region: 'eu-west-1', bucket: 'My_Bucket' }) } }, /registry\.imageStorage\.bucket "My_Bucket" is invalid/],
    ['S3 endpoint', { registry: { imageStorage: HarborRegistryStorage.s3({ region: 'eu-west-1', bucket: 'images', endpoint: 'minio:9000' }) } }, /registry\.imageStorage\.endpoint "minio:9000" is invalid/],
    ['job loggers', { jobservice: { jobLoggers: [] } }, /jobservice\.jobLoggers \[\] is invalid/],
    ['external database password', { database: HarborDatabase.external(pg('pg', 'hunter2' as any)) },
      /database\.password "\(a string, not shown\)" is invalid: must be a SecretKeyRef/],
    ['external database host', { database: HarborDatabase.external(pg('pg:5432', SecretKeyRef.of('pg', 'pw'))) },
      /database\.endpoint\.host "pg:5432" is invalid: must be a bare host name or IPv4 address/],
    ['external database engine', { database: HarborDatabase.external({ ...pg('pg', SecretKeyRef.of('pg', 'pw')), engineFamily: 'mysql' }) },
      /database\.engineFamily "mysql" is invalid: must be postgresql/],
    ['not a backend', { database: { host: 'pg' } as any }, /database "object" is invalid: must be HarborDatabase.builtIn/],
    ['Redis database numbers', { redis: HarborRedis.external(RedisConnection.fromAttributes({ host: 'redis' }), { databaseIndexes: { core: 1 } }) },
      /redis\.databaseIndexes .* is invalid: must give each component its own database number/],
    ['trivy timeout', { trivy: { timeout: '5 minutes' } }, /trivy\.timeout "5 minutes" is invalid: must be a Go duration/],
    ['secret names', { secrets: { core: 'Core_Secret' } }, /secrets\.core "Core_Secret" is invalid/],
  ])('rejects a bad %s, naming the prop', (_, props, message) => {
    expect(errorOf(props).message).toMatch(message);
  });
});

describe('a literal password passed where a SecretKeyRef belongs', () => {
  test('is rejected without being echoed into the error (CI logs)', () => {
    const message = errorOf({ database: HarborDatabase.external(pg('pg', 'S3cr3t-Pa55' as any)) }).message;
    expect(message).toContain('must be a SecretKeyRef');
    expect(message).not.toContain('S3cr3t-Pa55');
  });
});

test('node ports outside the API server\'s default range 30000-32767 are rejected', () => {
  expect(errorOf({ exposure: HarborExposure.nodePort({ host: 'node1.example.com', httpPort: 8080 }) }).message)
    .toMatch(/exposure.httpPort 8080 is invalid: must be between 30000 and 32767/);
});

describe('Harbor tuning props reach the components', () => {
  const objects = objectsOf({
    listenIPv6: true,
    database: HarborDatabase.builtIn({ shmSizeLimit: '1Gi' }),
    jobservice: { maxJobWorkers: 4 },
    trivy: { severity: 'CRITICAL', ignoreUnfixed: true, skipJavaDBUpdate: true },
    registry: {
      imageStorage: HarborRegistryStorage.s3({ region: 'eu-west-1', bucket: 'images', rootDirectory: '/harbor', chunkSize: 8388608 }),
      controllerResources: { requests: { cpu: '75m', memory: '80Mi' } },
    },
    metrics: { exporter: { resources: { requests: { cpu: '60m', memory: '70Mi' } } } },
  } as Partial<HarborStackProps>);
  const containerOf = (kind: string, name: string, container: string) =>
    find(objects, kind, name).spec.template.spec.containers.find((c: Manifest) => c.name === container);
  const envOf = (c: Manifest) => Object.fromEntries((c.env ?? []).map((e: Manifest) => [e.name, e.value]));

  test('are valid together', () => expectValid(objects));

  test('database shared memory, jobservice workers, trivy scanning options', () => {
    const shm = find(objects, 'StatefulSet', 'harbor-database').spec.template.spec.volumes.find((v: Manifest) => v.name === 'shm');
    expect(shm.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1Gi' });
    expect(find(objects, 'ConfigMap', 'harbor-jobservice-config').data['config.yml']).toMatch(/workers: 4\b/);
    expect(envOf(containerOf('StatefulSet', 'harbor-trivy', 'trivy'))).toMatchObject({
      SCANNER_TRIVY_SEVERITY: 'CRITICAL', SCANNER_TRIVY_IGNORE_UNFIXED: 'true', SCANNER_TRIVY_SKIP_JAVA_DB_UPDATE: 'true',
    });
  });

  test('S3 root directory and chunk size, registryctl and exporter resources, IPv6 listeners', () => {
    const registryConfig = find(objects, 'ConfigMap', 'harbor-registry-config').data['config.yml'];
    expect(registryConfig).toMatch(/rootdirectory: \/harbor/);
    expect(registryConfig).toMatch(/chunksize: 8388608/);
    expect(containerOf('Deployment', 'harbor-registry', 'registryctl').resources.requests).toEqual({ cpu: '75m', memory: '80Mi' });
    expect(containerOf('Deployment', 'harbor-exporter', 'exporter').resources.requests).toEqual({ cpu: '60m', memory: '70Mi' });
    const portal = Object.values(find(objects, 'ConfigMap', 'harbor-portal-config').data).join('\n');
    expect(portal).toMatch(/listen \[::\]:8080;/);
  });
});

describe('the CA of the external certificate (exposure tls.ca)', () => {
  const core = (objects: Manifest[]) => find(objects, 'Deployment', 'harbor-core').spec.template.spec;

  test('is mounted into core at /etc/core/ca/ca.crt, where Harbor looks for the certificate download', () => {
    const ca = SecretKeyRef.of('harbor-tls', 'ca.crt');
    const s = stack({
      exposure: HarborExposure.ingress({ className: 'nginx', hosts: { core: HOST }, tls: { secretName: 'harbor-tls', ca } }),
      credentials: { tls: CredentialSource.existing() },
    });
    const objects = s.toJson();
    expectValid(objects);
    const spec = core(objects);
    expect(spec.volumes).toContainEqual({ name: 'ca-download', secret: { secretName: 'harbor-tls', defaultMode: 0o440, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'ca-download', mountPath: '/etc/core/ca', readOnly: true });
    expect(s.harbor.requiredSecrets).toContainEqual(expect.objectContaining({ secretName: 'harbor-tls', key: 'ca.crt', usedBy: ['core'] }));
  });

  test('works with nginx TLS too; without a CA and an existing certificate there is no mount', () => {
    const nodePort = core(objectsOf({ exposure: HarborExposure.nodePort({ host: 'n1.example.com', tls: { secretName: 't', ca: SecretKeyRef.of('ca', 'root.pem') } }) }));
    expect(nodePort.volumes.find((v: Manifest) => v.name === 'ca-download').secret.items).toEqual([{ key: 'root.pem', path: 'ca.crt' }]);
    expect(core(objectsOf({ credentials: { tls: CredentialSource.existing() } })).volumes.map((v: Manifest) => v.name)).not.toContain('ca-download');
    expect(core(objectsOf({ exposure: HarborExposure.clusterIP({ host: 'harbor.internal' }) })).volumes.map((v: Manifest) => v.name)).not.toContain('ca-download');
  });

  test('a generated certificate is self-signed: core offers its tls.crt for download, as harbor-helm does with certSource auto', () => {
    const spec = core(objectsOf());
    expect(spec.volumes).toContainEqual({ name: 'ca-download', secret: { secretName: 'harbor-tls', defaultMode: 0o440, items: [{ key: 'tls.crt', path: 'ca.crt' }] } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'ca-download', mountPath: '/etc/core/ca', readOnly: true });
  });
});

describe('existing claims for the database, Redis and Trivy (storage.existingClaim)', () => {
  const objects = objectsOf({
    database: HarborDatabase.builtIn({ storage: { existingClaim: 'old-harbor-db' } }),
    redis: HarborRedis.builtIn({ storage: { existingClaim: 'old-harbor-redis' } }),
    trivy: { storage: { existingClaim: 'old-harbor-trivy' } },
  });

  test.each([
    ['harbor-database', 'database', 'old-harbor-db', '/var/lib/postgresql/data'],
    ['harbor-redis', 'redis', 'old-harbor-redis', '/var/lib/redis'],
    ['harbor-trivy', 'trivy', 'old-harbor-trivy', '/home/scanner/.cache'],
  ])('%s mounts the claim as its data volume, with no claim template', (name, containerName, claim, mountPath) => {
    const sts = find(objects, 'StatefulSet', name);
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    const spec = sts.spec.template.spec;
    expect(spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: claim } });
    const c = spec.containers.find((x: Manifest) => x.name === containerName);
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath });
  });

  test('the database init container still fixes pgdata permissions on it; Trivy with an existing claim runs one pod', () => {
    const init = find(objects, 'StatefulSet', 'harbor-database').spec.template.spec.initContainers[0];
    expect(init.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data' }]);
    expect(() => stack({ trivy: { replicas: 2, storage: { existingClaim: 'cache' } } })).toThrow(/trivy.replicas 2 is invalid: must be at most 1 with trivy.storage.existingClaim/);
    expect(() => stack({ redis: HarborRedis.builtIn({ storage: { existingClaim: 'Bad_Name' } }) })).toThrow(/redis.storage.existingClaim/);
  });
});

describe('object storage drivers beyond S3 (harbor-helm persistence.imageChartStorage.*)', () => {
  const registry = (storage: HarborRegistryStorage) => {
    const s = stack({ registry: { imageStorage: storage, replicas: 2 } });
    const objects = s.toJson();
    expectValid(objects);
    const config = parse(find(objects, 'ConfigMap', 'harbor-registry-config').data['config.yml']).storage;
    const spec = find(objects, 'Deployment', 'harbor-registry').spec.template.spec;
    const env = (name: string) => Object.fromEntries(spec.containers.find((c: Manifest) => c.name === name).env
      .filter((e: Manifest) => e.name.startsWith('REGISTRY_STORAGE_')).map((e: Manifest) => [e.name, e.valueFrom.secretKeyRef]));
    const coreEnv = find(objects, 'ConfigMap', 'harbor-core-env').data;
    return { s, objects, config, spec, env, coreEnv };
  };

  test('Azure: account, container, realm in config.yml; the account key from a Secret in both containers', () => {
    const r = registry(HarborRegistryStorage.azure({ accountName: 'harborimages', container: 'registry', realm: 'core.chinacloudapi.cn', accountKey: SecretKeyRef.of('azure', 'key') }));
    expect(r.config.azure).toEqual({ accountname: 'harborimages', container: 'registry', realm: 'core.chinacloudapi.cn' });
    expect(r.coreEnv.REGISTRY_STORAGE_PROVIDER_NAME).toBe('azure');
    for (const c of ['registry', 'registryctl']) expect(r.env(c)).toEqual({ REGISTRY_STORAGE_AZURE_ACCOUNTKEY: { name: 'azure', key: 'key' } });
    expect(r.objects.filter(o => o.kind === 'PersistentVolumeClaim').map(o => o.metadata.name)).not.toContain('harbor-registry-data');
    expect(r.s.harbor.requiredSecrets).toContainEqual(expect.objectContaining({ secretName: 'azure', key: 'key', usedBy: ['registry', 'registryctl'] }));
  });

  test('GCS: the key file mounted at /etc/registry/gcs-key.json in both containers; none with Workload Identity', () => {
    const r = registry(HarborRegistryStorage.gcs({ bucket: 'harbor-images', keyFile: SecretKeyRef.of('gcs', 'sa.json'), rootDirectory: '/harbor', chunkSize: 5242880 }));
    expect(r.config.gcs).toEqual({ bucket: 'harbor-images', keyfile: '/etc/registry/gcs-key.json', rootdirectory: '/harbor', chunksize: 5242880 });
    expect(r.spec.volumes).toContainEqual({ name: 'gcs-key', secret: { secretName: 'gcs', defaultMode: 0o440, items: [{ key: 'sa.json', path: 'gcs-key.json' }] } });
    for (const c of r.spec.containers) {
      expect(c.volumeMounts).toContainEqual({ name: 'gcs-key', mountPath: '/etc/registry/gcs-key.json', subPath: 'gcs-key.json', readOnly: true });
    }
    const wi = registry(HarborRegistryStorage.gcs({ bucket: 'harbor-images' }));
    expect(wi.config.gcs).toEqual({ bucket: 'harbor-images' });
    expect(wi.spec.volumes.map((v: Manifest) => v.name)).not.toContain('gcs-key');
  });

  test('Swift: Keystone settings in config.yml; password and temp URL keys from Secrets', () => {
    const r = registry(HarborRegistryStorage.swift({
      authUrl: 'https://keystone.example.com/v3', username: 'harbor', password: SecretKeyRef.of('swift', 'password'), container: 'registry',
      region: 'RegionOne', domain: 'Default', tenant: 'harbor', authVersion: 3, endpointType: 'internal',
      tempUrl: { secretKey: SecretKeyRef.of('swift', 'tempurl'), accessKey: SecretKeyRef.of('swift', 'access') },
    }));
    expect(r.config.swift).toEqual({
      authurl: 'https://keystone.example.com/v3', username: 'harbor', container: 'registry', region: 'RegionOne', tenant: 'harbor',
      domain: 'Default', authversion: 3, endpointtype: 'internal',
    });
    expect(r.env('registry')).toEqual({
      REGISTRY_STORAGE_SWIFT_PASSWORD: { name: 'swift', key: 'password' },
      REGISTRY_STORAGE_SWIFT_SECRETKEY: { name: 'swift', key: 'tempurl' },
      REGISTRY_STORAGE_SWIFT_ACCESSKEY: { name: 'swift', key: 'access' },
    });
  });

  test('OSS: endpoint written as <bucket>.<endpoint> like harbor-helm; the AccessKey secret from a Secret; redirect switch', () => {
    const r = registry(HarborRegistryStorage.oss({
      accessKeyId: 'LTAI5tExample', accessKeySecret: SecretKeyRef.of('oss', 'secret'), region: 'oss-cn-beijing', bucket: 'harbor',
      endpoint: 'oss-cn-beijing-internal.aliyuncs.com', internal: true, disableRedirect: true,
    }));
    expect(r.config.oss).toEqual({
      accesskeyid: 'LTAI5tExample', region: 'oss-cn-beijing', bucket: 'harbor', endpoint: 'harbor.oss-cn-beijing-internal.aliyuncs.com', internal: true,
    });
    expect(r.config.redirect).toEqual({ disable: true });
    expect(r.env('registryctl')).toEqual({ REGISTRY_STORAGE_OSS_ACCESSKEYSECRET: { name: 'oss', key: 'secret' } });
  });

  test.each([
    [HarborRegistryStorage.azure({ accountName: 'Harbor', container: 'c1c', accountKey: SecretKeyRef.of('a', 'k') }), /registry.imageStorage.accountName "Harbor"/],
    [HarborRegistryStorage.gcs({ bucket: 'b', chunkSize: 1000 }), /registry.imageStorage.bucket/],
    [HarborRegistryStorage.gcs({ bucket: 'bucket', chunkSize: 1000 }), /registry.imageStorage.chunkSize 1000 is invalid: .*multiple of 262144/],
    [HarborRegistryStorage.swift({ authUrl: 'keystone', username: 'u', password: SecretKeyRef.of('s', 'p'), container: 'c' }), /registry.imageStorage.authUrl/],
    [HarborRegistryStorage.oss({ accessKeyId: 'id', accessKeySecret: SecretKeyRef.of('o', 's'), region: 'r', bucket: 'harbor' }), /registry.imageStorage.accessKeyId/],
  ])('bad driver options fail at synth, naming registry.imageStorage.*', (storage, error) => {
    expect(() => stack({ registry: { imageStorage: storage } })).toThrow(error);
  });

  test('a claim option with an object store is an error naming the driver', () => {
    expect(() => stack({ registry: { imageStorage: HarborRegistryStorage.gcs({ bucket: 'bucket' }), storage: { size: '1Gi' } } }))
      .toThrow(/registry.storage .* only applies to filesystem storage: with HarborRegistryStorage.gcs\(\)/);
  });
});

describe('versions and upgrades', () => {
  const images = (props: Partial<HarborStackProps>) => stack(props).toJson().flatMap((o: Manifest) => {
    const spec = o.spec?.template?.spec;
    return spec ? [...(spec.initContainers ?? []), ...spec.containers].map((c: Manifest) => c.image) : [];
  });

  test('Harbor v2.15.2 by default, its Redis from goharbor/valkey-photon; redis-photon for releases before v2.15.2', () => {
    expect(images({})).toContain('goharbor/valkey-photon:v2.15.2');
    expect(images({ version: 'v2.15.1' })).toContain('goharbor/redis-photon:v2.15.1');
    expect(images({ version: 'v2.13.2' })).toContain('goharbor/redis-photon:v2.13.2');
    expect(images({ version: 'v2.16.0' })).toContain('goharbor/valkey-photon:v2.16.0');
  });

  test.each([
    ['v2.13.2', undefined],
    ['v2.14.0', undefined],
    ['v2.15.0', undefined],
    ['v2.12.4', /upgradingFrom "v2.12.4" is invalid: is more than 2 minor releases behind version v2.15.2: .*upgrade through v2.14.x first/],
    ['v2.10.0', /upgrade through v2.12.x, then v2.14.x first/],
    ['v2.16.0', /upgradingFrom "v2.16.0" is invalid: is newer than version v2.15.2: Harbor cannot be downgraded/],
    ['2.13', /must be the Harbor 2.x release tag that runs now/],
  ])('upgradingFrom %s to the default v2.15.2', (from, error) => {
    if (error) expect(() => stack({ upgradingFrom: from })).toThrow(error);
    else expect(stack({ upgradingFrom: from }).harbor.externalURL).toBe(`https://${HOST}`);
  });
});

describe('Harbor as a construct, HarborStack, placement, handles, the one shape of requiredSecrets', () => {
  test('inside a user\'s chart: its namespace, no Namespace object; a chart without a namespace is an error', () => {
    const app = Testing.app();
    const mine = new Chart(app, 'platform', { namespace: 'registry' });
    const h = new Harbor(mine, 'hub', { exposure: INGRESS });
    expect(ofKindNames(mine.toJson(), 'Namespace')).toEqual([]);
    expect(find(mine.toJson(), 'Deployment', 'harbor-core').metadata.namespace).toBe('registry');
    expect(h.namespace).toBe('registry');
    expect(() => new Harbor(new Chart(Testing.app(), 'bare'), 'hub', { exposure: INGRESS }))
      .toThrow(/namespace \(unset\) is invalid: must be set on the chart of the Harbor/);
    expect(ofKindNames(stack({ createNamespace: false }).toJson(), 'Namespace')).toEqual([]);
    expect(ofKindNames(stack().toJson(), 'Namespace')).toEqual(['harbor']);
  });

  test('requiredSecrets: one entry per key with namespace and purpose; usedBy the components', () => {
    const secret = stack({ credentials: CredentialSource.existing() }).harbor.requiredSecrets.find(s => s.secretName === 'harbor-core' && s.key === 'secretKey');
    expect(secret).toEqual({
      secretName: 'harbor-core', key: 'secretKey', namespace: 'harbor', usedBy: ['core'],
      purpose: 'encryption key of stored credentials (exactly 16 characters; never change it once data exists)',
    });
  });

  test('placement and extension props per component reach that component\'s pods only', () => {
    const objects = objectsOf({
      core: { nodeSelector: { pool: 'api' }, priorityClassName: 'registry', podLabels: { team: 'hub' } },
      database: HarborDatabase.builtIn({ tolerations: [{ key: 'db', operator: 'Exists', effect: 'NoSchedule' }] }),
      trivy: { imagePullSecrets: ['mirror'] },
    });
    const spec = (kind: string, name: string) => find(objects, kind, name).spec.template.spec;
    expect(spec('Deployment', 'harbor-core')).toMatchObject({ nodeSelector: { pool: 'api' }, priorityClassName: 'registry' });
    expect(find(objects, 'Deployment', 'harbor-core').spec.template.metadata.labels.team).toBe('hub');
    expect(spec('Deployment', 'harbor-portal').nodeSelector).toBeUndefined();
    expect(spec('StatefulSet', 'harbor-database').tolerations).toEqual([{ key: 'db', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec('StatefulSet', 'harbor-trivy').imagePullSecrets).toEqual([{ name: 'mirror' }]);
  });

  test('errors of the inner workloads name the Harbor prop', () => {
    expect(() => stack({ core: { resources: { requests: { memory: '1GB' } } } })).toThrow(/^harbor\/harbor: core.resources.requests.memory "1GB" is invalid/);
    expect(() => stack({ database: HarborDatabase.builtIn({ storage: { size: '1GB' } }) })).toThrow(/^harbor\/harbor: database.storage.size "1GB" is invalid/);
  });

  test('a user\'s own PostgreSQL construct as the handle: its chart is written first', () => {
    class MyPostgres extends Construct implements IDatabaseConnection {
      public readonly endpoint = { host: 'pg.data.svc.cluster.local', port: 5432 };
      public readonly readEndpoint = this.endpoint;
      public readonly databaseName = 'registry';
      public readonly user = 'harbor';
      public readonly password = SecretKeyRef.of('harbor-pg', 'password');
      public readonly engineFamily = 'postgresql' as const;
    }
    const app = Testing.app();
    const data = new Chart(app, 'data', { namespace: 'data' });
    const chart = new HarborStack(app, 'harbor', { exposure: INGRESS, database: HarborDatabase.external(new MyPostgres(data, 'pg')) });
    expect(chart.node.dependencies).toContain(data);
    expect(coreEnv(chart.toJson())).toMatchObject({ POSTGRESQL_HOST: 'pg.data.svc.cluster.local', POSTGRESQL_DATABASE: 'registry', POSTGRESQL_USERNAME: 'harbor' });
  });
});
