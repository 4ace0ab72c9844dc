import { Chart } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkInteger } from '../common/checks';
import { check } from '../common/errors';
import { withOuterProps } from '../common/prop-paths';
import type { PropPath, PropPathMap } from '../common/prop-paths';
import { POD_OPTION_KEYS } from '../common/placement';
import { checkSecretRef, SecretKeyRef } from '../common/secret';
import type { RequiredSecretKey } from '../common/secret';
import { recommendedLabels } from '../common/labels';
import { withoutKeysMadeInCluster } from '../credentials/credentials';
import type { Credentials } from '../credentials/credentials';
import type { ExternalSecretKey, GeneratedSecretKey, IUsesSecrets } from '../credentials/types';
import { checkStorage, isSingleAttach } from '../common/storage';
import type { StorageOptions } from '../common/storage';
import type { DeploymentApp, DeploymentAppProps } from '../deployment-app/deployment-app';
import type { StatefulApp } from '../stateful-app/stateful-app';
import type { StatefulAppProps } from '../stateful-app/props';
import { HarborDatabase, HarborRedis } from './backends';
import { createCore } from './components/core';
import { createDatabase, INTERNAL_CORE_DATABASE, INTERNAL_DATABASE_USER } from './components/database';
import { createExporter } from './components/exporter';
import { createHarborMonitoring } from './monitoring';
import type { Monitoring } from '../monitoring/monitoring';
import { createIngress, createNginx } from './components/exposure';
import { createJobservice } from './components/jobservice';
import { createPortal } from './components/portal';
import { createRedis } from './components/redis';
import { createRegistry } from './components/registry';
import { createTrivy } from './components/trivy';
import { HARBOR_PORTS, harborNames, harborUrls, RedisConnection } from './context';
import type { DatabaseConnection, HarborContext } from './context';
import { checkGeneratedTls, createHarborCredentials, resolveCredentialSources, tlsNames } from './credentials';
import { resolveExternalURL } from './exposure';
import type { HarborLogLevel, HarborProps, HarborJobLogger, HarborRegistryOptions } from './props';
import { defaultSecretNames, SecretCatalog } from './secrets';
import { HarborRegistryStorage } from './storage';
import { imageFromRegistry } from '../common/images';

/** The Harbor release this library pins by default. */
export const DEFAULT_HARBOR_VERSION = 'v2.15.2';

/** The repository prefix of Harbor's images: `goharbor/<component>:<version>`. */
export const DEFAULT_HARBOR_IMAGE_REPOSITORY = 'goharbor';

/** How many minor releases one Harbor upgrade may cross (Harbor's upgrade guide: at most two back). */
const MAX_MINOR_UPGRADE = 2;

const LOG_LEVELS: readonly HarborLogLevel[] = ['debug', 'info', 'warning', 'error', 'fatal'];
const JOB_LOGGERS: readonly HarborJobLogger[] = ['file', 'database', 'stdout'];

/**
 * Harbor, the container registry, as a construct for any chart: the equivalent of
 * `helm install harbor harbor/harbor`, as plain manifests with no secret value in them, in the
 * namespace of its chart (which must set one: the components reach each other by FQDN).
 *
 * It deploys what the official chart deploys by default: core, portal, jobservice and the
 * registry (with registryctl as a second container) as Deployments; PostgreSQL, Redis and Trivy
 * as StatefulSets with claims (each switchable to an external server, or off); the exporter when
 * metrics are on; nginx unless the exposure is an Ingress. It never creates a Namespace:
 * {@link HarborStack} does, when asked.
 *
 * Every secret is a key of a Secret, read by reference. Harbor's own Secrets (and the TLS Secret of
 * the exposure) are made in the cluster by the SecretGenerator Job of its release (or namespace) unless
 * `credentials` says otherwise; {@link requiredSecrets} lists what is left for you to create
 * (nothing, by default), docs/harbor.md shows how.
 */
