import { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { check } from '../common/errors';
import { checkSecretKey, checkSecretName } from './types';

/** An init container that waits for Secret keys, and the volumes it mounts; add both to the pod spec. */
export interface WaitForSecrets {
  /** The init container: put it first, before any container that reads the Secrets. */
  readonly initContainer: k8s.Container;
  /** The generator's ConfigMap (the script) and each Secret, as an optional volume. */
  readonly volumes: k8s.Volume[];
}

/** Where the waiting init container finds its script and what it waits for. */
export interface WaitForSecretsOptions {
  /** Image with a POSIX sh (the generator's). */
  readonly image: string;
  /** The ConfigMap holding `wait-for-secrets.sh`. */
  readonly configMapName: string;
  /** Where that ConfigMap is mounted. */
  readonly scriptsMount: string;
  /** Who creates the Secrets, for the log line. */
  readonly createdBy: string;
  /** The keys to wait for. */
  readonly keys: ReadonlyArray<{ readonly secretName: string; readonly key: string }>;
}

/** Volume names: `wait-secrets-scripts`, `wait-secret-0`, ... (sorted by Secret name). */
export function waitForSecretsContainer(scope: IConstruct, options: WaitForSecretsOptions): WaitForSecrets {
  check(options.keys.length > 0, scope, 'waitForSecrets.keys', [], 'must name at least one Secret key');
  const items = [...new Set(options.keys.map(({ secretName, key }, i) => {
    checkSecretName(scope, `waitForSecrets.keys[${i}].secretName`, secretName);
    checkSecretKey(scope, `waitForSecrets.keys[${i}].key`, key);
    return `${secretName}/${key}`;
  }))].sort();
  const secretNames = [...new Set(options.keys.map(k => k.secretName))].sort();
  const secretVolumes: k8s.Volume[] = secretNames.map((secretName, i) => ({
    name: `wait-secret-${i}`,
    secret: { secretName, optional: true },
  }));
  return {
    initContainer: {
      name: 'wait-for-secrets',
      image: options.image,
      command: ['sh', `${options.scriptsMount}/wait-for-secrets.sh`, ...items],
      env: [{ name: 'SECRETS_DIR', value: '/secrets' }, { name: 'CREATED_BY', value: options.createdBy }],
      resources: { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') }, limits: { memory: k8s.Quantity.fromString('32Mi') } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      volumeMounts: [
        { name: 'wait-secrets-scripts', mountPath: options.scriptsMount, readOnly: true },
        ...secretVolumes.map((v, i) => ({ name: v.name, mountPath: `/secrets/${secretNames[i]}`, readOnly: true })),
      ],
    },
    volumes: [{ name: 'wait-secrets-scripts', configMap: { name: options.configMapName } }, ...secretVolumes],
  };
}
