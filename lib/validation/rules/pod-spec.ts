import { ContainerAt, PodTemplate, asArray, asRecord, containersOf } from '../objects';
import { Output } from '../output';
import { Finding, pointer } from '../problem';

const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const SECRET_NAME = /pass(word)?|secret|token|api[_-]?key|private[_-]?key/i;
/** Names that point at a secret or name it, without holding it: `PASSWORD_FILE=/run/secrets/pw`, `SECRET_NAME=db`. */
const SECRET_REFERENCE_NAME = /_(FILE|PATH|DIR|NAME|USER|USERNAME)$/i;
/** Literal values that are switches, not secrets: `MYSQL_ALLOW_EMPTY_PASSWORD=yes`, `MYSQL_RANDOM_ROOT_PASSWORD=true`. */
const FLAG_VALUE = /^(true|false|yes|no|on|off|0|1)$/i;

/**
 * Checks each pod template (Pods and workloads): `pod/duplicate-volume` (volume names unique),
 * `pod/container-name` (container names unique across init, regular and ephemeral containers),
 * `pod/volume-mount` (every volumeMount / volumeDevice names a pod volume or, in a StatefulSet, a
 * volumeClaimTemplate), `pod/mount-path` (no two mounts at one path in a container),
 * `pod/port-name` (port names are IANA service names of at most 15 characters, unique per
 * container) and `pod/literal-secret` (credential-like env vars come from `valueFrom`, not `value`).
 */
export function* podSpecRules(output: Output): Iterable<Finding> {
  for (const template of output.templates) {
    const volumes = new Set<unknown>();
    for (const [i, volume] of asArray(template.spec.volumes).entries()) {
      const name = asRecord(volume).name;
      if (volumes.has(name)) {
        yield finding(template, `${template.specPath}${pointer('volumes', i, 'name')}`, 'pod/duplicate-volume', `volume name "${name}" is used by an earlier volume`);
      }
      volumes.add(name);
    }
    if (template.owner.kind === 'StatefulSet') {
      for (const claim of asArray(template.owner.spec?.volumeClaimTemplates)) {
        volumes.add(asRecord(claim).metadata?.name);
      }
    }
    const containerNames = new Set<unknown>();
    for (const at of containersOf(template)) {
      if (containerNames.has(at.container.name)) {
        yield finding(template, at.path + pointer('name'), 'pod/container-name', `container name "${at.container.name}" is used by another container of the pod`);
      }
      containerNames.add(at.container.name);
      yield* mountFindings(template, at, volumes);
      yield* portFindings(template, at);
      yield* envFindings(template, at);
    }
  }
}

function* mountFindings(template: PodTemplate, { container, path }: ContainerAt, volumes: ReadonlySet<unknown>): Iterable<Finding> {
  const claims = template.owner.kind === 'StatefulSet' ? ' or volumeClaimTemplate' : '';
  const mountPaths = new Set<unknown>();
  for (const [i, mount] of asArray(container.volumeMounts).entries()) {
    const { name, mountPath } = asRecord(mount);
    if (!volumes.has(name)) {
      yield finding(template, path + pointer('volumeMounts', i, 'name'), 'pod/volume-mount', `volumeMount "${name}" names no volume${claims} of the pod`);
    }
    if (mountPaths.has(mountPath)) {
      yield finding(template, path + pointer('volumeMounts', i, 'mountPath'), 'pod/mount-path', `mountPath "${mountPath}" is already mounted in container "${container.name}"`);
    }
    mountPaths.add(mountPath);
  }
  for (const [i, device] of asArray(container.volumeDevices).entries()) {
    const { name } = asRecord(device);
    if (!volumes.has(name)) {
      yield finding(template, path + pointer('volumeDevices', i, 'name'), 'pod/volume-mount', `volumeDevice "${name}" names no volume${claims} of the pod`);
    }
  }
}

function* portFindings(template: PodTemplate, { container, path }: ContainerAt): Iterable<Finding> {
  const names = new Set<string>();
  for (const [i, port] of asArray(container.ports).entries()) {
    const { name } = asRecord(port);
    if (typeof name !== 'string') {
      continue;
    }
    const at = path + pointer('ports', i, 'name');
    if (name.length > 15 || !IANA_SVC_NAME.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
      yield finding(template, at, 'pod/port-name', `port name "${name}" must be an IANA service name: 1 to 15 lower-case alphanumerics and "-", with a letter, no "--", not starting or ending with "-"`);
    }
    if (names.has(name)) {
      yield finding(template, at, 'pod/port-name', `port name "${name}" is used by another port of container "${container.name}"`);
    }
    names.add(name);
  }
}

function* envFindings(template: PodTemplate, { container, path }: ContainerAt): Iterable<Finding> {
  for (const [i, env] of asArray(container.env).entries()) {
    const { name, value } = asRecord(env);
    if (typeof name === 'string' && typeof value === 'string'
      && SECRET_NAME.test(name) && !SECRET_REFERENCE_NAME.test(name) && !FLAG_VALUE.test(value)) {
      yield finding(template, path + pointer('env', i, 'value'), 'pod/literal-secret',
        `env var "${name}" of container "${container.name}" looks like a credential but has a literal value; use valueFrom.secretKeyRef`);
    }
  }
}

function finding(template: PodTemplate, path: string, rule: string, message: string): Finding {
  return { obj: template.owner, rule, path, message };
}
