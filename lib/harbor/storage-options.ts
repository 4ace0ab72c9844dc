import type { SecretKeyRef } from '../common/secret';

/** What every object-storage driver shares. */
export interface HarborObjectStorageOptions {
  /**
   * Serve blobs through the registry instead of redirecting clients to pre-signed URLs of the store
   * (harbor-helm `persistence.imageChartStorage.disableredirect`). Set it when clients cannot reach
   * the store (an in-cluster MinIO, a private endpoint).
   * @default false
   */
  readonly disableRedirect?: boolean;
}

/** Access keys for S3, read from Secrets the operator creates. */
export interface HarborS3Credentials {
  /** The access key id (`REGISTRY_STORAGE_S3_ACCESSKEY`). */
  readonly accessKey: SecretKeyRef;
  /** The secret access key (`REGISTRY_STORAGE_S3_SECRETKEY`). */
  readonly secretKey: SecretKeyRef;
}

/** Options of {@link HarborRegistryStorage.s3}. */
export interface HarborS3StorageOptions extends HarborObjectStorageOptions {
  /** Region, e.g. `eu-central-1` (any value for most S3-compatible stores, e.g. `us-east-1`). */
  readonly region: string;
  /** Bucket name. */
  readonly bucket: string;
  /** Endpoint URL of an S3-compatible store, e.g. `https://minio.example.com:9000`. @default - AWS's endpoint for the region */
  readonly endpoint?: string;
  /** Access keys. @default - none: the registry uses the pod's cloud identity (IRSA, instance profile) */
  readonly credentials?: HarborS3Credentials;
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
}

/** Options of {@link HarborRegistryStorage.azure} (harbor-helm `persistence.imageChartStorage.azure`). */
export interface HarborAzureStorageOptions extends HarborObjectStorageOptions {
  /** Storage account name (`accountname`). */
  readonly accountName: string;
  /** The account's access key (`REGISTRY_STORAGE_AZURE_ACCOUNTKEY`; harbor-helm's existingSecret key `AZURE_STORAGE_ACCESS_KEY`). */
  readonly accountKey: SecretKeyRef;
  /** Blob container (`container`). */
  readonly container: string;
  /** Endpoint domain of the cloud (`realm`), e.g. `core.chinacloudapi.cn`. @default 'core.windows.net' */
  readonly realm?: string;
}

/** Options of {@link HarborRegistryStorage.gcs} (harbor-helm `persistence.imageChartStorage.gcs`). */
export interface HarborGcsStorageOptions extends HarborObjectStorageOptions {
  /** Bucket name (`bucket`). */
  readonly bucket: string;
  /**
   * A service account's JSON key (harbor-helm `GCS_KEY_DATA`), mounted as `/etc/registry/gcs-key.json`
   * (`keyfile`). @default - none: the pod's Workload Identity (`useWorkloadIdentity`)
   */
  readonly keyFile?: SecretKeyRef;
  /** Prefix inside the bucket (`rootdirectory`). @default - the bucket root */
  readonly rootDirectory?: string;
  /** Upload chunk size in bytes, a multiple of 256 KiB (`chunksize`). @default - the driver's default (5 MiB) */
  readonly chunkSize?: number;
}

/** Options of {@link HarborRegistryStorage.swift} (harbor-helm `persistence.imageChartStorage.swift`). */
export interface HarborSwiftStorageOptions extends HarborObjectStorageOptions {
  /** Keystone URL (`authurl`), e.g. `https://keystone.example.com/v3`. */
  readonly authUrl: string;
  /** User name (`username`). */
  readonly username: string;
  /** The user's password (`REGISTRY_STORAGE_SWIFT_PASSWORD`). */
  readonly password: SecretKeyRef;
  /** Container (`container`). */
  readonly container: string;
  /** Region (`region`). @default - the only region */
  readonly region?: string;
  /** Tenant (project) name (`tenant`). @default - none */
  readonly tenant?: string;
  /** Tenant (project) id (`tenantid`). @default - none */
  readonly tenantId?: string;
  /** Domain name, Keystone v3 (`domain`). @default - none */
  readonly domain?: string;
  /** Domain id, Keystone v3 (`domainid`). @default - none */
  readonly domainId?: string;
  /** Trust id, Keystone v3 (`trustid`). @default - none */
  readonly trustId?: string;
  /** Skip TLS verification of the endpoints (`insecureskipverify`). @default false */
  readonly insecureSkipVerify?: boolean;
  /** Segment size in bytes (`chunksize`). @default - the driver's default (20 MiB) */
  readonly chunkSize?: number;
  /** Prefix of the object names (`prefix`). @default - none */
  readonly prefix?: string;
  /** Keystone version (`authversion`). @default - detected from authUrl */
  readonly authVersion?: 1 | 2 | 3;
  /** Endpoint type (`endpointtype`). @default 'public' */
  readonly endpointType?: 'public' | 'internal' | 'admin';
  /**
   * Keys for temporary URLs, so clients download from Swift directly (`REGISTRY_STORAGE_SWIFT_SECRETKEY`
   * and, for a Ceph Object Gateway, `REGISTRY_STORAGE_SWIFT_ACCESSKEY`). @default - none: blobs go through the registry
   */
  readonly tempUrl?: {
    /** The temp URL key (`secretkey`). */
    readonly secretKey: SecretKeyRef;
    /** The access key of a Ceph Object Gateway (`accesskey`). @default - none */
    readonly accessKey?: SecretKeyRef;
  };
}

/** Options of {@link HarborRegistryStorage.oss} (harbor-helm `persistence.imageChartStorage.oss`). */
export interface HarborOssStorageOptions extends HarborObjectStorageOptions {
  /** Access key id (`accesskeyid`). */
  readonly accessKeyId: string;
  /** Access key secret (`REGISTRY_STORAGE_OSS_ACCESSKEYSECRET`). */
  readonly accessKeySecret: SecretKeyRef;
  /** Region (`region`), e.g. `oss-cn-beijing`. */
  readonly region: string;
  /** Bucket name (`bucket`). */
  readonly bucket: string;
  /**
   * Endpoint domain, e.g. `oss-cn-beijing-internal.aliyuncs.com`; written as `<bucket>.<endpoint>` like
   * harbor-helm does. @default - derived by the driver from the region
   */
  readonly endpoint?: string;
  /** Use the internal (VPC) endpoint (`internal`). @default false */
  readonly internal?: boolean;
  /** Server-side encryption (`encrypt`). @default false */
  readonly encrypt?: boolean;
  /** Use HTTPS (`secure`). @default true */
  readonly secure?: boolean;
  /** Multipart chunk size in bytes, at least 5 MiB (`chunksize`). @default - the driver's default (10 MiB) */
  readonly chunkSize?: number;
  /** Prefix inside the bucket (`rootdirectory`). @default - the bucket root */
  readonly rootDirectory?: string;
}
