import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkInteger } from '../common/checks';
import { EnvValue } from '../common/env';
import { buildPodTemplate } from '../common/pod';
import type { PodSecurity } from '../common/pod';
import type { SecretKeyRef } from '../common/secret';
import { AppVolume } from '../common/volume';
import type { MySQLSwitchoverOptions } from './props';
import { SCRIPTS_MOUNT, scriptCommand } from './scripts';

/** What the switchover Job of a cluster is built from. */
export interface SwitchoverJobOptions {
  /** The StatefulSet name. */
  readonly name: string;
  /** The member to make the primary. */
  readonly target: number;
  /** The number of members. */
  readonly members: number;
  /** The database image (its client runs the SQL). */
  readonly image: string;
  /** Labels of the Job and its pod. */
  readonly labels: Record<string, string>;
  /** Env of every script: flavor, member hosts, port. */
  readonly scriptEnv: Record<string, EnvValue>;
  /** Root's and the replication user's credentials. */
  readonly rootPassword: SecretKeyRef;
  readonly replicationUser: string;
  readonly replicationPassword: SecretKeyRef;
  /** The scripts ConfigMap. */
  readonly scriptsConfigMap: string;
  readonly podSecurity: PodSecurity;
  /** The user's bounds (checked here, under the prop `switchover`). */
  readonly options: MySQLSwitchoverOptions;
}

/**
 * The Job that makes `target` the primary (lib/mysql/scripts/switchover.sh). Its name is
 * `<name>-switchover-<target>-<hash of its pod template>`: a Job's template is immutable, and each
 * change of `primary` is a new Job; applied again, it finds the target promoted and changes nothing.
 */
export function createSwitchoverJob(scope: Construct, o: SwitchoverJobOptions): k8s.KubeJob {
  const catchUpSeconds = o.options.catchUpSeconds ?? 30;
  checkInteger(scope, 'switchover.catchUpSeconds', catchUpSeconds, 1);
  const memberWaitSeconds = o.options.memberWaitSeconds ?? 300;
  checkInteger(scope, 'switchover.memberWaitSeconds', memberWaitSeconds, 1);
  const ttlSecondsAfterFinished = o.options.ttlSecondsAfterFinished ?? 86400;
  checkInteger(scope, 'switchover.ttlSecondsAfterFinished', ttlSecondsAfterFinished, 0);
  const job = new Construct(scope, 'switchover');
  const selector = { 'app.kubernetes.io/name': o.labels['app.kubernetes.io/name'], 'app.kubernetes.io/instance': o.labels['app.kubernetes.io/instance'], 'app.kubernetes.io/component': 'switchover' };
  const labels = { ...o.labels, 'app.kubernetes.io/component': 'switchover' };
  const template = buildPodTemplate(job, {
    container: {
      name: 'switchover',
      image: o.image,
      command: scriptCommand('switchover.sh'),
      env: {
        ...o.scriptEnv,
        MEMBERS: EnvValue.fromValue(String(o.members)),
        TARGET_ORDINAL: EnvValue.fromValue(String(o.target)),
        CATCH_UP_SECONDS: EnvValue.fromValue(String(catchUpSeconds)),
        MEMBER_WAIT_SECONDS: EnvValue.fromValue(String(memberWaitSeconds)),
        MYSQL_ROOT_PASSWORD: EnvValue.fromSecret(o.rootPassword),
        REPLICATION_USER: EnvValue.fromValue(o.replicationUser),
        REPLICATION_PASSWORD: EnvValue.fromSecret(o.replicationPassword),
      },
      volumeMounts: [{ volume: 'scripts', mountPath: SCRIPTS_MOUNT, readOnly: true }],
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
    },
    volumes: [AppVolume.configMap('scripts', o.scriptsConfigMap, { defaultMode: 0o555 })],
    podSecurity: o.podSecurity,
    antiAffinity: 'none',
    labels,
    selector,
  });
  const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 8);
  return new k8s.KubeJob(job, 'job', {
    metadata: { name: `${o.name}-switchover-${o.target}-${hash}`, labels },
    spec: {
      // A refused or abandoned switchover changes nothing and may be retried; a killed one is finished by the next pod.
      backoffLimit: 3,
      ttlSecondsAfterFinished,
      template: { ...template, spec: { ...template.spec!, restartPolicy: 'Never' } },
    },
  });
}
