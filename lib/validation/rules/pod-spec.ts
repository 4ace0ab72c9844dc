import { literalCredential, portName } from '../../rules';
import { asArray, asRecord, containersOf } from '../objects';
import type { ContainerAt, PodTemplate } from '../objects';
import type { Output } from '../output';
import { pointer } from '../problem';
import type { Finding } from '../problem';

/**
 * Checks each pod template (Pods and workloads): `pod/duplicate-volume` (volume names unique),
 * `pod/container-name` (container names unique across init, regular and ephemeral containers),
 * `pod/volume-mount` (every volumeMount / volumeDevice names a pod volume or, in a StatefulSet, a
 * volumeClaimTemplate), `pod/mount-path` (no two mounts at one path in a container),
 * `pod/port-name` (port names are IANA service names of at most 15 characters, unique per
 * container) and `pod/literal-secret` (credential-like env vars come from `valueFrom`, not `value`).
 */
export function podSpecRules(output: Output, findings: Finding[]): void {
  const volumes = new Seen();
  const containerNames = new Seen();
  const seen = new Seen();
  const templates = output.templates;
  for (let t = 0; t < templates.length; t++) {
    const template = templates[t];
    volumes.clear();
    const podVolumes = asArray(template.spec.volumes);
    for (let i = 0; i < podVolumes.length; i++) {
      const name = asRecord(podVolumes[i]).name;
      if (volumes.has(name)) {
        findings.push(finding(template, `${template.specPath}${pointer('volumes', i, 'name')}`, 'pod/duplicate-volume', `volume name "${name}" is used by an earlier volume`));
      }
      volumes.add(name);
    }
    if (template.owner.kind === 'StatefulSet') {
      const claims = asArray(template.owner.spec?.volumeClaimTemplates);
      for (let i = 0; i < claims.length; i++) {
        volumes.add(asRecord(claims[i]).metadata?.name);
      }
    }
    containerNames.clear();
    const containers = containersOf(template);
    for (let c = 0; c < containers.length; c++) {
      const at = containers[c];
      if (containerNames.has(at.container.name)) {
        findings.push(finding(template, at.path + pointer('name'), 'pod/container-name', `container name "${at.container.name}" is used by another container of the pod`));
      }
      containerNames.add(at.container.name);
      mountFindings(template, at, volumes, seen, findings);
      portFindings(template, at, seen, findings);
      envFindings(template, at, findings);
    }
  }
}

/**
 * A set of values, cleared and reused from pod to pod and container to container without
 * allocating: the first values in a list that keeps its storage, a `Set` beyond.
 */
class Seen {
  private static readonly MAX_LIST = 32;
  private readonly list: unknown[] = [];
  private size = 0;
  private set: Set<unknown> | undefined;

  public clear(): void {
    this.size = 0;
    this.set = undefined;
  }

  /** Whether `value` was added (SameValueZero, as `Set`). */
  public has(value: unknown): boolean {
    if (this.set) {
      return this.set.has(value);
    }
    for (let i = 0; i < this.size; i++) {
      const seen = this.list[i];
      if (seen === value || (seen !== seen && value !== value)) {
        return true;
      }
    }
    return false;
  }

  public add(value: unknown): void {
    if (this.set) {
      this.set.add(value);
    } else if (this.size < Seen.MAX_LIST) {
      this.list[this.size++] = value;
    } else {
      this.set = new Set(this.list.slice(0, this.size)).add(value);
    }
  }
}

function mountFindings(template: PodTemplate, at: ContainerAt, volumes: Seen, mountPaths: Seen, findings: Finding[]): void {
  const { container } = at;
  const claims = template.owner.kind === 'StatefulSet' ? ' or volumeClaimTemplate' : '';
  const mounts = asArray(container.volumeMounts);
  mountPaths.clear();
  for (let i = 0; i < mounts.length; i++) {
    const { name, mountPath } = asRecord(mounts[i]);
    if (!volumes.has(name)) {
      findings.push(finding(template, at.path + pointer('volumeMounts', i, 'name'), 'pod/volume-mount', `volumeMount "${name}" names no volume${claims} of the pod`));
    }
    if (mountPaths.has(mountPath)) {
      findings.push(finding(template, at.path + pointer('volumeMounts', i, 'mountPath'), 'pod/mount-path', `mountPath "${mountPath}" is already mounted in container "${container.name}"`));
    }
    mountPaths.add(mountPath);
  }
  const devices = asArray(container.volumeDevices);
  for (let i = 0; i < devices.length; i++) {
    const { name } = asRecord(devices[i]);
    if (!volumes.has(name)) {
      findings.push(finding(template, at.path + pointer('volumeDevices', i, 'name'), 'pod/volume-mount', `volumeDevice "${name}" names no volume${claims} of the pod`));
    }
  }
}

function portFindings(template: PodTemplate, at: ContainerAt, names: Seen, findings: Finding[]): void {
  const { container } = at;
  const ports = asArray(container.ports);
  names.clear();
  for (let i = 0; i < ports.length; i++) {
    const { name } = asRecord(ports[i]);
    if (typeof name !== 'string' || name === '') {
      continue;
    }
    const problem = portName(name);
    if (problem) {
      findings.push(finding(template, at.path + pointer('ports', i, 'name'), 'pod/port-name', `port name "${name}" ${problem}`));
    }
    if (names.has(name)) {
      findings.push(finding(template, at.path + pointer('ports', i, 'name'), 'pod/port-name', `port name "${name}" is used by another port of container "${container.name}"`));
    }
    names.add(name);
  }
}

function envFindings(template: PodTemplate, at: ContainerAt, findings: Finding[]): void {
  const { container } = at;
  const env = asArray(container.env);
  for (let i = 0; i < env.length; i++) {
    const { name, value } = asRecord(env[i]);
    if (typeof name === 'string' && typeof value === 'string' && literalCredential(name, value) !== undefined) {
      findings.push(finding(template, at.path + pointer('env', i, 'value'), 'pod/literal-secret',
        `env var "${name}" of container "${container.name}" looks like a credential but has a literal value; use valueFrom.secretKeyRef`));
    }
  }
}

function finding(template: PodTemplate, path: string, rule: string, message: string): Finding {
  return { obj: template.owner, rule, path, message };
}
