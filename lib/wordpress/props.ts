import type { DisruptionBudgetOptions } from '../workloads/props';
import type { ContainerSecurity, Resources } from '../common/container';
import type { PodSecurity } from '../common/pod';
import type { MonitoringOptions } from '../monitoring/props';
import type { Probe } from '../common/probe';
import type { SecretKeyRef } from '../common/secret';
import type { CredentialSource } from '../credentials/source';
import type { AutoscalingOptions } from '../deployment-app/deployment-app';
import type { PodOptions } from '../common/placement';
import type { StorageOptions } from '../common/storage';
import type { ServiceAccountOptions } from '../workloads/props';
import type { WordPressDatabase } from './database';
import type { WordPressNetworkPolicyOptions } from './network-policy';

/**
 * Keys of the WordPress Secret (`secretName`, default `<name>-credentials`), the same in every
 * database mode. The database password is not here: it is always read from key `password`
 * (`MYSQL_SECRET_KEYS.userPassword`) of the database's Secret, see {@link WordPressDatabase}.
 */
export const WORDPRESS_SECRET_KEYS = {
  /** Password of the admin user that the install Job creates. */
  adminPassword: 'admin-password',
  /** `WORDPRESS_AUTH_KEY`. */
  authKey: 'auth-key',
  /** `WORDPRESS_SECURE_AUTH_KEY`. */
  secureAuthKey: 'secure-auth-key',
  /** `WORDPRESS_LOGGED_IN_KEY`. */
  loggedInKey: 'logged-in-key',
  /** `WORDPRESS_NONCE_KEY`. */
  nonceKey: 'nonce-key',
  /** `WORDPRESS_AUTH_SALT`. */
  authSalt: 'auth-salt',
  /** `WORDPRESS_SECURE_AUTH_SALT`. */
  secureAuthSalt: 'secure-auth-salt',
  /** `WORDPRESS_LOGGED_IN_SALT`. */
  loggedInSalt: 'logged-in-salt',
  /** `WORDPRESS_NONCE_SALT`. */
  nonceSalt: 'nonce-salt',
} as const;

/** The eight authentication keys and salts: env var of the official image -> key of the WordPress Secret. */
export const WORDPRESS_KEY_AND_SALT_ENV: Readonly<Record<string, string>> = {
  WORDPRESS_AUTH_KEY: WORDPRESS_SECRET_KEYS.authKey,
  WORDPRESS_SECURE_AUTH_KEY: WORDPRESS_SECRET_KEYS.secureAuthKey,
  WORDPRESS_LOGGED_IN_KEY: WORDPRESS_SECRET_KEYS.loggedInKey,
  WORDPRESS_NONCE_KEY: WORDPRESS_SECRET_KEYS.nonceKey,
  WORDPRESS_AUTH_SALT: WORDPRESS_SECRET_KEYS.authSalt,
  WORDPRESS_SECURE_AUTH_SALT: WORDPRESS_SECRET_KEYS.secureAuthSalt,
  WORDPRESS_LOGGED_IN_SALT: WORDPRESS_SECRET_KEYS.loggedInSalt,
  WORDPRESS_NONCE_SALT: WORDPRESS_SECRET_KEYS.nonceSalt,
};

/** The default WordPress image (official image, Apache variant), pinned. */
export const WORDPRESS_IMAGE = 'wordpress:7.1.0-php8.3-apache';
/** The default wp-cli image (official `wordpress:cli` variant, same PHP minor as the site), pinned. */
export const WORDPRESS_CLI_IMAGE = 'wordpress:cli-2.12.0-php8.3';
/** uid and gid of `www-data` in the official Debian-based `wordpress` image. */
export const WORDPRESS_UID = 33;

/** The Ingress in front of WordPress (Bitnami `ingress.*`). */
export interface WordPressIngressOptions {
  /** IngressClass (`ingress.ingressClassName`). @default 'nginx' */
  readonly className?: string;
  /** Host name (`ingress.hostname`): a DNS name, no scheme, port or path. @default 'wordpress.local' */
  readonly host?: string;
  /** Path (`ingress.path`). @default '/' */
  readonly path?: string;
  /** Path type (`ingress.pathType`). @default 'Prefix' */
  readonly pathType?: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  /**
   * Name of an existing `kubernetes.io/tls` Secret for the host (`ingress.tls` + `ingress.extraTls`);
   * also makes the site URL `https://`. @default - no TLS (plain HTTP)
   */
  readonly tlsSecretName?: string;
  /** Annotations, e.g. `cert-manager.io/cluster-issuer` or `nginx.ingress.kubernetes.io/proxy-body-size`. @default {} */
  readonly annotations?: Record<string, string>;
}

