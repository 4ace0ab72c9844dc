import { configMapKey, containerImage, descendingPath, dns1123Label, dns1123Subdomain, envVarName, parseQuantity, portName } from '../../rules';
import { asArray, asRecord } from '../objects';
import { countSet, intRange, isInt, isSet, oneOf, ruled, str } from './check';
import type { Check } from './check';
import { containerResources } from './resources';
import { containerSecurity } from './security';

/** What the container rules need to know of their pod. */
export interface PodContext {
  /** Volume names of the pod (with a StatefulSet's claim templates) and whether each is a claim (or ephemeral) volume. */
  readonly volumes: ReadonlyMap<string, boolean>;
  /** `spec.hostNetwork`. */
  readonly hostNetwork: boolean;
  /** `spec.terminationGracePeriodSeconds`, default 30. */
  readonly gracePeriod: number;
  /** `hostIP/protocol/hostPort` of the host ports seen so far in the pod. */
  readonly hostPorts: Set<string>;
  /** `spec.hostUsers`, as given. */
  readonly hostUsers: unknown;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];
const VALUE_SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'];
const ENV_FIELD_PATHS = new Set(['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs']);
const SUBSCRIPTED_FIELD = /^metadata\.(labels|annotations)\['(.*)'\]$/;
const RESOURCE_FIELDS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const CPU_DIVISORS = ['1m', '1'];
const BYTE_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];
const HTTP_HEADER_NAME = /^[-A-Za-z0-9]+$/;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const INIT_FORBIDDEN = ['lifecycle', ...PROBES];
const HOOKS = ['postStart', 'preStop'];
const PROBE_COUNTS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'];

/** Whether a downward API field path is one the server resolves for env vars (`volume`: or for downwardAPI volume files). */
export function fieldPathProblem(fieldPath: string, volume: boolean): string | undefined {
  const subscripted = SUBSCRIPTED_FIELD.exec(fieldPath);
  if (subscripted) {
    return undefined;
  }
  if (volume) {
    return ['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations'].includes(fieldPath)
      ? undefined : 'is not a field a downwardAPI volume supports (metadata.name, metadata.namespace, metadata.uid, metadata.labels, metadata.annotations, or one label or annotation)';
  }
  return ENV_FIELD_PATHS.has(fieldPath) ? undefined
    : `is not a field the server supports for env (${[...ENV_FIELD_PATHS].join(', ')}, metadata.labels['<key>'], metadata.annotations['<key>'])`;
}

/** A resourceFieldRef's resource and divisor. */
export function resourceFieldRef(check: Check, path: string, ref: Record<string, any>): void {
  const resource = ref.resource;
  if (typeof resource !== 'string' || resource === '') {
    check.error(`${path}/resource`, 'pod/env', 'resourceFieldRef.resource is required');
    return;
  }
  const hugepages = /^(limits|requests)\.hugepages-/.test(resource);
  if (!RESOURCE_FIELDS.includes(resource) && !hugepages) {
    check.error(`${path}/resource`, 'pod/env', `unsupported resource ${JSON.stringify(resource)}: supported values: ${RESOURCE_FIELDS.join(', ')}, <limits|requests>.hugepages-<size>`);
    return;
  }
  const divisor = ref.divisor;
  if (divisor === undefined || divisor === null) {
    return;
  }
  const q = typeof divisor === 'string' || typeof divisor === 'number' ? parseQuantity(divisor) : undefined;
  if (!q) {
    return;
  }
  const cpu = resource.endsWith('.cpu');
  const allowed = (cpu ? CPU_DIVISORS : BYTE_DIVISORS).map(d => parseQuantity(d)!.nanos);
  if (!allowed.includes(q.nanos)) {
    check.error(`${path}/divisor`, 'pod/env', `divisor ${JSON.stringify(divisor)} is not supported for ${resource}: use one of ${(cpu ? CPU_DIVISORS : BYTE_DIVISORS).join(', ')}`);
  }
}

/**
 * One container of a pod spec (`validateContainers`, `validateInitContainers`,
 * `validateEphemeralContainers`): name and image, ports, env, mounts, probes, lifecycle,
 * resources, security context, restart policy.
 */
