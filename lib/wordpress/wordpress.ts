import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import { checkDnsSubdomain, checkImage, checkInteger, checkNameFrom } from '../common/checks';
import { checkStorage, isSingleAttach } from '../common/storage';
import { ContainerSpec, Resources, VolumeMount } from '../common/container';
import { EnvValue } from '../common/env';
import { check } from '../common/errors';
import { IDatabaseConnection } from '../common/connections';
import { podOptionsOf } from '../common/placement';
import { withOuterProps } from '../common/prop-paths';
import { recommendedLabels } from '../common/labels';
import { buildPodTemplate, contentHash, PodSecurity } from '../common/pod';
import { Probe } from '../common/probe';
import { checkSecretRef, mergeRequiredSecrets, RequiredSecretKey, SecretKeyRef } from '../common/secret';
import { AppVolume } from '../common/volume';
import { Credentials, withoutKeysMadeInCluster } from '../credentials/credentials';
import { compare } from '../credentials/order';
import { ExternalSecretKey, GeneratedSecretKey } from '../credentials/types';
import { DeploymentApp } from '../deployment-app/deployment-app';
import { MySQLReplication } from '../mysql/mysql-replication';
import { APACHE_CONFIG_PATHS, apacheConfigFiles, DOCUMENT_ROOT, WORDPRESS_HTTP_PORT } from './apache';
import { createWordPressCredentials, keyAndSaltPurpose } from './credentials';
import { BoundWordPressDatabase, WordPressDatabase, WordPressDatabaseKind } from './database';
import { createWordPressNetworkPolicy } from './network-policy';
import {
  WORDPRESS_CLI_IMAGE, WORDPRESS_IMAGE, WORDPRESS_KEY_AND_SALT_ENV, WORDPRESS_SECRET_KEYS, WORDPRESS_UID,
  WordPressIngressOptions, WordPressProps,
} from './props';
import { WORDPRESS_SCRIPTS_MOUNT, wordpressScriptCommand, wordpressScripts } from './scripts';
import { imageFromRegistry } from '../common/images';
import { createWorkloadMonitoring } from '../monitoring/monitoring';
import type { Monitoring } from '../monitoring/monitoring';

/** Where the install Job's pod puts its copy of the WordPress core. */
const INSTALL_PATH = '/wordpress';
/** Where the volume-permissions init container mounts wp-content. */
const PERMISSIONS_MOUNT = '/wp-content';
const RELEASE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_RELEASE_NAME = 40;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/**
 * The installer page, the path of the startup and readiness probes: WordPress answers it 200 itself
 * before the install (the form) and after ("Already Installed"), never with a redirect, and 500
 * without its database (it loads wp-settings.php). Not wp-login.php: before the install WordPress
 * redirects it to wp-admin/install.php (with `X-Forwarded-Proto: https`, to https), with an https
 * site URL it redirects plain HTTP to https (FORCE_SSL_ADMIN), and the kubelet follows a redirect to
 * the same host: https on the plain-HTTP port fails the probe, so a site not installed yet never got
 * Ready (its installer unreachable through the Service) and was restarted after 5 minutes.
 */
const SITE_PROBE_PATH = '/wp-admin/install.php';
const SITE_PROBE = { periodSeconds: 10, timeoutSeconds: 5 };
/** How long a finished install Job is kept for its log (a day). */
const INSTALL_JOB_TTL_SECONDS = 86400;
const SMALL: Resources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } };

/**
 * WordPress, typed, as a construct for any chart (its objects go into that chart's namespace):
 *
 * - a database: a MySQLReplication it creates (`WordPressDatabase.builtIn()`, default) or any
 *   database connection handle (`WordPressDatabase.external(handle)`: a MySQLReplication of the app,
 *   or `DatabaseConnection.fromAttributes({...})` for a server the app does not manage);
 * - WordPress (official `wordpress` image, Apache on port 8080 as www-data) as a DeploymentApp,
 *   with a `wp-content` claim, init containers that copy the core and wait for the database, probes,
 *   a PodDisruptionBudget, an optional autoscaler and a NetworkPolicy;
 * - a Service and an Ingress;
 * - a Job that installs WordPress and creates the admin user once, with wp-cli.
 *
 * It never creates a Namespace: {@link WordPressStack} does, when asked. Credentials are never in
 * the manifests: the database password comes from the database's handle, and the admin password
 * and the eight keys and salts from the Secret `secretName`, which the release's SecretGenerator Job
 * makes in the cluster unless `credentials` says otherwise ({@link generatedSecrets},
 * {@link externalSecrets}; what the operator must create is in {@link requiredSecrets}).
 */
