import type { Construct } from 'constructs';
import type { IDatabaseConnection } from '../../common/connections';
import type { ContainerSpec, Resources, VolumeMount } from '../../common/container';
import { EnvValue } from '../../common/env';
import { podOptionsOf } from '../../common/placement';
import { propPathMap, withOuterProps } from '../../common/prop-paths';
import { Probe } from '../../common/probe';
import { SecretKeyRef } from '../../common/secret';
import { AppVolume } from '../../common/volume';
import { DeploymentApp } from '../../deployment-app/deployment-app';
import type { DeploymentAppProps } from '../../deployment-app/deployment-app';
import { APACHE_CONFIG_PATHS, apacheConfigFiles, DOCUMENT_ROOT, WORDPRESS_HTTP_PORT } from '../apache';
import { keyAndSaltPurpose } from '../credentials';
import { WORDPRESS_KEY_AND_SALT_ENV, WORDPRESS_UID } from '../props';
import type { WordPressProps } from '../props';
import { WORDPRESS_SCRIPTS_MOUNT, wordpressScriptCommand, wordpressScripts } from '../scripts';
import type { WordPressSettings } from '../settings';

/** Where the volume-permissions init container mounts wp-content. */
const PERMISSIONS_MOUNT = '/wp-content';
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
const SMALL: Resources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } };

/** Errors of the inner DeploymentApp name the props the user wrote on the WordPress. */
export const SITE_PROP_PATHS = propPathMap<DeploymentAppProps, WordPressProps>([
  ['volumeClaims[0]', 'storage'], ['container.resources', 'resources'], ['container.securityContext', 'containerSecurity'],
  ['container.startupProbe', 'startupProbe'], ['container.readinessProbe', 'readinessProbe'], ['container.livenessProbe', 'livenessProbe'],
  ['service.type', 'serviceType'],
]);

/** The site and what the install Job shares with it. */
export interface WordPressSite {
  /** The DeploymentApp of the site. */
  readonly app: DeploymentApp;
  /** The env that wp-config.php reads, in the site and in wp-cli. */
  readonly dbEnv: Record<string, EnvValue>;
  /** The init container that waits for the database. */
  readonly waitForDatabase: ContainerSpec;
  /** The scripts ConfigMap's files. */
  readonly scripts: Readonly<Record<string, string>>;
}

