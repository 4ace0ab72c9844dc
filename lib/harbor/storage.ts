import { IConstruct } from 'constructs';
import { checkAbsolutePath } from '../common/checks';
import { EnvValue } from '../common/env';
import { check } from '../common/errors';
import { SecretKeyRef } from '../common/secret';
import { SecretCatalog } from './secrets';

/** Access keys for S3, read from Secrets the operator creates. */
export interface S3Credentials {
  /** The access key id (`REGISTRY_STORAGE_S3_ACCESSKEY`). */
  readonly accessKey: SecretKeyRef;
  /** The secret access key (`REGISTRY_STORAGE_S3_SECRETKEY`). */
  readonly secretKey: SecretKeyRef;
}

/** Options of {@link RegistryStorage.s3}. */
export interface S3StorageOptions {
  /** Region, e.g. `eu-central-1` (any value for most S3-compatible stores, e.g. `us-east-1`). */
  readonly region: string;
  /** Bucket name. */
  readonly bucket: string;
  /** Endpoint URL of an S3-compatible store, e.g. `https://minio.example.com:9000`. @default - AWS's endpoint for the region */
  readonly endpoint?: string;
  /** Access keys. @default - none: the registry uses the pod's cloud identity (IRSA, instance profile) */
  readonly credentials?: S3Credentials;
  /** Prefix inside the bucket, e.g. `/harbor`. @default - the bucket root */
  readonly rootDirectory?: string;
  /** Server-side encryption. @default false */
  readonly encrypt?: boolean;
  /** Use HTTPS to the endpoint. @default true */
  readonly secure?: boolean;
  /** Skip TLS verification of the endpoint (only with `secure`). @default false */
  readonly skipVerify?: boolean;
  /** Use AWS signature version 4. @default true */
  readonly v4auth?: boolean;
  /** S3 storage class of new objects, e.g. `STANDARD` or `REDUCED_REDUNDANCY`. @default 'STANDARD' */
  readonly storageClass?: string;
  /** Multipart upload chunk size in bytes (at least 5 MiB). @default - the driver's default (10 MiB) */
  readonly chunkSize?: number;
  /**
   * Serve blobs through the registry instead of redirecting clients to pre-signed S3 URLs. Set it
   * when clients cannot reach the endpoint (an in-cluster MinIO, a private endpoint).
   * @default false
   */
  readonly disableRedirect?: boolean;
}

/** Where the registry stores image layers and manifests. */
export class RegistryStorage {
  /** A PersistentVolumeClaim mounted at `/storage` (see `registry.persistence`). */
  public static filesystem(): RegistryStorage {
    return new RegistryStorage('filesystem', undefined);
  }

  /** An S3 bucket (AWS or S3-compatible). The registry then needs no claim, and can run several replicas. */
  public static s3(options: S3StorageOptions): RegistryStorage {
    return new RegistryStorage('s3', options);
  }

  private constructor(
    /** Storage driver name, also core's `REGISTRY_STORAGE_PROVIDER_NAME`. */
    public readonly type: 'filesystem' | 's3',
    /** S3 options (s3 only). */
    public readonly s3Options: S3StorageOptions | undefined,
  ) {}

  /** Whether the registry keeps its data on a claim. */
  public get usesClaim(): boolean {
    return this.type === 'filesystem';
  }

  /** Checks the options, naming `prop` in errors. */
  public check(scope: IConstruct, prop: string): void {
    const o = this.s3Options;
    if (!o) return;
    check(typeof o.region === 'string' && /^[a-z0-9-]+$/.test(o.region), scope, `${prop}.region`, o.region, 'must be a region name such as "eu-central-1"');
    check(typeof o.bucket === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(o.bucket), scope, `${prop}.bucket`, o.bucket,
      'must be an S3 bucket name: 3 to 63 lower-case letters, digits, "." and "-"');
    if (o.endpoint !== undefined) {
      check(/^https?:\/\/[^/\s]+\/?$/.test(o.endpoint), scope, `${prop}.endpoint`, o.endpoint,
        'must be an http(s) URL without a path, e.g. "https://minio.example.com:9000"');
    }
    if (o.rootDirectory !== undefined) checkAbsolutePath(scope, `${prop}.rootDirectory`, o.rootDirectory);
    check(!o.skipVerify || o.secure !== false, scope, `${prop}.skipVerify`, o.skipVerify, 'only applies with secure: true');
    if (o.chunkSize !== undefined) {
      check(Number.isInteger(o.chunkSize) && o.chunkSize >= 5 * 1024 * 1024, scope, `${prop}.chunkSize`, o.chunkSize,
        'must be a whole number of bytes, at least 5242880 (5 MiB)');
    }
  }

  /** The `storage` section of the registry's config.yml (the cache, maintenance and delete settings included). */
  public storageConfig(): Record<string, unknown> {
    const driver: Record<string, unknown> = this.type === 'filesystem'
      ? { filesystem: { rootdirectory: '/storage' } }
      : { s3: this.s3Driver() };
    return {
      ...driver,
      cache: { layerinfo: 'redis' },
      maintenance: { uploadpurging: { enabled: true, age: '168h', interval: '24h', dryrun: false } },
      delete: { enabled: true },
      redirect: { disable: this.s3Options?.disableRedirect ?? false },
    };
  }

  /** Env vars that carry the storage credentials (registry and registryctl read the same config). */
  public env(secrets: SecretCatalog, component: string): Record<string, EnvValue> {
    const creds = this.s3Options?.credentials;
    if (!creds) return {};
    return {
      REGISTRY_STORAGE_S3_ACCESSKEY: EnvValue.fromSecret(secrets.use(creds.accessKey, component, 'S3 access key id of the registry bucket')),
      REGISTRY_STORAGE_S3_SECRETKEY: EnvValue.fromSecret(secrets.use(creds.secretKey, component, 'S3 secret access key of the registry bucket')),
    };
  }

  private s3Driver(): Record<string, unknown> {
    const o = this.s3Options!;
    const out: Record<string, unknown> = { region: o.region, bucket: o.bucket };
    if (o.endpoint !== undefined) out.regionendpoint = o.endpoint.replace(/\/$/, '');
    if (o.rootDirectory !== undefined) out.rootdirectory = o.rootDirectory;
    if (o.encrypt !== undefined) out.encrypt = o.encrypt;
    if (o.secure !== undefined) out.secure = o.secure;
    if (o.skipVerify !== undefined) out.skipverify = o.skipVerify;
    if (o.v4auth !== undefined) out.v4auth = o.v4auth;
    if (o.storageClass !== undefined) out.storageclass = o.storageClass;
    if (o.chunkSize !== undefined) out.chunksize = o.chunkSize;
    return out;
  }
}
