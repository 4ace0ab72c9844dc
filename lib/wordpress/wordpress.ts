import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import type { IDatabaseConnection } from '../common/connections';
import { mergeRequiredSecrets } from '../common/secret';
import type { RequiredSecretKey, SecretKeyRef } from '../common/secret';
import { withoutKeysMadeInCluster } from '../credentials/credentials';
import type { Credentials } from '../credentials/credentials';
import { compare } from '../credentials/order';
import type { ExternalSecretKey, GeneratedSecretKey, IUsesSecrets } from '../credentials/types';
import type { DeploymentApp } from '../deployment-app/deployment-app';
import type { MySQLReplication } from '../mysql/mysql-replication';
import { createWordPressIngress } from './components/ingress';
import { createInstallJob } from './components/install-job';
import { createWordPressSite } from './components/site';
import { createWordPressCredentials } from './credentials';
import type { BoundWordPressDatabase, WordPressDatabaseKind } from './database';
import { createWordPressNetworkPolicy } from './network-policy';
import type { WordPressProps } from './props';
import { wordpressSettings } from './settings';
import { createWorkloadMonitoring } from '../monitoring/monitoring';
import type { Monitoring } from '../monitoring/monitoring';

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
export class WordPress extends Construct implements IUsesSecrets {
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
  private readonly installSecrets: readonly RequiredSecretKey[];

  constructor(scope: Construct, id: string, props: WordPressProps = {}) {
    super(scope, id);
    this.namespace = Chart.of(this).namespace;
    // Every prop is checked first; then each part is built, in the order of the output.
    const s = wordpressSettings(this, props);
    this.name = s.name;
    this.siteUrl = s.siteUrl;
    this.secretName = s.secretName;
    this.adminPassword = s.adminPassword;

    // Database first: a built-in MySQLReplication comes before WordPress in the output.
    this.bound = s.database._bind(this, { name: this.name, storageClassName: s.storage.storageClassName });
    this.databaseKind = s.database.kind;
    this.database = this.bound.connection;
    this.builtInDatabase = this.bound.builtIn;

    const site = createWordPressSite(this, s, this.database, props);
    this.app = site.app;
    this.claimName = s.storage.existingClaim ?? `${this.name}-wp-content`;
    if (s.ingress) this.ingress = createWordPressIngress(this, this.name, s.ingress, this.app);
    if (props.networkPolicy !== false) {
      this.networkPolicy = createWordPressNetworkPolicy(this, {
        name: this.name, labels: this.app.labels, selector: this.app.selectorLabels,
        serviceType: props.serviceType ?? 'ClusterIP', options: props.networkPolicy ?? {},
        database: { builtIn: this.bound.builtIn, port: this.database.endpoint.port },
      });
    }
    const install = s.install ? createInstallJob(this, s, s.install, site, this.database, this.namespace) : undefined;
    this.installJob = install?.job;
    this.installSecrets = install?.requiredSecrets ?? [];

    // Like the database's members, the pods need no wait for the Secret: the containers that read
    // it read it from env, so the kubelet does not create them before it exists and retries on its
    // own (docs/credentials.md); no init container reads a Secret, and the pods are the same
    // whatever the source.
    this.credentials = createWordPressCredentials(this, {
      secretName: this.secretName,
      source: props.credentials,
      namespace: this.namespace,
      keysUsedBy: this.app.node.path,
      admin: install ? { ref: this.adminPassword, purpose: install.adminPurpose, usedBy: install.job.node.scope!.node.path } : undefined,
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
}

/** Keys sorted by Secret, then key. */
function sortKeys<T extends { readonly secretName: string; readonly key: string }>(keys: T[]): T[] {
  return keys.sort((a, b) => compare(a.secretName, b.secretName) || compare(a.key, b.key));
}