export class WordPress extends Construct {
  /** Release name: Deployment, Service, Ingress and claim `<name>-wp-content`. */
  public readonly name: string;
  /** Namespace of the chart (undefined: the kubectl context's). */
  public readonly namespace?: string;
  /** Which database mode it uses. */
  public readonly databaseKind: WordPressDatabaseKind;
  /** How WordPress connects to its database. */
  public readonly database: IDatabaseConnection;
  /** The built-in MySQLReplication (`WordPressDatabase.builtIn()` only). */
  public readonly builtInDatabase?: MySQLReplication;
  /** The WordPress DeploymentApp (Deployment, Service, claim, ConfigMaps, PDB, HPA). */
  public readonly app: DeploymentApp;
  /** The Ingress, unless disabled. */
  public readonly ingress?: k8s.KubeIngress;
  /** The NetworkPolicy of the WordPress pods, unless `networkPolicy: false`. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** The install Job, unless `skipInstall`. */
  public readonly installJob?: k8s.KubeJob;
  /** The site URL given to `wp core install`. */
  public readonly siteUrl?: string;
  /** The WordPress Secret (admin password, keys and salts). */
  public readonly secretName: string;
  /** The admin password. */
  public readonly adminPassword: SecretKeyRef;
  /** The WordPress Secret `secretName`, with the source chosen for it (`credentials`). */
  public readonly credentials: Credentials;
  /** Name of the wp-content claim the pods mount. */
  public readonly claimName: string;
  /** The PrometheusRule with the not-ready alert, when `monitoring` is set. */
  public readonly monitoring?: Monitoring;

  private readonly bound: BoundWordPressDatabase;
  private readonly installSecrets: RequiredSecretKey[] = [];