/** The install Job. */
export interface WordPressInstallJobOptions {
  /**
   * Seconds after the Job finishes (succeeded or failed) before Kubernetes deletes it and its pod
   * (`ttlSecondsAfterFinished`). A later `kubectl apply` of the same manifests creates it again; it
   * then finds WordPress installed and changes nothing. @default 86400
   */
  readonly ttlSecondsAfterFinished?: number;
}

/**
 * Props of a {@link WordPress}. The placement and extension props (`nodeSelector`, `tolerations`,
 * `affinity`, `topologySpreadConstraints`, `priorityClassName`, `imagePullSecrets`, `podLabels`,
 * `podAnnotations`, `extraEnv`, `extraVolumes`, `extraVolumeMounts`) apply to the WordPress pods.
 */
export interface WordPressProps extends PodOptions {
  /** Release name: the Deployment, Service, Ingress and claim are named after it. @default 'wordpress' */
  readonly name?: string;
  /** WordPress image: the official image, Apache variant, pinned (`image.*`). @default WORDPRESS_IMAGE */
  readonly image?: string;
  /** wp-cli image for the install Job: the official `wordpress:cli` variant, pinned. @default WORDPRESS_CLI_IMAGE */
  readonly cliImage?: string;
  /** WordPress pods (`replicaCount`); more than one needs ReadWriteMany storage. @default 1 */
  readonly replicas?: number;
  /**
   * The database: `WordPressDatabase.builtIn({...})` (a MySQLReplication created beside WordPress,
   * Bitnami `mariadb.enabled=true`) or `WordPressDatabase.external(handle)` with any database
   * connection handle: a MySQLReplication of the app, or `DatabaseConnection.fromAttributes({...})`
   * (`mariadb.enabled=false` + `externalDatabase.*`).
   * @default WordPressDatabase.builtIn()
   */
  readonly database?: WordPressDatabase;
  /** Seconds the init containers wait for the database's TCP port before they fail (and are retried). @default 300 */
  readonly databaseWaitSeconds?: number;
  /**
   * Secret with the admin password and the keys and salts, under {@link WORDPRESS_SECRET_KEYS}
   * (`existingSecret`). @default `<name>-credentials`
   */
  readonly secretName?: string;
  /**
   * Who makes the Secret `secretName` with the keys WordPress reads (the eight keys and salts, and
   * `admin-password` when the install Job reads it from this Secret), each of its
   * `WORDPRESS_CREDENTIAL_SHAPES` shape: `CredentialSource.generated()` (the SecretGenerator Job of
   * the release, or of the namespace outside a Release, creates it once in the cluster; see
   * `generatedSecrets`), `CredentialSource.existing()` (you create it first; see `requiredSecrets`) or
   * `CredentialSource.external({...})` (an ExternalSecret fills it; see `externalSecrets`). The pods
   * are the same whatever the source. An `adminPassword` in another Secret is always `existing`.
   * @default CredentialSource.generated() - made in the cluster, once, never changed
   */
  readonly credentials?: CredentialSource;
  /** Admin user name (`wordpressUsername`). @default 'user' */
  readonly adminUser?: string;
  /**
   * Admin password (`wordpressPassword`), by reference only. A key of `secretName` is made by
   * `credentials`; a key of another Secret is that Secret's business, listed in `requiredSecrets`.
   * @default - key `admin-password` of `secretName`
   */
  readonly adminPassword?: SecretKeyRef;
  /** Admin e-mail (`wordpressEmail`). @default 'user@example.com' */
  readonly adminEmail?: string;
  /** Site title (`wordpressBlogName`). @default 'WordPress' */
  readonly blogName?: string;
  /**
   * Site URL given to `wp core install`. @default - `https://<ingress host>` with a TLS Secret,
   * `http://<ingress host>` without; required when there is no Ingress (unless `skipInstall`)
   */
  readonly siteUrl?: string;
  /** Do not create the install Job (`wordpressSkipInstall`): install through the web wizard or by hand. @default false */
  readonly skipInstall?: boolean;
  /** The install Job (not with `skipInstall`). @default - kept one day after it finishes */
  readonly installJob?: WordPressInstallJobOptions;
  /**
   * Prefix of WordPress's table names (`WORDPRESS_TABLE_PREFIX`; Bitnami `wordpressTablePrefix`), e.g. to
   * share one database between sites. Set it before the first install: WordPress does not rename tables.
   * @default 'wp_'
   */
  readonly tablePrefix?: string;
  /**
   * PHP statements added to wp-config.php (`WORDPRESS_CONFIG_EXTRA`; Bitnami `wordpressExtraConfigContent`),
   * e.g. `define('WP_MEMORY_LIMIT', '256M');`. It is written into the manifests: keep secrets out of it.
   * @default - none
   */
  readonly extraConfig?: string;
  /**
   * The `wp-content` claim (Bitnami `persistence.*`). ReadWriteOnce makes the Deployment `Recreate` and
   * allows one replica only; more replicas (or autoscaling) need ReadWriteMany. With `existingClaim`,
   * `accessModes` must describe that claim. A built-in database inherits `storageClassName`.
   * @default - 10Gi ReadWriteOnce from the default StorageClass
   */
  readonly storage?: StorageOptions;
  /**
   * Add a root init container that hands `wp-content` to uid/gid 33 when its owner differs
   * (`volumePermissions.enabled`), for storage that ignores `fsGroup`, such as NFS. @default false
   */
  readonly volumePermissions?: boolean;
  /** The Ingress (`ingress.enabled`, `ingress.*`); `false` for none. @default - an Ingress for 'wordpress.local', class 'nginx' */
  readonly ingress?: WordPressIngressOptions | false;
  /**
   * A NetworkPolicy for the WordPress pods (`networkPolicy.*`): ingress from the Ingress controller's
   * namespace and the pods you name, egress to the database and DNS only; `false` for none.
   * @default - on: from namespace 'ingress-nginx', no Internet egress
   */
  readonly networkPolicy?: WordPressNetworkPolicyOptions | false;
  /** Service type (`service.type`). NodePort and LoadBalancer need `networkPolicy.allowedCidrs` (or no policy). @default 'ClusterIP' */
  readonly serviceType?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /**
   * Liveness probe (`livenessProbe.enabled`): `true` for the default (GET a static file on the
   * Apache port, so a database outage does not restart WordPress), `false` for none, or a custom probe.
   * @default true
   */
  readonly livenessProbe?: boolean | Probe;
  /**
   * Readiness probe (`readinessProbe.enabled`): `true` for the default (GET `/wp-admin/install.php`,
   * which needs PHP and the database, and answers 200 before and after the install), `false` for none, or a custom probe. @default true
   */
  readonly readinessProbe?: boolean | Probe;
  /**
   * Startup probe (`startupProbe.enabled`): `true` for the default (GET `/wp-admin/install.php`, up
   * to 5 minutes for the first start), `false` for none, or a custom probe. @default true
   */
  readonly startupProbe?: boolean | Probe;
  /** Resources of the WordPress container (`resources`). @default - requests 300m CPU and 512Mi memory, limit 1Gi memory */
  readonly resources?: Resources;
  /**
   * Pod security (`podSecurityContext`). @default - uid/gid 33 (www-data), fsGroup 33, non-root
   */
  readonly podSecurity?: PodSecurity;
  /** Security of the WordPress container (`containerSecurityContext`). @default - no privilege escalation, all capabilities dropped */
  readonly containerSecurity?: ContainerSecurity;
  /** PodDisruptionBudget (`pdb.*`). @default - maxUnavailable 1 when replicas > 1 */
  readonly disruptionBudget?: DisruptionBudgetOptions;
  /** HorizontalPodAutoscaler on CPU (`autoscaling.*`); needs ReadWriteMany storage when maxReplicas > 1. @default - none */
  readonly autoscaling?: AutoscalingOptions;
  /** A dedicated ServiceAccount for the WordPress pods (`serviceAccount.create`). @default - none, and no API token is mounted */
  readonly serviceAccount?: ServiceAccountOptions;
  /**
   * A PrometheusRule that alerts when WordPress's pods are not ready (from kube-state-metrics;
   * WordPress exposes no metrics of its own, so there is no PodMonitor); `{}` switches it on.
   * @default - none
   */
  readonly monitoring?: MonitoringOptions;
}