/** WordPress (official image, Apache on port 8080 as www-data) as a DeploymentApp `app` of `scope`. */
export function createWordPressSite(scope: Construct, s: WordPressSettings, database: IDatabaseConnection, props: WordPressProps): WordPressSite {
  // wp-config.php (the image's wp-config-docker.php) reads these at every request, in the site and in wp-cli.
  const dbEnv: Record<string, EnvValue> = {
    WORDPRESS_DB_HOST: EnvValue.fromValue(`${database.endpoint.host}:${database.endpoint.port}`),
    WORDPRESS_DB_NAME: EnvValue.fromValue(database.databaseName),
    WORDPRESS_DB_USER: EnvValue.fromValue(database.user),
    WORDPRESS_DB_PASSWORD: EnvValue.fromSecret(database.password),
    ...(s.tablePrefix !== 'wp_' ? { WORDPRESS_TABLE_PREFIX: EnvValue.fromValue(s.tablePrefix) } : {}),
    ...(props.extraConfig ? { WORDPRESS_CONFIG_EXTRA: EnvValue.fromValue(props.extraConfig) } : {}),
  };
  const scriptsMount: VolumeMount = { volume: 'scripts', mountPath: WORDPRESS_SCRIPTS_MOUNT, readOnly: true };
  const waitForDatabase: ContainerSpec = {
    name: 'wait-for-database',
    image: s.image,
    command: wordpressScriptCommand('wait-for-tcp.sh'),
    env: {
      WAIT_FOR: EnvValue.fromValue('database'),
      WAIT_HOST: EnvValue.fromValue(database.endpoint.host),
      WAIT_PORT: EnvValue.fromValue(String(database.endpoint.port)),
      WAIT_TIMEOUT_SECONDS: EnvValue.fromValue(String(s.databaseWaitSeconds)),
    },
    volumeMounts: [scriptsMount],
    resources: SMALL,
  };
  // The image's entrypoint cannot copy WordPress onto the kubelet's volume as uid 33 (see copy-wordpress.sh).
  const siteMounts: VolumeMount[] = [
    { volume: 'html', mountPath: DOCUMENT_ROOT },
    { volume: 'wp-content', mountPath: `${DOCUMENT_ROOT}/wp-content` },
  ];
  const initContainers: ContainerSpec[] = [
    ...(props.volumePermissions ?? false ? [volumePermissions(s, scriptsMount)] : []),
    copyWordPress(s.image, DOCUMENT_ROOT, [...siteMounts, scriptsMount]),
    waitForDatabase,
  ];

  const scripts = wordpressScripts();
  const app = withOuterProps(scope, SITE_PROP_PATHS, () => new DeploymentApp(scope, 'app', {
    ...podOptionsOf(props),
    name: s.name,
    appName: 'wordpress',
    instance: s.name,
    component: 'web',
    partOf: s.name,
    version: s.version,
    replicas: props.replicas,
    container: siteContainer(s, dbEnv, siteMounts, props),
    initContainers,
    volumes: [AppVolume.emptyDir('html')],
    volumeClaims: [{
      name: 'wp-content',
      size: s.storage.size ?? '10Gi',
      accessModes: s.accessModes,
      storageClassName: s.storage.storageClassName,
      existingClaim: s.storage.existingClaim,
    }],
    configMaps: [
      { name: 'scripts', files: { ...scripts }, defaultMode: 0o555 },
      { name: 'apache', files: apacheConfigFiles() },
    ],
    service: { type: props.serviceType ?? 'ClusterIP' },
    podSecurity: s.podSecurity,
    disruptionBudget: props.disruptionBudget,
    autoscaling: props.autoscaling,
    serviceAccount: props.serviceAccount,
  }));
  app.describeSecret(database.password, `password of the database user ${database.user}`);
  for (const [env, key] of Object.entries(WORDPRESS_KEY_AND_SALT_ENV)) {
    app.describeSecret(SecretKeyRef.of(s.secretName, key), keyAndSaltPurpose(env));
  }
  return { app, dbEnv, waitForDatabase, scripts };
}

function siteContainer(s: WordPressSettings, dbEnv: Record<string, EnvValue>, siteMounts: VolumeMount[], props: WordPressProps): ContainerSpec {
  return {
    name: 'wordpress',
    image: s.image,
    ports: [{ name: 'http', port: WORDPRESS_HTTP_PORT }],
    env: {
      ...dbEnv,
      ...Object.fromEntries(Object.entries(WORDPRESS_KEY_AND_SALT_ENV)
        .map(([env, key]) => [env, EnvValue.fromSecret(SecretKeyRef.of(s.secretName, key))])),
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
}

/** The root init container that hands wp-content to the site's user (`volumePermissions`). */
function volumePermissions(s: WordPressSettings, scriptsMount: VolumeMount): ContainerSpec {
  return {
    name: 'volume-permissions',
    image: s.image,
    command: wordpressScriptCommand('volume-permissions.sh'),
    env: {
      VOLUME_DIR: EnvValue.fromValue(PERMISSIONS_MOUNT),
      OWNER_UID: EnvValue.fromValue(String(s.podSecurity.runAsUser ?? WORDPRESS_UID)),
      OWNER_GID: EnvValue.fromValue(String(s.podSecurity.runAsGroup ?? s.podSecurity.fsGroup ?? WORDPRESS_UID)),
    },
    volumeMounts: [{ volume: 'wp-content', mountPath: PERMISSIONS_MOUNT }, scriptsMount],
    resources: SMALL,
    securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, capabilitiesAdd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'] },
  };
}

/** The init container that copies the image's WordPress core into `path` (scripts/copy-wordpress.sh), as the pod's user. */
export function copyWordPress(image: string, path: string, volumeMounts: VolumeMount[]): ContainerSpec {
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