  constructor(scope: Construct, id: string, props: WordPressProps = {}) {
    super(scope, id);
    this.namespace = Chart.of(this).namespace;
    this.name = props.name ?? 'wordpress';
    check(RELEASE_NAME.test(this.name) && this.name.length <= MAX_RELEASE_NAME, this, 'name', this.name,
      `must be a DNS-1035 label of at most ${MAX_RELEASE_NAME} characters (lower-case letters, digits and '-', starting with a letter): it names the Service and prefixes the other objects`);
    const image = props.image ?? imageFromRegistry(this, WORDPRESS_IMAGE);
    checkImage(this, 'image', image);
    const cliImage = props.cliImage ?? imageFromRegistry(this, WORDPRESS_CLI_IMAGE);
    checkImage(this, 'cliImage', cliImage);

    // Database first: a built-in MySQLReplication comes before WordPress in the output.
    const database = props.database ?? WordPressDatabase.builtIn();
    check(typeof (database as Partial<WordPressDatabase>)?._bind === 'function', this, 'database', typeof database,
      'must be WordPressDatabase.builtIn({...}) or WordPressDatabase.external(handle)');
    const storage = props.storage ?? {};
    checkStorage(this, 'storage', storage, false);
    this.bound = database._bind(this, { name: this.name, storageClassName: storage.storageClassName });
    this.databaseKind = database.kind;
    this.database = this.bound.connection;
    this.builtInDatabase = this.bound.builtIn;
    // Scaling: wp-content is shared by every pod.
    const accessModes = storage.accessModes ?? ['ReadWriteOnce'];
    check(accessModes.length > 0 && accessModes.some((m: string) => m !== 'ReadOnlyMany'), this, 'storage.accessModes', accessModes,
      'must include a writable mode (ReadWriteOnce, ReadWriteOncePod or ReadWriteMany): WordPress writes uploads, plugins and themes to wp-content');
    const replicas = props.replicas ?? props.autoscaling?.minReplicas ?? 1;
    checkInteger(this, 'replicas', replicas, 0);
    const singleAttach = isSingleAttach(accessModes) ? accessModes : [];
    if (singleAttach.length) {
      const why = `while storage.accessModes is ${JSON.stringify(accessModes)}: the wp-content claim attaches to one node at a time, `
        + 'so a second WordPress pod would hang on Multi-Attach. To scale, use ReadWriteMany storage '
        + "(storage: { accessModes: ['ReadWriteMany'], storageClassName: '<an NFS or CephFS class>' })";
      check(replicas <= 1, this, 'replicas', replicas, `must be at most 1 ${why}`);
      check(!props.autoscaling || props.autoscaling.maxReplicas <= 1, this, 'autoscaling.maxReplicas',
        props.autoscaling?.maxReplicas, `must be at most 1 ${why}`);
    }

    // Ingress and site URL.
    const ingress = props.ingress === false ? undefined : this.checkIngress(props.ingress ?? {});
    this.siteUrl = props.siteUrl ?? (ingress ? `${ingress.tlsSecretName ? 'https' : 'http'}://${ingress.host}` : undefined);
    if (props.siteUrl !== undefined) checkSiteUrl(this, props.siteUrl);
    const install = !(props.skipInstall ?? false);
    check(!install || this.siteUrl !== undefined, this, 'siteUrl', undefined,
      'is required when there is no Ingress (the install Job passes it to `wp core install --url`); or set skipInstall: true');

    // Credentials.
    this.secretName = props.secretName ?? `${this.name}-credentials`;
    checkNameFrom(this, 'secretName', this.secretName, props.secretName !== undefined, ['name', this.name], checkDnsSubdomain);
    this.adminPassword = props.adminPassword ?? SecretKeyRef.of(this.secretName, WORDPRESS_SECRET_KEYS.adminPassword);
    checkSecretRef(this, 'adminPassword', this.adminPassword);
    const adminUser = props.adminUser ?? 'user';
    check(/^[A-Za-z0-9_.@-]{1,60}$/.test(adminUser), this, 'adminUser', adminUser,
      "must be 1 to 60 letters, digits, '_', '.', '@' or '-' (what WordPress keeps of a user name)");
    const adminEmail = props.adminEmail ?? 'user@example.com';
    check(/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail), this, 'adminEmail', adminEmail, 'must be an e-mail address');
    const blogName = props.blogName ?? 'WordPress';
    check(blogName.trim().length > 0 && blogName.length <= 200, this, 'blogName', blogName, 'must be 1 to 200 characters');

    const databaseWait = props.databaseWaitSeconds ?? 300;
    checkInteger(this, 'databaseWaitSeconds', databaseWait, 1);
    const podSecurity: PodSecurity = props.podSecurity ?? { runAsUser: WORDPRESS_UID, runAsGroup: WORDPRESS_UID, runAsNonRoot: true, fsGroup: WORDPRESS_UID };
    const version = imageTag(image);

    const tablePrefix = props.tablePrefix ?? 'wp_';
    check(typeof tablePrefix === 'string' && /^[A-Za-z0-9_]{1,20}$/.test(tablePrefix), this, 'tablePrefix', tablePrefix,
      "must be 1 to 20 letters, digits or '_' (WordPress refuses an empty prefix and strips any other character)");
    if (props.extraConfig !== undefined) checkExtraConfig(this, props.extraConfig);

    // wp-config.php (the image's wp-config-docker.php) reads these at every request, in the site and in wp-cli.
    const dbEnv: Record<string, EnvValue> = {
      WORDPRESS_DB_HOST: EnvValue.fromValue(`${this.database.endpoint.host}:${this.database.endpoint.port}`),
      WORDPRESS_DB_NAME: EnvValue.fromValue(this.database.databaseName),
      WORDPRESS_DB_USER: EnvValue.fromValue(this.database.user),
      WORDPRESS_DB_PASSWORD: EnvValue.fromSecret(this.database.password),
      ...(tablePrefix !== 'wp_' ? { WORDPRESS_TABLE_PREFIX: EnvValue.fromValue(tablePrefix) } : {}),
      ...(props.extraConfig ? { WORDPRESS_CONFIG_EXTRA: EnvValue.fromValue(props.extraConfig) } : {}),
    };
    const scriptsMount: VolumeMount = { volume: 'scripts', mountPath: WORDPRESS_SCRIPTS_MOUNT, readOnly: true };
    const waitForDatabase: ContainerSpec = {
      name: 'wait-for-database',
      image,
      command: wordpressScriptCommand('wait-for-tcp.sh'),
      env: {
        WAIT_FOR: EnvValue.fromValue('database'),
        WAIT_HOST: EnvValue.fromValue(this.database.endpoint.host),
        WAIT_PORT: EnvValue.fromValue(String(this.database.endpoint.port)),
        WAIT_TIMEOUT_SECONDS: EnvValue.fromValue(String(databaseWait)),
      },
      volumeMounts: [scriptsMount],
      resources: SMALL,
    };

