import type { IConstruct } from 'constructs';
import { checkAbsolutePath, checkHost } from '../common/checks';
import type { VolumeMount } from '../common/container';
import { EnvValue } from '../common/env';
import { check } from '../common/errors';
import { checkSecretRef } from '../common/secret';
import type { SecretKeyRef } from '../common/secret';
import { AppVolume } from '../common/volume';
import type { SecretCatalog } from './secrets';
import type { HarborAzureStorageOptions, HarborGcsStorageOptions, HarborObjectStorageOptions, HarborOssStorageOptions, HarborS3StorageOptions, HarborSwiftStorageOptions } from './storage-options';

/** The storage drivers of the registry (also core's `REGISTRY_STORAGE_PROVIDER_NAME`). */
export type HarborRegistryStorageType = 'filesystem' | 's3' | 'azure' | 'gcs' | 'swift' | 'oss';

/** Where the GCS key file is mounted in registry and registryctl (harbor-helm's path). */
export const GCS_KEY_PATH = '/etc/registry/gcs-key.json';

type DriverOptions = HarborS3StorageOptions | HarborAzureStorageOptions | HarborGcsStorageOptions | HarborSwiftStorageOptions | HarborOssStorageOptions;

/** A Secret key that becomes an env var of registry and registryctl. */
interface SecretEnv { readonly env: string; readonly ref: SecretKeyRef; readonly description: string }

/**
 * Where the registry stores image layers and manifests: a claim, or one of the object stores that
 * harbor-helm offers (S3, Azure, GCS, Swift, OSS), each with its credentials as Secret references.
 */
export class HarborRegistryStorage {
  /** A PersistentVolumeClaim mounted at `/storage` (see `registry.persistence`). */
  public static filesystem(): HarborRegistryStorage {
    return new HarborRegistryStorage('filesystem', undefined);
  }

  /** An S3 bucket (AWS or S3-compatible). The registry then needs no claim, and can run several replicas. */
  public static s3(options: HarborS3StorageOptions): HarborRegistryStorage {
    return new HarborRegistryStorage('s3', options);
  }

  /** An Azure Blob Storage container. */
  public static azure(options: HarborAzureStorageOptions): HarborRegistryStorage {
    return new HarborRegistryStorage('azure', options);
  }

  /** A Google Cloud Storage bucket, with a service account key or the pod's Workload Identity. */
  public static gcs(options: HarborGcsStorageOptions): HarborRegistryStorage {
    return new HarborRegistryStorage('gcs', options);
  }

  /** An OpenStack Swift container. */
  public static swift(options: HarborSwiftStorageOptions): HarborRegistryStorage {
    return new HarborRegistryStorage('swift', options);
  }

  /** An Alibaba Cloud OSS bucket. */
  public static oss(options: HarborOssStorageOptions): HarborRegistryStorage {
    return new HarborRegistryStorage('oss', options);
  }

  private constructor(
    /** Storage driver name, also core's `REGISTRY_STORAGE_PROVIDER_NAME`. */
    public readonly type: HarborRegistryStorageType,
    private readonly options: DriverOptions | undefined,
  ) {}

  /** Whether the registry keeps its data on a claim. */
  public get usesClaim(): boolean {
    return this.type === 'filesystem';
  }