export class Harbor extends Construct implements IUsesSecrets {
  /** The URL clients use (`EXT_ENDPOINT` of core). */
  public readonly externalURL: string;
  /** Prefix of every object name. */
  public readonly harborName: string;
  /** Harbor's Secrets (and the exposure's TLS Secret), each from the source `credentials` chose for it. */
  public readonly credentials: Credentials;
  /** Every Secret key the components read. */
  private readonly secretsRead: readonly RequiredSecretKey[];
  /** Namespace of the chart. */
  public readonly namespace: string;
  /** Core. */
  public readonly core: DeploymentApp;
  /** Portal. */
  public readonly portal: DeploymentApp;
  /** Jobservice. */
  public readonly jobservice: DeploymentApp;
  /** Registry and registryctl. */
  public readonly registry: DeploymentApp;
  /** The Service of registryctl. */
  public readonly registryControllerService: k8s.KubeService;
  /** The bundled PostgreSQL, unless external. */
  public readonly database?: StatefulApp;
  /** The bundled Redis, unless external. */
  public readonly redis?: StatefulApp;
  /** Trivy, unless disabled. */
  public readonly trivy?: StatefulApp;
  /** The exporter, when metrics are on. */
  public readonly exporter?: DeploymentApp;
  /** The PodMonitor of the metrics and the PrometheusRule, when `monitoring` is set. */
  public readonly monitoring?: Monitoring;
  /** nginx, unless exposed by an Ingress. */
  public readonly nginx?: DeploymentApp;
  /** The Service in front of nginx, unless exposed by an Ingress. */
  public readonly exposureService?: k8s.KubeService;
  /** The Ingress, when exposed by one. */
  public readonly ingress?: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: HarborProps) {
    super(scope, id);
    const chartNamespace = Chart.of(this).namespace;
    check(chartNamespace !== undefined, this, 'namespace', undefined,
      `must be set on the chart of the Harbor (new Chart(app, 'x', { namespace: 'harbor' })): its components reach each other by FQDN`);
    const namespace = chartNamespace!;
    this.namespace = namespace;
    const name = props.name ?? 'harbor';
    // The longest derived Service name is `<name>-trivy-headless` (DNS-1035: 63 characters, starts with a letter).
    checkDnsLabel(this, 'name', name, 40);
    check(/^[a-z]/.test(name), this, 'name', name, 'must start with a letter (Service names derive from it)');
    this.harborName = name;
    const version = props.version ?? DEFAULT_HARBOR_VERSION;
    check(/^v2\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(version), this, 'version', version, 'must be a Harbor 2.x release tag such as "v2.15.2"');
    if (props.upgradingFrom !== undefined) checkUpgrade(this, version, props.upgradingFrom);
    const repository = props.imageRepository ?? imageFromRegistry(this, DEFAULT_HARBOR_IMAGE_REPOSITORY);
    check(/^[a-z0-9]([a-z0-9._:-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/.test(repository), this, 'imageRepository', repository,
      'must be an image repository prefix such as "goharbor" or "registry.example.com/goharbor"');
    const logLevel = props.logLevel ?? 'info';
    check(LOG_LEVELS.includes(logLevel), this, 'logLevel', logLevel, `must be one of ${LOG_LEVELS.join(', ')}`);
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    checkDnsSubdomain(this, 'clusterDomain', clusterDomain);

    check(props.exposure !== undefined, this, 'exposure', undefined, 'is required: HarborExposure.ingress({...}), HarborExposure.clusterIP(), HarborExposure.nodePort() or HarborExposure.loadBalancer()');
    props.exposure.check(this, 'exposure');
    this.externalURL = resolveExternalURL(this, props.exposure, props.externalURL);

    const database = props.database ?? HarborDatabase.builtIn();
    check(typeof (database as Partial<HarborDatabase>)?.check === 'function' && 'handle' in database, this, 'database', typeof database,
      'must be HarborDatabase.builtIn({...}) or HarborDatabase.external(handle)');
    database.check(this, 'database');
    const redis = props.redis ?? HarborRedis.builtIn();
    check(typeof (redis as Partial<HarborRedis>)?.check === 'function' && 'handle' in redis, this, 'redis', typeof redis,
      'must be HarborRedis.builtIn({...}) or HarborRedis.external(handle)');
    redis.check(this, 'redis');
    for (const handle of [database.handle, redis.handle]) this.dependOn(handle);
    const storage = props.registry?.imageStorage ?? HarborRegistryStorage.filesystem();
    storage.check(this, 'registry.imageStorage');
    this.checkComponents(props, storage);

    const names = harborNames(name);
    const serviceHost = (service: string) => `${service}.${namespace}.svc.${clusterDomain}`;
    const secretNames = { ...defaultSecretNames(name), ...(props.secrets ?? {}) };
    const secrets = new SecretCatalog(secretNames);
    for (const [k, v] of Object.entries(props.secrets ?? {})) {
      if (v !== undefined) checkDnsSubdomain(this, `secrets.${k}`, v);
    }
    const tls = props.exposure.tls;
    const sources = resolveCredentialSources(this, props.credentials, {
      database: database.isBuiltIn ? undefined : "only applies to the built-in database: an external database's password is a Secret you hand over (requiredSecrets)",
      redis: redis.isBuiltIn ? undefined : "only applies to the built-in Redis: an external Redis's password is a Secret you hand over (requiredSecrets)",
      tls: tls ? undefined : 'only applies when the exposure has tls: it is the source of tls.secretName',
    });
    const tlsGenerated = tls !== undefined && sources.tls.kind === 'generated';
    if (tlsGenerated) checkGeneratedTls(this, props.exposure);
    // A generated certificate is self-signed: core offers it for download, as the registry's CA.
    const ca = tls?.ca ?? (tlsGenerated ? SecretKeyRef.of(tls.secretName, 'tls.crt') : undefined);
    const trivyEnabled = props.trivy !== false;
    const trivy = props.trivy === false ? {} : props.trivy ?? {};
    const ctx: HarborContext = {
      scope: this,
      name,
      namespace,
      version,
      clusterDomain,
      logLevel,
      // Monitoring scrapes the metrics: it implies them.
      metrics: props.metrics !== undefined || props.monitoring !== undefined,
      trivyEnabled,
      listenIPv6: props.listenIPv6 ?? true,
      externalURL: this.externalURL,
      names,
      secrets,
      storage,
      database: databaseConnection(database, names.database, serviceHost, secrets),
      redis: redisConnection(redis, names.redis, serviceHost, secrets),
      urls: harborUrls(names, serviceHost),
      image: image => `${repository}/${image}:${version}`,
      labels: component => ({ appName: 'harbor', instance: name, component, partOf: 'harbor', version }),
      serviceHost,
    };

    // Errors of the inner workloads name the Harbor props (`core.resources`, `registry.storage.size`, ...).
    const outer = <T>(prefix: string, build: () => T, claim = false): T => withOuterProps(this, componentPropMap(prefix, claim), build);
    if (database.isBuiltIn) this.database = outer('database', () => createDatabase(ctx, database.builtInOptions!), true);
    if (redis.isBuiltIn) this.redis = outer('redis', () => createRedis(ctx, redis.builtInOptions!), true);
    this.core = outer('core', () => createCore(ctx, props.core ?? {}, ca));
    this.portal = outer('portal', () => createPortal(ctx, props.portal ?? {}));
    this.jobservice = outer('jobservice', () => createJobservice(ctx, props.jobservice ?? {}), true);
    const registry = outer('registry', () => createRegistry(ctx, props.registry ?? {}), true);
    this.registry = registry.app;
    this.registryControllerService = registry.controllerService;
    if (trivyEnabled) this.trivy = outer('trivy', () => createTrivy(ctx, trivy), true);
    if (ctx.metrics) this.exporter = outer('metrics.exporter', () => createExporter(ctx, props.metrics ?? {}));
    if (props.exposure.usesNginx) {
      const nginx = outer('nginx', () => createNginx(ctx, props.exposure, props.nginx ?? {}));
      this.nginx = nginx.app;
      this.exposureService = nginx.service;
    } else {
      this.ingress = createIngress(ctx, props.exposure);
    }
    this.credentials = createHarborCredentials(this, {
      catalog: secrets,
      names: secretNames,
      sources,
      tls: tls && { secretName: tls.secretName, names: tlsNames(props.exposure, this.externalURL, name) },
      labels: recommendedLabels({ name: 'harbor', instance: name, component: 'credentials', partOf: 'harbor', version }),
    });
    this.secretsRead = secrets.list().map(({ description, ...e }) => ({ ...e, namespace, purpose: description }));
    if (props.monitoring) this.monitoring = createHarborMonitoring(this, props.monitoring, name, version);
  }

  /**
   * Every Secret key the output reads that someone else must create, one entry per key
   * (`{ secretName, namespace, key, purpose, usedBy }`, `usedBy`: the components): the keys of
   * `existing` sources and the Secrets you hand over as SecretKeyRefs, unless a generator Job or an
   * ExternalSecret of the app makes them. Empty by default.
   */
  public get requiredSecrets(): readonly RequiredSecretKey[] {
    return withoutKeysMadeInCluster(this, this.secretsRead);
  }

  /** Keys the SecretGenerator Job of the release (or namespace) creates (`credentials` generated, the default), sorted by Secret and key. */
  public get generatedSecrets(): GeneratedSecretKey[] {
    return this.credentials.generatedSecrets;
  }

  /** Keys ExternalSecrets fill (`credentials` external), sorted by Secret and key. */
  public get externalSecrets(): ExternalSecretKey[] {
    return this.credentials.externalSecrets;
  }

  /** Writes the chart of a handle that is a construct of this app (a user's database or Redis) before this one. */
  private dependOn(handle: unknown): void {
    if (!Construct.isConstruct(handle)) return;
    check(handle.node.root === this.node.root, this, 'database', handle.node.path, 'the construct behind a handle must belong to the same cdk8s App');
    const theirs = Chart.of(handle);
    const ours = Chart.of(this);
    if (theirs !== ours) ours.addDependency(theirs);
  }

  /** Checks the per-component options here, so errors name the stack's props rather than a nested construct. */
  private checkComponents(props: HarborProps, storage: HarborRegistryStorage): void {
    const trivy = props.trivy === false ? undefined : props.trivy;
    for (const c of ['core', 'portal', 'jobservice', 'registry', 'nginx'] as const) {
      const replicas = props[c]?.replicas;
      if (replicas !== undefined) checkInteger(this, `${c}.replicas`, replicas, 0);
    }
    if (trivy?.replicas !== undefined) checkInteger(this, 'trivy.replicas', trivy.replicas, 0);
    check(props.nginx === undefined || props.exposure.usesNginx, this, 'nginx', props.nginx,
      'only applies when the exposure is not an Ingress (nginx is not deployed with HarborExposure.ingress())');

    const registry = props.registry ?? {};
    check(storage.usesClaim || registry.storage === undefined, this, 'registry.storage', registry.storage,
      `only applies to filesystem storage: with HarborRegistryStorage.${storage.type}() the registry keeps no data on a claim`);
    this.checkClaim('registry.storage', registry.storage);
    if (storage.usesClaim) {
      this.checkSingleAttach('registry', registry.replicas ?? 1, registry.storage?.accessModes,
        'the registry stores images on its data claim; use an object store (registry.imageStorage) or a ReadWriteMany claim (registry.storage.accessModes) to run more');
    }

    const jobservice = props.jobservice ?? {};
    const loggers = jobservice.jobLoggers ?? ['file'];
    check(loggers.length > 0 && loggers.every(l => JOB_LOGGERS.includes(l)) && new Set(loggers).size === loggers.length,
      this, 'jobservice.jobLoggers', loggers, `must list one or more of ${JOB_LOGGERS.join(', ')}, each once`);
    check(loggers.includes('file') || jobservice.storage === undefined, this, 'jobservice.storage', jobservice.storage,
      'only applies with the "file" job logger');
    this.checkClaim('jobservice.storage', jobservice.storage);
    if (loggers.includes('file')) {
      this.checkSingleAttach('jobservice', jobservice.replicas ?? 1, jobservice.storage?.accessModes,
        'jobservice writes file job logs to its job-logs claim; use jobLoggers: [\'database\'] or a ReadWriteMany claim (jobservice.storage.accessModes) to run more');
    }
    if (jobservice.maxJobWorkers !== undefined) checkInteger(this, 'jobservice.maxJobWorkers', jobservice.maxJobWorkers, 1, 1000);

    this.checkClaim('trivy.storage', trivy?.storage);
    check(trivy?.storage?.existingClaim === undefined || (trivy.replicas ?? 1) <= 1, this, 'trivy.replicas', trivy?.replicas,
      'must be at most 1 with trivy.storage.existingClaim: each Trivy pod needs a cache claim of its own (leave existingClaim unset to get one per pod)');
    if (trivy?.timeout !== undefined) {
      check(/^(\d+h)?(\d+m)?(\d+(\.\d+)?s)?$/.test(trivy.timeout) && trivy.timeout !== '', this, 'trivy.timeout', trivy.timeout,
        'must be a Go duration such as "5m0s"');
    }
    if (trivy?.githubToken !== undefined) {
      checkSecretRef(this, 'trivy.githubToken', trivy.githubToken);
    }
  }

  private checkClaim(prop: string, claim: StorageOptions | undefined): void {
    if (claim) checkStorage(this, prop, claim, false);
  }

  private checkSingleAttach(component: string, replicas: number, accessModes: readonly string[] | undefined, why: string): void {
    if (!isSingleAttach(accessModes)) return;
    check(replicas <= 1, this, `${component}.replicas`, replicas,
      `must be at most 1 while ${component}.storage.accessModes is ${JSON.stringify(accessModes ?? ['ReadWriteOnce'])} (a second pod would hang on Multi-Attach, and updates use Recreate): ${why}`);
  }
}

/** The props of the inner workloads of Harbor's components that name a prop of the component. */
type ComponentPath = PropPath<StatefulAppProps> & PropPath<DeploymentAppProps>;

/**
 * How an inner workload's props map to the Harbor props of one component (`core`, `metrics.exporter`,
 * ...); `claim`: the component has a data claim, its `storage`.
 */
export function componentPropMap(prefix: string, claim: boolean): PropPathMap {
  const pairs: ReadonlyArray<readonly [ComponentPath, PropPath<HarborRegistryOptions>]> = [
    ...POD_OPTION_KEYS.map(k => [k, k] as const),
    ['replicas', 'replicas'], ['container.resources', 'resources'], ...(claim ? [['volumeClaims[0]', 'storage'] as const] : []),
  ];
  return pairs.map(([inner, outer]) => [inner, `${prefix}.${outer}`] as const);
}

function databaseConnection(database: HarborDatabase, service: string, host: (s: string) => string, secrets: SecretCatalog): DatabaseConnection {
  const h = database.handle;
  if (!h) {
    return {
      host: host(service),
      port: HARBOR_PORTS.database,
      username: INTERNAL_DATABASE_USER,
      database: INTERNAL_CORE_DATABASE,
      sslMode: 'disable',
      password: component => secrets.ref('databasePassword', component),
    };
  }
  return {
    host: h.endpoint.host,
    port: h.endpoint.port,
    username: h.user,
    database: h.databaseName,
    sslMode: database.externalOptions.sslMode ?? 'require',
    password: component => secrets.use(h.password, component, `password of the external PostgreSQL user ${h.user}`),
  };
}

function redisConnection(redis: HarborRedis, service: string, host: (s: string) => string, secrets: SecretCatalog): RedisConnection {
  const h = redis.handle;
  if (!h) {
    return new RedisConnection(host(service), HARBOR_PORTS.redis, false, undefined, redis.indexes,
      component => secrets.ref('redisPassword', component));
  }
  const ref = h.password;
  return new RedisConnection(h.endpoint.host, h.endpoint.port, h.tls, redis.externalOptions.username, redis.indexes,
    ref ? component => secrets.use(ref, component, 'password of the external Redis (URL-safe)') : undefined);
}

/** `[minor, patch]` of a `v2.<minor>.<patch>[-pre]` tag. */
function minorPatch(tag: string): [number, number] {
  const m = /^v2\.(\d+)\.(\d+)/.exec(tag)!;
  return [Number(m[1]), Number(m[2])];
}

/**
 * Checks an upgrade from the running release: Harbor migrates its database from at most two minor
 * releases back (v2.13.x to v2.15.x, not v2.12.x to v2.15.x), and never down.
 */
function checkUpgrade(scope: Construct, version: string, from: string): void {
  check(/^v2\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(from), scope, 'upgradingFrom', from, 'must be the Harbor 2.x release tag that runs now, such as "v2.13.2"');
  const [toMinor, toPatch] = minorPatch(version);
  const [fromMinor, fromPatch] = minorPatch(from);
  check(toMinor > fromMinor || (toMinor === fromMinor && toPatch >= fromPatch), scope, 'upgradingFrom', from,
    `is newer than version ${version}: Harbor cannot be downgraded (restore the database backup of ${from} instead)`);
  const via = Array.from({ length: Math.ceil((toMinor - fromMinor) / MAX_MINOR_UPGRADE) - 1 },
    (_, i) => `v2.${fromMinor + MAX_MINOR_UPGRADE * (i + 1)}.x`);
  check(toMinor - fromMinor <= MAX_MINOR_UPGRADE, scope, 'upgradingFrom', from,
    `is more than ${MAX_MINOR_UPGRADE} minor releases behind version ${version}: Harbor upgrades its database from at most two minor `
    + `releases back; upgrade through ${via.join(', then ')} first (apply, let core finish its migration, then continue)`);
}