    const initContainers: ContainerSpec[] = [waitForDatabase];
    if (props.volumePermissions ?? false) {
      initContainers.unshift({
        name: 'volume-permissions',
        image,
        command: wordpressScriptCommand('volume-permissions.sh'),
        env: {
          VOLUME_DIR: EnvValue.fromValue(PERMISSIONS_MOUNT),
          OWNER_UID: EnvValue.fromValue(String(podSecurity.runAsUser ?? WORDPRESS_UID)),
          OWNER_GID: EnvValue.fromValue(String(podSecurity.runAsGroup ?? podSecurity.fsGroup ?? WORDPRESS_UID)),
        },
        volumeMounts: [{ volume: 'wp-content', mountPath: PERMISSIONS_MOUNT }, scriptsMount],
        resources: SMALL,
        securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, capabilitiesAdd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'] },
      });
    }

    // The image's entrypoint cannot copy WordPress onto the kubelet's volume as uid 33 (see copy-wordpress.sh).
    const siteMounts: VolumeMount[] = [
      { volume: 'html', mountPath: DOCUMENT_ROOT },
      { volume: 'wp-content', mountPath: `${DOCUMENT_ROOT}/wp-content` },
    ];
    initContainers.splice(initContainers.length - 1, 0, copyWordPress(image, DOCUMENT_ROOT, [...siteMounts, scriptsMount]));