  /** Checks the options, naming `prop` in errors. */
  public check(scope: IConstruct, prop: string): void {
    const bucket = (value: unknown, re: RegExp, rule: string) => check(typeof value === 'string' && re.test(value), scope, `${prop}.bucket`, value, rule);
    const chunk = (value: number | undefined, min: number, multiple = 1) => {
      if (value === undefined) return;
      check(Number.isInteger(value) && value >= min && value % multiple === 0, scope, `${prop}.chunkSize`, value,
        `must be a whole number of bytes, at least ${min}${multiple > 1 ? ` and a multiple of ${multiple}` : ''}`);
    };
    const root = (value: string | undefined) => { if (value !== undefined) checkAbsolutePath(scope, `${prop}.rootDirectory`, value); };
    const secret = (name: string, ref: SecretKeyRef | undefined) => { if (ref !== undefined) checkSecretRef(scope, `${prop}.${name}`, ref); };
    const required = (name: string, value: unknown) => check(value !== undefined, scope, `${prop}.${name}`, value, 'is required');
    switch (this.type) {
      case 'filesystem': return;
      case 's3': {
        const o = this.options as HarborS3StorageOptions;
        check(typeof o.region === 'string' && /^[a-z0-9-]+$/.test(o.region), scope, `${prop}.region`, o.region, 'must be a region name such as "eu-central-1"');
        bucket(o.bucket, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name: 3 to 63 lower-case letters, digits, "." and "-"');
        if (o.endpoint !== undefined) {
          check(/^https?:\/\/[^/\s]+\/?$/.test(o.endpoint), scope, `${prop}.endpoint`, o.endpoint,
            'must be an http(s) URL without a path, e.g. "https://minio.example.com:9000"');
        }
        root(o.rootDirectory);
        check(!o.skipVerify || o.secure !== false, scope, `${prop}.skipVerify`, o.skipVerify, 'only applies with secure: true');
        chunk(o.chunkSize, 5 * 1024 * 1024);
        secret('credentials.accessKey', o.credentials?.accessKey);
        secret('credentials.secretKey', o.credentials?.secretKey);
        return;
      }
      case 'azure': {
        const o = this.options as HarborAzureStorageOptions;
        check(typeof o.accountName === 'string' && /^[a-z0-9]{3,24}$/.test(o.accountName), scope, `${prop}.accountName`, o.accountName,
          'must be a storage account name: 3 to 24 lower-case letters and digits');
        check(typeof o.container === 'string' && /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(o.container), scope, `${prop}.container`, o.container,
          'must be a container name: 3 to 63 lower-case letters, digits and single "-"');
        required('accountKey', o.accountKey);
        secret('accountKey', o.accountKey);
        if (o.realm !== undefined) checkHost(scope, `${prop}.realm`, o.realm);
        return;
      }
      case 'gcs': {
        const o = this.options as HarborGcsStorageOptions;
        bucket(o.bucket, /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, 'must be a GCS bucket name: 3 to 222 lower-case letters, digits, "_", "-" and "."');
        secret('keyFile', o.keyFile);
        root(o.rootDirectory);
        chunk(o.chunkSize, 256 * 1024, 256 * 1024);
        return;
      }
      case 'swift': {
        const o = this.options as HarborSwiftStorageOptions;
        check(typeof o.authUrl === 'string' && /^https?:\/\/[^\s/]+(\/\S*)?$/.test(o.authUrl), scope, `${prop}.authUrl`, o.authUrl,
          'must be the http(s) URL of Keystone, e.g. "https://keystone.example.com/v3"');
        check(typeof o.username === 'string' && o.username.length > 0, scope, `${prop}.username`, o.username, 'must be a user name');
        check(typeof o.container === 'string' && /^[^/\s]{1,256}$/.test(o.container), scope, `${prop}.container`, o.container,
          'must be a container name: 1 to 256 characters, no "/" or spaces');
        required('password', o.password);
        secret('password', o.password);
        secret('tempUrl.secretKey', o.tempUrl?.secretKey);
        secret('tempUrl.accessKey', o.tempUrl?.accessKey);
        chunk(o.chunkSize, 1);
        if (o.authVersion !== undefined) check([1, 2, 3].includes(o.authVersion), scope, `${prop}.authVersion`, o.authVersion, 'must be 1, 2 or 3');
        return;
      }
      case 'oss': {
        const o = this.options as HarborOssStorageOptions;
        check(typeof o.accessKeyId === 'string' && /^[A-Za-z0-9]{8,64}$/.test(o.accessKeyId), scope, `${prop}.accessKeyId`, o.accessKeyId,
          'must be an AccessKey id (letters and digits)');
        required('accessKeySecret', o.accessKeySecret);
        secret('accessKeySecret', o.accessKeySecret);
        check(typeof o.region === 'string' && /^[a-z0-9-]+$/.test(o.region), scope, `${prop}.region`, o.region, 'must be a region name such as "oss-cn-beijing"');
        bucket(o.bucket, /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'must be an OSS bucket name: 3 to 63 lower-case letters, digits and "-"');
        if (o.endpoint !== undefined) checkHost(scope, `${prop}.endpoint`, o.endpoint);
        root(o.rootDirectory);
        chunk(o.chunkSize, 5 * 1024 * 1024);
        return;
      }
    }
  }

  /** The `storage` section of the registry's config.yml (the cache, maintenance and delete settings included). */
  public storageConfig(): Record<string, unknown> {
    return {
      [this.type]: this.driverConfig(),
      cache: { layerinfo: 'redis' },
      maintenance: { uploadpurging: { enabled: true, age: '168h', interval: '24h', dryrun: false } },
      delete: { enabled: true },
      redirect: { disable: (this.options as HarborObjectStorageOptions | undefined)?.disableRedirect ?? false },
    };
  }

  /** Env vars that carry the storage credentials (registry and registryctl read the same config). */
  public env(secrets: SecretCatalog, component: string): Record<string, EnvValue> {
    return Object.fromEntries(this.secretEnv().map(e => [e.env, EnvValue.fromSecret(secrets.use(e.ref, component, e.description))]));
  }

  /** Volumes of the registry pod that the driver needs (the GCS key file). */
  public volumes(secrets: SecretCatalog, component: string): AppVolume[] {
    const key = this.type === 'gcs' ? (this.options as HarborGcsStorageOptions).keyFile : undefined;
    if (!key) return [];
    secrets.use(key, component, 'JSON key of the service account of the registry\'s GCS bucket');
    return [AppVolume.secret('gcs-key', key.secretName, { items: { [key.key]: 'gcs-key.json' } })];
  }

  /** Mounts of those volumes, in registry and registryctl. */
  public volumeMounts(): VolumeMount[] {
    const key = this.type === 'gcs' ? (this.options as HarborGcsStorageOptions).keyFile : undefined;
    return key ? [{ volume: 'gcs-key', mountPath: GCS_KEY_PATH, subPath: 'gcs-key.json', readOnly: true }] : [];
  }

  private secretEnv(): SecretEnv[] {
    switch (this.type) {
      case 's3': {
        const c = (this.options as HarborS3StorageOptions).credentials;
        return c ? [
          { env: 'REGISTRY_STORAGE_S3_ACCESSKEY', ref: c.accessKey, description: 'S3 access key id of the registry bucket' },
          { env: 'REGISTRY_STORAGE_S3_SECRETKEY', ref: c.secretKey, description: 'S3 secret access key of the registry bucket' },
        ] : [];
      }
      case 'azure':
        return [{ env: 'REGISTRY_STORAGE_AZURE_ACCOUNTKEY', ref: (this.options as HarborAzureStorageOptions).accountKey, description: 'access key of the registry\'s Azure storage account' }];
      case 'swift': {
        const o = this.options as HarborSwiftStorageOptions;
        return [
          { env: 'REGISTRY_STORAGE_SWIFT_PASSWORD', ref: o.password, description: 'password of the registry\'s Swift user' },
          ...(o.tempUrl ? [{ env: 'REGISTRY_STORAGE_SWIFT_SECRETKEY', ref: o.tempUrl.secretKey, description: 'Swift temp URL key of the registry container' }] : []),
          ...(o.tempUrl?.accessKey ? [{ env: 'REGISTRY_STORAGE_SWIFT_ACCESSKEY', ref: o.tempUrl.accessKey, description: 'access key of the registry\'s Ceph Object Gateway' }] : []),
        ];
      }
      case 'oss':
        return [{ env: 'REGISTRY_STORAGE_OSS_ACCESSKEYSECRET', ref: (this.options as HarborOssStorageOptions).accessKeySecret, description: 'AccessKey secret of the registry\'s OSS bucket' }];
      default:
        return [];
    }
  }

  private driverConfig(): Record<string, unknown> {
    const o = this.options as unknown as Record<string, unknown> | undefined;
    /** The options named in `fields` (option -> config key), in that order, leaving out the unset ones. */
    const pick = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields)
      .filter(([option]) => o?.[option] !== undefined).map(([option, key]) => [key, o![option]]));
    switch (this.type) {
      case 'filesystem': return { rootdirectory: '/storage' };
      case 's3': {
        const s3 = this.options as HarborS3StorageOptions;
        return {
          ...pick({ region: 'region', bucket: 'bucket' }),
          ...(s3.endpoint !== undefined ? { regionendpoint: s3.endpoint.replace(/\/$/, '') } : {}),
          ...pick({ rootDirectory: 'rootdirectory', encrypt: 'encrypt', secure: 'secure', skipVerify: 'skipverify', v4auth: 'v4auth', storageClass: 'storageclass', chunkSize: 'chunksize' }),
        };
      }
      case 'azure': return pick({ accountName: 'accountname', container: 'container', realm: 'realm' });
      case 'gcs': return {
        bucket: (this.options as HarborGcsStorageOptions).bucket,
        ...((this.options as HarborGcsStorageOptions).keyFile ? { keyfile: GCS_KEY_PATH } : {}),
        ...pick({ rootDirectory: 'rootdirectory', chunkSize: 'chunksize' }),
      };
      case 'swift': return pick({
        authUrl: 'authurl', username: 'username', container: 'container', region: 'region', tenant: 'tenant', tenantId: 'tenantid',
        domain: 'domain', domainId: 'domainid', trustId: 'trustid', insecureSkipVerify: 'insecureskipverify', chunkSize: 'chunksize',
        prefix: 'prefix', authVersion: 'authversion', endpointType: 'endpointtype',
      });
      case 'oss': {
        const oss = this.options as HarborOssStorageOptions;
        return {
          ...pick({ accessKeyId: 'accesskeyid', region: 'region', bucket: 'bucket' }),
          ...(oss.endpoint !== undefined ? { endpoint: `${oss.bucket}.${oss.endpoint}` } : {}),
          ...pick({ internal: 'internal', encrypt: 'encrypt', secure: 'secure', chunkSize: 'chunksize', rootDirectory: 'rootdirectory' }),
        };
      }
    }
  }
}
