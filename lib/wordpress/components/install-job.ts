import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { IDatabaseConnection } from '../../common/connections';
import type { VolumeMount } from '../../common/container';
import { EnvValue } from '../../common/env';
import { recommendedLabels } from '../../common/labels';
import { buildPodTemplate, contentHash } from '../../common/pod';
import type { RequiredSecretKey } from '../../common/secret';
import { AppVolume } from '../../common/volume';
import { WORDPRESS_SCRIPTS_MOUNT, wordpressScriptCommand } from '../scripts';
import type { WordPressInstall, WordPressSettings } from '../settings';
import { copyWordPress } from './site';
import type { WordPressSite } from './site';

/** Where the install Job's pod puts its copy of the WordPress core. */
const INSTALL_PATH = '/wordpress';

/** The install Job and the Secret keys its pod reads. */
export interface WordPressInstallJob {
  readonly job: k8s.KubeJob;
  readonly requiredSecrets: readonly RequiredSecretKey[];
  /** What its admin password is for, in the Secret catalog. */
  readonly adminPurpose: string;
}

/**
 * The install Job (in a construct `install` of `scope`), which installs WordPress and creates the
 * admin user once, with wp-cli. Its pod never mounts wp-content: `wp core install` only writes to
 * the database, and it takes the WordPress core from the site's own image (copied into an emptyDir
 * by an init container), so it runs the same version, needs no network and cannot hang on a
 * ReadWriteOnce claim held by the WordPress pod.
 */
export function createInstallJob(scope: Construct, s: WordPressSettings, install: WordPressInstall, site: WordPressSite,
  database: IDatabaseConnection, namespace: string | undefined): WordPressInstallJob {
  const installScope = new Construct(scope, 'install');
  const labels = recommendedLabels({ name: 'wordpress', instance: s.name, component: 'install', partOf: s.name, version: s.version });
  const wordpressMount: VolumeMount = { volume: 'wordpress', mountPath: INSTALL_PATH };
  const scriptsMount: VolumeMount = { volume: 'scripts', mountPath: WORDPRESS_SCRIPTS_MOUNT, readOnly: true };
  const template = buildPodTemplate(installScope, {
    initContainers: [
      site.waitForDatabase,
      copyWordPress(s.image, INSTALL_PATH, [wordpressMount, scriptsMount]),
    ],
    container: {
      name: 'install',
      image: install.cliImage,
      command: wordpressScriptCommand('install.sh'),
      env: {
        ...site.dbEnv,
        WORDPRESS_PATH: EnvValue.fromValue(INSTALL_PATH),
        SITE_URL: EnvValue.fromValue(install.siteUrl),
        SITE_TITLE: EnvValue.fromValue(install.blogName),
        ADMIN_USER: EnvValue.fromValue(install.adminUser),
        ADMIN_EMAIL: EnvValue.fromValue(install.adminEmail),
        WORDPRESS_ADMIN_PASSWORD: EnvValue.fromSecret(s.adminPassword),
        // uid 33 has no home directory in the Alpine-based cli image; wp-cli keeps its cache there.
        HOME: EnvValue.fromValue('/tmp'),
      },
      volumeMounts: [wordpressMount, scriptsMount],
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    },
    volumes: [
      AppVolume.emptyDir('wordpress'),
      AppVolume.configMap('scripts', `${s.name}-scripts`, { defaultMode: 0o555 }),
    ],
    podSecurity: s.podSecurity,
    antiAffinity: 'none',
    labels,
    selector: labels,
    annotations: { 'checksum/config': contentHash({ scripts: { ...site.scripts } }) },
  });
  const usedBy = [installScope.node.path];
  const adminPurpose = `password of the WordPress admin user ${install.adminUser}`;
  const requiredSecrets: RequiredSecretKey[] = [
    { secretName: s.adminPassword.secretName, key: s.adminPassword.key, namespace, purpose: adminPurpose, usedBy },
    { secretName: database.password.secretName, key: database.password.key, namespace, purpose: `password of the database user ${database.user}`, usedBy },
  ];
  // The pod template of a Job is immutable: a changed Job gets a new name (and runs again, harmlessly).
  const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 8);
  const job = new k8s.KubeJob(installScope, 'job', {
    metadata: { name: `${s.name}-install-${hash}`, labels },
    spec: {
      backoffLimit: 10,
      ttlSecondsAfterFinished: install.ttlSecondsAfterFinished,
      template: { ...template, spec: { ...template.spec!, restartPolicy: 'Never' } },
    },
  });
  return { job, requiredSecrets, adminPurpose };
}