    const container: ContainerSpec = {
      name: 'wordpress',
      image,
      ports: [{ name: 'http', port: WORDPRESS_HTTP_PORT }],
      env: {
        ...dbEnv,
        ...Object.fromEntries(Object.entries(WORDPRESS_KEY_AND_SALT_ENV)
          .map(([env, key]) => [env, EnvValue.fromSecret(SecretKeyRef.of(this.secretName, key))])),
      },
      volumeMounts: [
        ...siteMounts,
        ...Object.entries(APACHE_CONFIG_PATHS).map(([file, mountPath]) => ({ volume: 'apache', mountPath, subPath: file, readOnly: true })),
      ],
      startupProbe: probe(props.startupProbe, () => Probe.http(SITE_PROBE_PATH, 'http', { ...SITE_PROBE, failureThreshold: 30 })),
      readinessProbe: probe(props.readinessProbe, () => Probe.http(SITE_PROBE_PATH, 'http', { ...SITE_PROBE, failureThreshold: 3 })),
      livenessProbe: probe(props.livenessProbe, () => Probe.http('/wp-includes/images/blank.gif', 'http', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 })),
      resources: props.resources ?? { requests: { cpu: '300m', memory: '512Mi' }, limits: { memory: '1Gi' } },
      securityContext: props.containerSecurity,
    };

    const scripts = wordpressScripts();
    // Errors of the inner DeploymentApp name the props the user wrote on this construct.
    this.app = withOuterProps(this, [
      ['volumeClaims[0]', 'storage'], ['container.resources', 'resources'], ['container.securityContext', 'containerSecurity'],
      ['container.startupProbe', 'startupProbe'], ['container.readinessProbe', 'readinessProbe'], ['container.livenessProbe', 'livenessProbe'],
      ['service.type', 'serviceType'],
    ], () => new DeploymentApp(this, 'app', {
      ...podOptionsOf(props),
      name: this.name,
      appName: 'wordpress',
      instance: this.name,
      component: 'web',
      partOf: this.name,
      version,
      replicas: props.replicas,
      container,
      initContainers,
      volumes: [AppVolume.emptyDir('html')],
      volumeClaims: [{
        name: 'wp-content',
        size: storage.size ?? '10Gi',
        accessModes,
        storageClassName: storage.storageClassName,
        existingClaim: storage.existingClaim,
      }],
      configMaps: [
        { name: 'scripts', files: { ...scripts }, defaultMode: 0o555 },
        { name: 'apache', files: apacheConfigFiles() },
      ],
      service: { type: props.serviceType ?? 'ClusterIP' },
      podSecurity,
      disruptionBudget: props.disruptionBudget,
      autoscaling: props.autoscaling,
      serviceAccount: props.serviceAccount,
    }));
    this.app.describeSecret(this.database.password, `password of the database user ${this.database.user}`);
    for (const [env, key] of Object.entries(WORDPRESS_KEY_AND_SALT_ENV)) {
      this.app.describeSecret(SecretKeyRef.of(this.secretName, key), keyAndSaltPurpose(env));
    }
    this.claimName = storage.existingClaim ?? `${this.name}-wp-content`;

    if (ingress) this.ingress = this.createIngress(ingress);
    if (props.networkPolicy !== false) {
      this.networkPolicy = createWordPressNetworkPolicy(this, {
        name: this.name, labels: this.app.labels, selector: this.app.selectorLabels,
        serviceType: props.serviceType ?? 'ClusterIP', options: props.networkPolicy ?? {},
        database: { builtIn: this.bound.builtIn, port: this.database.endpoint.port },
      });
    }

    check(install || props.installJob === undefined, this, 'installJob', props.installJob, 'only applies without skipInstall');
    const ttlSecondsAfterFinished = props.installJob?.ttlSecondsAfterFinished ?? INSTALL_JOB_TTL_SECONDS;
    checkInteger(this, 'installJob.ttlSecondsAfterFinished', ttlSecondsAfterFinished, 0);
    const adminPurpose = `password of the WordPress admin user ${adminUser}`;
    if (install) {
      this.installJob = this.createInstallJob({
        ttlSecondsAfterFinished,
        cliImage, image, podSecurity, version, dbEnv, waitForDatabase, scripts,
        siteUrl: this.siteUrl!, blogName, adminUser, adminEmail, adminPurpose,
      });
    }

    // Like the database's members, the pods need no wait for the Secret: the containers that read
    // it read it from env, so the kubelet does not create them before it exists and retries on its
    // own (docs/credentials.md); no init container reads a Secret, and the pods are the same
    // whatever the source.
    this.credentials = createWordPressCredentials(this, {
      secretName: this.secretName,
      source: props.credentials,
      namespace: this.namespace,
      keysUsedBy: this.app.node.path,
      admin: this.installJob ? { ref: this.adminPassword, purpose: adminPurpose, usedBy: this.installJob.node.scope!.node.path } : undefined,
    });
    if (props.monitoring) {
      this.monitoring = createWorkloadMonitoring(this, props.monitoring, {
        name: this.name, labels: this.app.labels, alertPrefix: 'WordPress', what: 'WordPress', targets: [], alerts: [],
      });
    }
  }

  /**
   * Every Secret key the manifests read that someone else must create, one entry per key
   * (`{ secretName, namespace, key, purpose, usedBy }`): the database's (built-in), WordPress's and the
   * install Job's, less the keys that a SecretGenerator Job or an ExternalSecret of the app makes in
   * this namespace (`credentials` generated, the default, or external). Create them before applying.
   */
  public get requiredSecrets(): RequiredSecretKey[] {
    return withoutKeysMadeInCluster(this, mergeRequiredSecrets([...this.bound.requiredSecrets, ...this.app.requiredSecrets, ...this.installSecrets]));
  }

  /**
   * Keys a SecretGenerator Job makes for this WordPress (the release's, or the namespace's outside a
   * Release): the WordPress Secret's (`credentials` generated, the default) and a built-in database's.
   */
  public get generatedSecrets(): GeneratedSecretKey[] {
    return sortKeys([...this.credentials.generatedSecrets, ...this.builtInDatabase?.generatedSecrets ?? []]);
  }

  /** Keys an ExternalSecret fills: the WordPress Secret's (`credentials` external) and a built-in database's. */
  public get externalSecrets(): ExternalSecretKey[] {
    return sortKeys([...this.credentials.externalSecrets, ...this.builtInDatabase?.externalSecrets ?? []]);
  }

  private checkIngress(opts: WordPressIngressOptions): Required<Omit<WordPressIngressOptions, 'tlsSecretName'>> & { tlsSecretName?: string } {
    const host = opts.host ?? 'wordpress.local';
    checkIngressHost(this, 'ingress.host', host);
    const className = opts.className ?? 'nginx';
    checkDnsSubdomain(this, 'ingress.className', className);
    const path = opts.path ?? '/';
    check(path.startsWith('/') && !/\s/.test(path), this, 'ingress.path', path, "must be an absolute URL path, starting with '/'");
    const pathType = opts.pathType ?? 'Prefix';
    check(['Prefix', 'Exact', 'ImplementationSpecific'].includes(pathType), this, 'ingress.pathType', pathType,
      'must be Prefix, Exact or ImplementationSpecific');
    if (opts.tlsSecretName !== undefined) checkDnsSubdomain(this, 'ingress.tlsSecretName', opts.tlsSecretName);
    return { host, className, path, pathType, tlsSecretName: opts.tlsSecretName, annotations: opts.annotations ?? {} };
  }

  private createIngress(opts: ReturnType<WordPress['checkIngress']>): k8s.KubeIngress {
    const annotations = opts.annotations;
    return new k8s.KubeIngress(this, 'ingress', {
      metadata: { name: this.name, labels: this.app.labels, annotations: Object.keys(annotations).length ? annotations : undefined },
      spec: {
        ingressClassName: opts.className,
        tls: opts.tlsSecretName ? [{ hosts: [opts.host], secretName: opts.tlsSecretName }] : undefined,
        rules: [{
          host: opts.host,
          http: {
            paths: [{
              path: opts.path,
              pathType: opts.pathType,
              backend: { service: { name: this.app.service!.name, port: { name: 'http' } } },
            }],
          },
        }],
      },
    });
  }

  /**
   * The install Job. Its pod never mounts wp-content: `wp core install` only writes to the
   * database, and it takes the WordPress core from the site's own image (copied into an emptyDir
   * by an init container), so it runs the same version, needs no network and cannot hang on a
   * ReadWriteOnce claim held by the WordPress pod.
   */
  private createInstallJob(o: {
    cliImage: string; image: string; podSecurity: PodSecurity; version: string | undefined;
    dbEnv: Record<string, EnvValue>; waitForDatabase: ContainerSpec; scripts: Readonly<Record<string, string>>;
    siteUrl: string; blogName: string; adminUser: string; adminEmail: string; adminPurpose: string; ttlSecondsAfterFinished: number;
  }): k8s.KubeJob {
    const scope = new Construct(this, 'install');
    const labels = recommendedLabels({ name: 'wordpress', instance: this.name, component: 'install', partOf: this.name, version: o.version });
    const wordpressMount: VolumeMount = { volume: 'wordpress', mountPath: INSTALL_PATH };
    const scriptsMount: VolumeMount = { volume: 'scripts', mountPath: WORDPRESS_SCRIPTS_MOUNT, readOnly: true };
    const template = buildPodTemplate(scope, {
      initContainers: [
        o.waitForDatabase,
        copyWordPress(o.image, INSTALL_PATH, [wordpressMount, scriptsMount]),
      ],
      container: {
        name: 'install',
        image: o.cliImage,
        command: wordpressScriptCommand('install.sh'),
        env: {
          ...o.dbEnv,
          WORDPRESS_PATH: EnvValue.fromValue(INSTALL_PATH),
          SITE_URL: EnvValue.fromValue(o.siteUrl),
          SITE_TITLE: EnvValue.fromValue(o.blogName),
          ADMIN_USER: EnvValue.fromValue(o.adminUser),
          ADMIN_EMAIL: EnvValue.fromValue(o.adminEmail),
          WORDPRESS_ADMIN_PASSWORD: EnvValue.fromSecret(this.adminPassword),
          // uid 33 has no home directory in the Alpine-based cli image; wp-cli keeps its cache there.
          HOME: EnvValue.fromValue('/tmp'),
        },
        volumeMounts: [wordpressMount, scriptsMount],
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      },
      volumes: [
        AppVolume.emptyDir('wordpress'),
        AppVolume.configMap('scripts', `${this.name}-scripts`, { defaultMode: 0o555 }),
      ],
      podSecurity: o.podSecurity,
      antiAffinity: 'none',
      labels,
      selector: labels,
      annotations: { 'checksum/config': contentHash({ scripts: { ...o.scripts } }) },
    });
    const usedBy = [scope.node.path];
    this.installSecrets.push(
      { secretName: this.adminPassword.secretName, key: this.adminPassword.key, namespace: this.namespace, purpose: o.adminPurpose, usedBy },
      { secretName: this.database.password.secretName, key: this.database.password.key, namespace: this.namespace, purpose: `password of the database user ${this.database.user}`, usedBy },
    );
    // The pod template of a Job is immutable: a changed Job gets a new name (and runs again, harmlessly).
    const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 8);
    return new k8s.KubeJob(scope, 'job', {
      metadata: { name: `${this.name}-install-${hash}`, labels },
      spec: {
        backoffLimit: 10,
        ttlSecondsAfterFinished: o.ttlSecondsAfterFinished,
        template: { ...template, spec: { ...template.spec!, restartPolicy: 'Never' } },
      },
    });
  }
}

