import type { Construct } from 'constructs';
import { checkDnsSubdomain, checkImage, checkInteger, checkNameFrom } from '../common/checks';
import { check } from '../common/errors';
import { imageFromRegistry } from '../common/images';
import type { PodSecurity } from '../common/pod';
import { checkSecretRef, SecretKeyRef } from '../common/secret';
import { checkStorage, isSingleAttach } from '../common/storage';
import type { AccessMode, StorageOptions } from '../common/storage';
import { WordPressDatabase } from './database';
import { WORDPRESS_CLI_IMAGE, WORDPRESS_IMAGE, WORDPRESS_SECRET_KEYS, WORDPRESS_UID } from './props';
import type { WordPressIngressOptions, WordPressProps } from './props';

const RELEASE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_RELEASE_NAME = 40;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** How long a finished install Job is kept for its log (a day). */
const INSTALL_JOB_TTL_SECONDS = 86400;

/** The Ingress of a WordPress, defaults filled in. */
export type WordPressIngress = Required<Omit<WordPressIngressOptions, 'tlsSecretName'>> & { readonly tlsSecretName?: string };

/** What the install Job does, checked and with its defaults. */
export interface WordPressInstall {
  /** The site URL given to `wp core install`. */
  readonly siteUrl: string;
  readonly blogName: string;
  readonly adminUser: string;
  readonly adminEmail: string;
  readonly cliImage: string;
  readonly ttlSecondsAfterFinished: number;
}

/** The props of a WordPress, checked, with every default filled in: what its parts are built from. */
export interface WordPressSettings {
  readonly name: string;
  readonly image: string;
  /** The image tag, for the version label (undefined for a digest). */
  readonly version?: string;
  readonly database: WordPressDatabase;
  readonly storage: StorageOptions;
  readonly accessModes: AccessMode[];
  readonly ingress?: WordPressIngress;
  readonly siteUrl?: string;
  /** The install Job, unless `skipInstall`. */
  readonly install?: WordPressInstall;
  readonly secretName: string;
  readonly adminPassword: SecretKeyRef;
  readonly adminUser: string;
  readonly databaseWaitSeconds: number;
  readonly podSecurity: PodSecurity;
  readonly tablePrefix: string;
}

/** Checks every prop of a WordPress (errors name the prop the user wrote) and fills in the defaults. */
export function wordpressSettings(scope: Construct, props: WordPressProps): WordPressSettings {
  const name = props.name ?? 'wordpress';
  check(RELEASE_NAME.test(name) && name.length <= MAX_RELEASE_NAME, scope, 'name', name,
    `must be a DNS-1035 label of at most ${MAX_RELEASE_NAME} characters (lower-case letters, digits and '-', starting with a letter): it names the Service and prefixes the other objects`);
  const image = props.image ?? imageFromRegistry(scope, WORDPRESS_IMAGE);
  checkImage(scope, 'image', image);
  const cliImage = props.cliImage ?? imageFromRegistry(scope, WORDPRESS_CLI_IMAGE);
  checkImage(scope, 'cliImage', cliImage);

  const database = props.database ?? WordPressDatabase.builtIn();
  check(typeof (database as Partial<WordPressDatabase>)?._bind === 'function', scope, 'database', typeof database,
    'must be WordPressDatabase.builtIn({...}) or WordPressDatabase.external(handle)');
  database.check(scope, 'database');
  const storage = props.storage ?? {};
  checkStorage(scope, 'storage', storage, false);
  const accessModes = storage.accessModes ?? ['ReadWriteOnce'];
  checkScaling(scope, props, accessModes);

  const ingress = props.ingress === false ? undefined : checkIngress(scope, props.ingress ?? {});
  const siteUrl = props.siteUrl ?? (ingress ? `${ingress.tlsSecretName ? 'https' : 'http'}://${ingress.host}` : undefined);
  if (props.siteUrl !== undefined) checkSiteUrl(scope, props.siteUrl);
  const install = !(props.skipInstall ?? false);
  check(!install || siteUrl !== undefined, scope, 'siteUrl', undefined,
    'is required when there is no Ingress (the install Job passes it to `wp core install --url`); or set skipInstall: true');

  const secretName = props.secretName ?? `${name}-credentials`;
  checkNameFrom(scope, 'secretName', secretName, props.secretName !== undefined, ['name', name], checkDnsSubdomain);
  const adminPassword = props.adminPassword ?? SecretKeyRef.of(secretName, WORDPRESS_SECRET_KEYS.adminPassword);
  checkSecretRef(scope, 'adminPassword', adminPassword);
  const adminUser = props.adminUser ?? 'user';
  check(/^[A-Za-z0-9_.@-]{1,60}$/.test(adminUser), scope, 'adminUser', adminUser,
    "must be 1 to 60 letters, digits, '_', '.', '@' or '-' (what WordPress keeps of a user name)");
  const adminEmail = props.adminEmail ?? 'user@example.com';
  check(/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail), scope, 'adminEmail', adminEmail, 'must be an e-mail address');
  const blogName = props.blogName ?? 'WordPress';
  check(blogName.trim().length > 0 && blogName.length <= 200, scope, 'blogName', blogName, 'must be 1 to 200 characters');

  const databaseWaitSeconds = props.databaseWaitSeconds ?? 300;
  checkInteger(scope, 'databaseWaitSeconds', databaseWaitSeconds, 1);
  const tablePrefix = props.tablePrefix ?? 'wp_';
  check(typeof tablePrefix === 'string' && /^[A-Za-z0-9_]{1,20}$/.test(tablePrefix), scope, 'tablePrefix', tablePrefix,
    "must be 1 to 20 letters, digits or '_' (WordPress refuses an empty prefix and strips any other character)");
  if (props.extraConfig !== undefined) checkExtraConfig(scope, props.extraConfig);

  check(install || props.installJob === undefined, scope, 'installJob', props.installJob, 'only applies without skipInstall');
  const ttlSecondsAfterFinished = props.installJob?.ttlSecondsAfterFinished ?? INSTALL_JOB_TTL_SECONDS;
  checkInteger(scope, 'installJob.ttlSecondsAfterFinished', ttlSecondsAfterFinished, 0);

  return {
    name, image, version: imageTag(image), database, storage, accessModes, ingress, siteUrl,
    install: install ? { siteUrl: siteUrl!, blogName, adminUser, adminEmail, cliImage, ttlSecondsAfterFinished } : undefined,
    secretName, adminPassword, adminUser, databaseWaitSeconds, tablePrefix,
    podSecurity: props.podSecurity ?? { runAsUser: WORDPRESS_UID, runAsGroup: WORDPRESS_UID, runAsNonRoot: true, fsGroup: WORDPRESS_UID },
  };
}