export function container(check: Check, path: string, list: string, c: Record<string, any>, pod: PodContext): void {
  const name = c.name;
  if (typeof name !== 'string' || name === '') {
    check.error(`${path}/name`, 'pod/container', 'container name is required');
  } else {
    ruled(check, `${path}/name`, 'pod/container', name, dns1123Label(name), 'container name');
  }
  if (typeof c.image !== 'string' || c.image === '') {
    check.error(`${path}/image`, 'pod/container', 'image is required');
  } else {
    ruled(check, `${path}/image`, 'pod/container', c.image, containerImage(c.image), 'image');
  }
  if (c.imagePullPolicy !== undefined) {
    oneOf(check, `${path}/imagePullPolicy`, 'pod/container', c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']);
  }
  if (c.terminationMessagePolicy !== undefined) {
    oneOf(check, `${path}/terminationMessagePolicy`, 'pod/container', c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']);
  }
  const sidecar = list === 'initContainers' && c.restartPolicy === 'Always';
  if (isSet(c.restartPolicy)) {
    if (check.feature('ContainerRestartRules') && list !== 'ephemeralContainers') {
      // Per-container restart policies (KEP-5307): any container but an ephemeral one may set one.
      oneOf(check, `${path}/restartPolicy`, 'pod/container', c.restartPolicy, ['Always', 'OnFailure', 'Never'], false);
    } else if (list !== 'initContainers') {
      check.error(`${path}/restartPolicy`, 'pod/container', `restartPolicy may only be set on init containers (Always, for a sidecar) in Kubernetes ${check.version}`);
    } else {
      oneOf(check, `${path}/restartPolicy`, 'pod/container', c.restartPolicy, ['Always'], false);
    }
  }
  if (list === 'initContainers' && !sidecar) {
    for (const field of INIT_FORBIDDEN) {
      if (isSet(c[field])) {
        check.error(`${path}/${field}`, 'pod/container', `${field} may not be set on an init container without restartPolicy Always`);
      }
    }
  }
  ports(check, path, c, pod);
  env(check, path, c);
  mounts(check, path, c, pod);
  for (const probe of PROBES) {
    if (isSet(c[probe]) && (list !== 'initContainers' || sidecar)) {
      probeRules(check, `${path}/${probe}`, probe, asRecord(c[probe]));
    }
  }
  if (c.lifecycle !== undefined) {
    const lifecycle = asRecord(c.lifecycle);
    for (const hook of HOOKS) {
      if (isSet(lifecycle[hook]) && (list !== 'initContainers' || sidecar)) {
        handler(check, `${path}/lifecycle/${hook}`, 'pod/lifecycle', asRecord(lifecycle[hook]), LIFECYCLE_HANDLERS, pod);
      }
    }
  }
  if (c.resources !== undefined) {
    containerResources(check, `${path}/resources`, c.resources);
  }
  if (c.securityContext !== undefined) {
    containerSecurity(check, `${path}/securityContext`, c.securityContext, pod.hostUsers);
  }
}

function ports(check: Check, path: string, c: Record<string, any>, pod: PodContext): void {
  if (c.ports === undefined) {
    return;
  }
  const list = asArray(c.ports);
  for (let i = 0; i < list.length; i++) {
    const port = asRecord(list[i]);
    const at = `${path}/ports/${i}`;
    if (!isSet(port.containerPort) || port.containerPort === 0) {
      check.error(`${at}/containerPort`, 'pod/port', 'containerPort is required');
    } else {
      intRange(check, `${at}/containerPort`, 'pod/port', port.containerPort, 1, 65535);
    }
    if (isInt(port.hostPort) && port.hostPort !== 0) {
      intRange(check, `${at}/hostPort`, 'pod/port', port.hostPort, 1, 65535);
      if (pod.hostNetwork && port.hostPort !== port.containerPort) {
        check.error(`${at}/hostPort`, 'pod/port', `hostPort ${port.hostPort} must equal containerPort when hostNetwork is true`);
      }
    }
    if (port.protocol !== undefined) {
      oneOf(check, `${at}/protocol`, 'pod/port', port.protocol, PROTOCOLS);
    }
    const hostPort = isInt(port.hostPort) && port.hostPort !== 0 ? port.hostPort : pod.hostNetwork && isInt(port.containerPort) ? port.containerPort : 0;
    if (hostPort > 0) {
      const key = `${port.hostIP ?? ''}/${port.protocol || 'TCP'}/${hostPort}`;
      if (pod.hostPorts.has(key)) {
        check.error(`${at}/hostPort`, 'pod/port', `host port ${hostPort}/${port.protocol || 'TCP'} is used by another port of the pod`);
      }
      pod.hostPorts.add(key);
    }
  }
}

function env(check: Check, path: string, c: Record<string, any>): void {
  if (c.env === undefined && c.envFrom === undefined) {
    return;
  }
  const relaxed = check.feature('RelaxedEnvironmentVariableValidation');
  const list = asArray(c.env);
  for (let i = 0; i < list.length; i++) {
    const e = asRecord(list[i]);
    const at = `${path}/env/${i}`;
    if (typeof e.name !== 'string' || e.name === '') {
      check.error(`${at}/name`, 'pod/env', 'env var name is required');
    } else {
      ruled(check, `${at}/name`, 'pod/env', e.name, envVarName(e.name, relaxed), 'env var name');
    }
    if (!isSet(e.valueFrom)) {
      continue;
    }
    const from = asRecord(e.valueFrom);
    if (str(e.value) !== undefined) {
      check.error(`${at}/valueFrom`, 'pod/env', 'valueFrom may not be given with a non-empty value');
    }
    const sources = countSet(from, VALUE_SOURCES);
    if (sources !== 1) {
      check.error(`${at}/valueFrom`, 'pod/env', sources === 0
        ? 'valueFrom must give one of fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef'
        : 'valueFrom may give only one of fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef');
      continue;
    }
    if (isSet(from.fieldRef)) {
      fieldRef(check, `${at}/valueFrom/fieldRef`, asRecord(from.fieldRef), false);
    } else if (isSet(from.resourceFieldRef)) {
      resourceFieldRef(check, `${at}/valueFrom/resourceFieldRef`, asRecord(from.resourceFieldRef));
    } else {
      const kind = isSet(from.configMapKeyRef) ? 'configMapKeyRef' : 'secretKeyRef';
      keyRef(check, `${at}/valueFrom/${kind}`, asRecord(from[kind]));
    }
  }
  const envFrom = asArray(c.envFrom);
  for (let i = 0; i < envFrom.length; i++) {
    const source = asRecord(envFrom[i]);
    const at = `${path}/envFrom/${i}`;
    const n = countSet(source, ['configMapRef', 'secretRef']);
    if (n !== 1) {
      check.error(at, 'pod/env', n === 0 ? 'envFrom must give configMapRef or secretRef' : 'envFrom may give only one of configMapRef and secretRef');
    }
    if (typeof source.prefix === 'string' && source.prefix !== '') {
      ruled(check, `${at}/prefix`, 'pod/env', source.prefix, envVarName(source.prefix, relaxed), 'prefix');
    }
    for (const kind of ['configMapRef', 'secretRef']) {
      const refName = asRecord(source[kind]).name;
      if (typeof refName === 'string' && refName !== '') {
        ruled(check, `${at}/${kind}/name`, 'pod/env', refName, dns1123Subdomain(refName), 'name');
      }
    }
  }
}

/** A fieldRef of an env var or a downwardAPI item. */
export function fieldRef(check: Check, path: string, ref: Record<string, any>, volume: boolean): void {
  if (typeof ref.fieldPath !== 'string' || ref.fieldPath === '') {
    check.error(`${path}/fieldPath`, 'pod/env', 'fieldRef.fieldPath is required');
    return;
  }
  if (isSet(ref.apiVersion) && ref.apiVersion !== 'v1' && ref.apiVersion !== '') {
    check.error(`${path}/apiVersion`, 'pod/env', `fieldRef.apiVersion ${JSON.stringify(ref.apiVersion)} is not supported: use v1`);
    return;
  }
  ruled(check, `${path}/fieldPath`, 'pod/env', ref.fieldPath, fieldPathProblem(ref.fieldPath, volume), 'fieldPath');
}

function keyRef(check: Check, path: string, ref: Record<string, any>): void {
  if (typeof ref.key !== 'string' || ref.key === '') {
    check.error(`${path}/key`, 'pod/env', 'key is required');
  } else {
    ruled(check, `${path}/key`, 'pod/env', ref.key, configMapKey(ref.key), 'key');
  }
  if (typeof ref.name === 'string' && ref.name !== '') {
    ruled(check, `${path}/name`, 'pod/env', ref.name, dns1123Subdomain(ref.name), 'name');
  }
}

function mounts(check: Check, path: string, c: Record<string, any>, pod: PodContext): void {
  const privileged = asRecord(c.securityContext).privileged === true;
  const list = asArray(c.volumeMounts);
  for (let i = 0; i < list.length; i++) {
    const m = asRecord(list[i]);
    const plain = typeof m.name === 'string' && m.name !== '' && typeof m.mountPath === 'string' && m.mountPath !== ''
      && m.subPath === undefined && m.subPathExpr === undefined && m.mountPropagation === undefined && m.recursiveReadOnly === undefined;
    if (plain) {
      continue;
    }
    const at = `${path}/volumeMounts/${i}`;
    if (typeof m.name !== 'string' || m.name === '') {
      check.error(`${at}/name`, 'pod/volume-mount', 'volumeMount name is required');
    }
    if (typeof m.mountPath !== 'string' || m.mountPath === '') {
      check.error(`${at}/mountPath`, 'pod/mount-path', 'mountPath is required');
    }
    if (typeof m.subPath === 'string' && m.subPath !== '') {
      ruled(check, `${at}/subPath`, 'pod/mount-path', m.subPath, descendingPath(m.subPath), 'subPath');
    }
    if (typeof m.subPathExpr === 'string' && m.subPathExpr !== '') {
      if (typeof m.subPath === 'string' && m.subPath !== '') {
        check.error(`${at}/subPathExpr`, 'pod/mount-path', 'subPathExpr and subPath are mutually exclusive');
      }
      ruled(check, `${at}/subPathExpr`, 'pod/mount-path', m.subPathExpr, descendingPath(m.subPathExpr), 'subPathExpr');
    }
    oneOf(check, `${at}/mountPropagation`, 'pod/volume-mount', m.mountPropagation, ['Bidirectional', 'HostToContainer', 'None']);
    if (m.mountPropagation === 'Bidirectional' && !privileged) {
      check.error(`${at}/mountPropagation`, 'pod/volume-mount', 'Bidirectional mount propagation is only for privileged containers');
    }
    if (isSet(m.recursiveReadOnly) && m.recursiveReadOnly !== '') {
      oneOf(check, `${at}/recursiveReadOnly`, 'pod/volume-mount', m.recursiveReadOnly, ['Disabled', 'Enabled', 'IfPossible']);
      if (m.readOnly !== true && m.recursiveReadOnly !== 'Disabled') {
        check.error(`${at}/recursiveReadOnly`, 'pod/volume-mount', 'recursiveReadOnly may only be set when readOnly is true');
      } else if (m.recursiveReadOnly === 'Enabled' && isSet(m.mountPropagation) && m.mountPropagation !== 'None') {
        check.error(`${at}/recursiveReadOnly`, 'pod/volume-mount', 'recursiveReadOnly Enabled needs mountPropagation None');
      }
    }
  }
  if (c.volumeDevices === undefined) {
    return;
  }
  const devices = asArray(c.volumeDevices);
  for (let i = 0; i < devices.length; i++) {
    const d = asRecord(devices[i]);
    const at = `${path}/volumeDevices/${i}`;
    if (typeof d.name === 'string' && pod.volumes.get(d.name) === false) {
      check.error(`${at}/name`, 'pod/volume-mount', `volumeDevice "${d.name}" must be a persistentVolumeClaim or ephemeral volume (block mode)`);
    }
    if (typeof d.devicePath !== 'string' || d.devicePath === '') {
      check.error(`${at}/devicePath`, 'pod/volume-mount', 'devicePath is required');
    }
  }
}

function probeRules(check: Check, path: string, kind: string, probe: Record<string, any>): void {
  handler(check, path, 'pod/probe', probe, PROBE_HANDLERS, undefined);
  for (const field of PROBE_COUNTS) {
    if (isInt(probe[field]) && probe[field] < 0) {
      intRange(check, `${path}/${field}`, 'pod/probe', probe[field], 0);
    }
  }
  if ((kind === 'livenessProbe' || kind === 'startupProbe') && isInt(probe.successThreshold) && probe.successThreshold > 1) {
    check.error(`${path}/successThreshold`, 'pod/probe', `successThreshold ${probe.successThreshold} must be 1 on a ${kind}`);
  }
  if (isSet(probe.terminationGracePeriodSeconds)) {
    if (kind === 'readinessProbe') {
      check.error(`${path}/terminationGracePeriodSeconds`, 'pod/probe', 'terminationGracePeriodSeconds must not be set on a readinessProbe');
    } else if (isInt(probe.terminationGracePeriodSeconds) && probe.terminationGracePeriodSeconds <= 0) {
      check.error(`${path}/terminationGracePeriodSeconds`, 'pod/probe', `terminationGracePeriodSeconds ${probe.terminationGracePeriodSeconds} must be greater than 0`);
    }
  }
}

/** A probe or lifecycle handler: exactly one of `kinds`, each valid. */
function handler(check: Check, path: string, id: string, h: Record<string, any>, kinds: readonly string[], pod: PodContext | undefined): void {
  const given = kinds.filter(k => isSet(h[k]));
  if (given.length === 0) {
    check.error(path, id, `must give a handler: one of ${kinds.join(', ')}`);
    return;
  }
  if (given.length > 1) {
    check.error(`${path}/${given[1]}`, id, `may give only one handler (it has ${given.join(' and ')})`);
    return;
  }
  const kind = given[0];
  const body = asRecord(h[kind]);
  switch (kind) {
    case 'exec':
      if (asArray(body.command).length === 0) {
        check.error(`${path}/exec/command`, id, 'exec.command is required');
      }
      break;
    case 'httpGet':
      handlerPort(check, `${path}/httpGet/port`, id, body.port);
      if (body.scheme !== undefined) {
        oneOf(check, `${path}/httpGet/scheme`, id, body.scheme, ['HTTP', 'HTTPS']);
      }
      asArray(body.httpHeaders).forEach((header, i) => {
        const headerName = asRecord(header).name;
        if (typeof headerName === 'string' && !HTTP_HEADER_NAME.test(headerName)) {
          check.error(`${path}/httpGet/httpHeaders/${i}/name`, id, `HTTP header name ${JSON.stringify(headerName)} must consist of alphanumerics or '-'`);
        }
      });
      break;
    case 'tcpSocket':
      handlerPort(check, `${path}/tcpSocket/port`, id, body.port);
      break;
    case 'grpc':
      if (!isInt(body.port) || body.port < 1 || body.port > 65535) {
        check.error(`${path}/grpc/port`, id, `grpc.port ${JSON.stringify(body.port ?? 0)} must be between 1 and 65535, inclusive`);
      }
      break;
    case 'sleep': {
      const seconds = body.seconds;
      const min = check.feature('PodLifecycleSleepActionAllowZero') ? 0 : 1;
      const max = pod?.gracePeriod ?? 30;
      if (isInt(seconds) && (seconds < min || seconds > max)) {
        check.error(`${path}/sleep/seconds`, id, `sleep.seconds ${seconds} must be ${min === 0 ? 'at least 0' : 'greater than 0'} and at most terminationGracePeriodSeconds (${max})`);
      }
      break;
    }
  }
}

/** A probe's or hook's port: a number from 1 to 65535 or an IANA port name. */
function handlerPort(check: Check, path: string, id: string, port: unknown): void {
  if (typeof port === 'string') {
    ruled(check, path, id, port, portName(port), 'port');
  } else if (!isInt(port) || port < 1 || port > 65535) {
    check.error(path, id, `port ${JSON.stringify(port ?? 0)} must be between 1 and 65535, inclusive`);
  }
}