/** Keys sorted by Secret, then key. */
function sortKeys<T extends { readonly secretName: string; readonly key: string }>(keys: T[]): T[] {
  return keys.sort((a, b) => compare(a.secretName, b.secretName) || compare(a.key, b.key));
}

/** The init container that copies the image's WordPress core into `path` (scripts/copy-wordpress.sh), as the pod's user. */
function copyWordPress(image: string, path: string, volumeMounts: VolumeMount[]): ContainerSpec {
  return {
    name: 'copy-wordpress',
    image,
    command: wordpressScriptCommand('copy-wordpress.sh'),
    env: { WORDPRESS_PATH: EnvValue.fromValue(path) },
    volumeMounts,
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
  };
}

function probe(setting: boolean | Probe | undefined, standard: () => Probe): Probe | undefined {
  if (setting === false) return undefined;
  return setting instanceof Probe ? setting : standard();
}

/** Checks an Ingress host: a DNS name (a leading `*.` wildcard allowed), not an IP, URL or host:port. */
function checkIngressHost(scope: Construct, prop: string, host: string): void {
  check(typeof host === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(host) && !host.includes('/'), scope, prop, host,
    'must be a bare host name such as "wordpress.example.com": no scheme or path');
  check(!host.includes(':'), scope, prop, host, 'must be a bare host name: no port (the Ingress controller decides the ports)');
  check(host === host.toLowerCase(), scope, prop, host, `must be lower-case: did you mean "${host.toLowerCase()}"?`);
  check(!IPV4.test(host), scope, prop, host, 'must be a DNS name, not an IP address (Ingress rules match host names only)');
  checkDnsSubdomain(scope, prop, host.startsWith('*.') ? host.slice(2) : host);
}

/** Checks `extraConfig`: PHP statements that wp-config.php evals, so no `<?php` tag and no secret literals by convention. */
function checkExtraConfig(scope: Construct, code: string): void {
  check(typeof code === 'string' && code.trim().length > 0, scope, 'extraConfig', code, 'must be PHP statements such as "define(\'WP_MEMORY_LIMIT\', \'256M\');"');
  check(!/<\?php|\?>/.test(code), scope, 'extraConfig', '(PHP code)',
    'must be bare PHP statements without <?php or ?>: wp-config.php passes it to eval()');
}

function checkSiteUrl(scope: Construct, url: string): void {
  check(typeof url === 'string' && /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url) && !url.endsWith('/'), scope, 'siteUrl', url,
    'must be an http:// or https:// URL without a trailing slash, query or fragment, e.g. "https://blog.example.com"');
}

/** The tag of an image reference, for the version label (undefined for a digest). */
function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const last = image.slice(image.lastIndexOf('/') + 1);
  return last.includes(':') ? last.slice(last.indexOf(':') + 1) : undefined;
}