/** wp-content is shared by every pod: more than one needs a claim that attaches to many nodes. */
function checkScaling(scope: Construct, props: WordPressProps, accessModes: readonly AccessMode[]): void {
  check(accessModes.length > 0 && accessModes.some((m: string) => m !== 'ReadOnlyMany'), scope, 'storage.accessModes', accessModes,
    'must include a writable mode (ReadWriteOnce, ReadWriteOncePod or ReadWriteMany): WordPress writes uploads, plugins and themes to wp-content');
  const replicas = props.replicas ?? props.autoscaling?.minReplicas ?? 1;
  checkInteger(scope, 'replicas', replicas, 0);
  if (!isSingleAttach(accessModes)) return;
  const why = `while storage.accessModes is ${JSON.stringify(accessModes)}: the wp-content claim attaches to one node at a time, `
    + 'so a second WordPress pod would hang on Multi-Attach. To scale, use ReadWriteMany storage '
    + "(storage: { accessModes: ['ReadWriteMany'], storageClassName: '<an NFS or CephFS class>' })";
  check(replicas <= 1, scope, 'replicas', replicas, `must be at most 1 ${why}`);
  check(!props.autoscaling || props.autoscaling.maxReplicas <= 1, scope, 'autoscaling.maxReplicas',
    props.autoscaling?.maxReplicas, `must be at most 1 ${why}`);
}

function checkIngress(scope: Construct, opts: WordPressIngressOptions): WordPressIngress {
  const host = opts.host ?? 'wordpress.local';
  checkIngressHost(scope, 'ingress.host', host);
  const className = opts.className ?? 'nginx';
  checkDnsSubdomain(scope, 'ingress.className', className);
  const path = opts.path ?? '/';
  check(path.startsWith('/') && !/\s/.test(path), scope, 'ingress.path', path, "must be an absolute URL path, starting with '/'");
  const pathType = opts.pathType ?? 'Prefix';
  check(['Prefix', 'Exact', 'ImplementationSpecific'].includes(pathType), scope, 'ingress.pathType', pathType,
    'must be Prefix, Exact or ImplementationSpecific');
  if (opts.tlsSecretName !== undefined) checkDnsSubdomain(scope, 'ingress.tlsSecretName', opts.tlsSecretName);
  return { host, className, path, pathType, tlsSecretName: opts.tlsSecretName, annotations: opts.annotations ?? {} };
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
