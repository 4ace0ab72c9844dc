import { dns1123Label, dns1123Subdomain, isIP, labelValue, qualifiedName } from '../../rules';
import { asArray, asRecord } from '../objects';
import { pointer } from '../problem';
import { annotations, intRange, isInt, isSet, oneOf, ruled } from './check';
import type { Check } from './check';
import { container } from './container';
import type { PodContext } from './container';
import { affinity, tolerations, topologySpread } from './placement';
import { LINUX_ONLY_CONTAINER_FIELDS, LINUX_ONLY_POD_FIELDS, podSecurity } from './security';
import { volume } from './volumes';
import { podSpecWarnings } from './warnings';

/** How a controller turns a pod template into pods, as far as the pod rules care. */
export interface PodOwner {
  /** The restart policies its pods may have. */
  readonly restartPolicies: readonly string[];
  /** Whether pods may set `activeDeadlineSeconds` (Jobs and bare Pods). */
  readonly activeDeadline: boolean;
  /** Whether the controller sets the pods' hostname and subdomain itself (a StatefulSet's). */
  readonly setsHostname: boolean;
  /** Volume names that the controller adds as claims (a StatefulSet's claim templates). */
  readonly claimVolumes: readonly string[];
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/**
 * A pod template's metadata (annotations; labels are checked with every label map) and spec
 * (`ValidatePodSpec` and what admission checks of a Pod), at `path` (the template).
 */
export function podTemplate(check: Check, path: string, template: unknown, owner: PodOwner): void {
  const t = asRecord(template);
  annotations(check, `${path}/metadata/annotations`, asRecord(t.metadata).annotations);
  podSpec(check, `${path}/spec`, asRecord(t.spec), owner);
}

/** A pod spec at `path`. */
export function podSpec(check: Check, path: string, spec: Record<string, any>, owner: PodOwner): void {
  const volumes = new Map<string, boolean>();
  asArray(spec.volumes).forEach((v, i) => {
    const claim = volume(check, `${path}/volumes/${i}`, asRecord(v));
    const name = asRecord(v).name;
    if (typeof name === 'string') {
      volumes.set(name, claim);
    }
  });
  owner.claimVolumes.forEach(name => volumes.set(name, true));
  const pod: PodContext = {
    volumes,
    hostNetwork: spec.hostNetwork === true,
    gracePeriod: isInt(spec.terminationGracePeriodSeconds) && spec.terminationGracePeriodSeconds >= 0 ? spec.terminationGracePeriodSeconds : 30,
    hostPorts: new Set(),
    hostUsers: spec.hostUsers,
  };
  if (asArray(spec.containers).length === 0) {
    check.error(`${path}/containers`, 'pod/container', 'containers must list at least one container');
  }
  for (const list of CONTAINER_LISTS) {
    asArray(spec[list]).forEach((c, i) => container(check, `${path}/${list}/${i}`, list, asRecord(c), pod));
  }
  if (isSet(spec.restartPolicy) && spec.restartPolicy !== '') {
    oneOf(check, `${path}/restartPolicy`, 'pod/restart-policy', spec.restartPolicy, owner.restartPolicies, false);
  } else if (!owner.restartPolicies.includes('Always')) {
    check.error(`${path}/restartPolicy`, 'pod/restart-policy', `restartPolicy is required: one of ${owner.restartPolicies.join(', ')}`);
  }
  dns(check, path, spec);
  podSpecWarnings(check, path, spec);
  podSecurity(check, `${path}/securityContext`, spec.securityContext);
  if (spec.hostPID === true && asRecord(spec.securityContext).shareProcessNamespace === true) {
    check.error(`${path}/securityContext/shareProcessNamespace`, 'pod/security-context', 'shareProcessNamespace and hostPID cannot both be true');
  }
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    check.error(`${path}/shareProcessNamespace`, 'pod/security-context', 'shareProcessNamespace and hostPID cannot both be true');
  }
  windows(check, path, spec);
  hostProcess(check, path, spec);
  affinity(check, `${path}/affinity`, spec.affinity);
  tolerations(check, `${path}/tolerations`, spec.tolerations);
  topologySpread(check, `${path}/topologySpreadConstraints`, spec.topologySpreadConstraints);
  if (!owner.setsHostname) {
    for (const field of ['hostname', 'subdomain']) {
      if (typeof spec[field] === 'string' && spec[field] !== '') {
        ruled(check, `${path}/${field}`, 'pod/hostname', spec[field], dns1123Label(spec[field]), field);
      }
    }
  }
  for (const field of ['nodeName', 'serviceAccountName', 'priorityClassName']) {
    if (typeof spec[field] === 'string' && spec[field] !== '') {
      ruled(check, `${path}/${field}`, 'pod/field', spec[field], dns1123Subdomain(spec[field]), field);
    }
  }
  const nodeSelector = asRecord(spec.nodeSelector);
  for (const key of Object.keys(nodeSelector)) {
    ruled(check, `${path}/nodeSelector${pointer(key)}`, 'pod/node-selector', key, qualifiedName(key), 'key');
    if (typeof nodeSelector[key] === 'string') {
      ruled(check, `${path}/nodeSelector${pointer(key)}`, 'pod/node-selector', nodeSelector[key], labelValue(nodeSelector[key]));
    }
  }
  oneOf(check, `${path}/preemptionPolicy`, 'pod/field', spec.preemptionPolicy, ['PreemptLowerPriority', 'Never'], false);
  if (isInt(spec.priority) && spec.priority !== 0 && !(typeof spec.priorityClassName === 'string' && spec.priorityClassName !== '')) {
    check.error(`${path}/priority`, 'pod/field', 'priority must not be set: the Priority admission plugin computes it from priorityClassName');
  }
  if (isSet(spec.overhead) && !(typeof spec.runtimeClassName === 'string' && spec.runtimeClassName !== '')) {
    check.error(`${path}/overhead`, 'pod/field', 'overhead must not be set: the RuntimeClass admission plugin sets it from runtimeClassName');
  }
  if (isSet(spec.activeDeadlineSeconds)) {
    if (!owner.activeDeadline) {
      check.error(`${path}/activeDeadlineSeconds`, 'pod/field', `activeDeadlineSeconds is not supported in the pods of a ${check.obj.kind}`);
    } else {
      intRange(check, `${path}/activeDeadlineSeconds`, 'pod/field', spec.activeDeadlineSeconds, 1, 2147483647);
    }
  }
  oneOf(check, `${path}/os/name`, 'pod/field', asRecord(spec.os).name, ['linux', 'windows'], false);
  asArray(spec.hostAliases).forEach((h, i) => {
    const ip = asRecord(h).ip;
    if (typeof ip === 'string' && !isIP(ip)) {
      check.error(`${path}/hostAliases/${i}/ip`, 'pod/field', `ip ${JSON.stringify(ip)} must be a valid IP address`);
    }
  });
  asArray(spec.readinessGates).forEach((g, i) => {
    const type = asRecord(g).conditionType;
    if (typeof type === 'string') {
      ruled(check, `${path}/readinessGates/${i}/conditionType`, 'pod/field', type, qualifiedName(type), 'conditionType');
    }
  });
}

function dns(check: Check, path: string, spec: Record<string, any>): void {
  oneOf(check, `${path}/dnsPolicy`, 'pod/dns', spec.dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']);
  if (spec.dnsPolicy === 'None' && !isSet(spec.dnsConfig)) {
    check.error(`${path}/dnsConfig`, 'pod/dns', 'dnsConfig is required when dnsPolicy is None');
  }
  const config = asRecord(spec.dnsConfig);
  const nameservers = asArray(config.nameservers);
  if (nameservers.length > 3) {
    check.error(`${path}/dnsConfig/nameservers`, 'pod/dns', `at most 3 nameservers (it has ${nameservers.length})`);
  }
  if (spec.dnsPolicy === 'None' && isSet(spec.dnsConfig) && nameservers.length === 0) {
    check.error(`${path}/dnsConfig/nameservers`, 'pod/dns', 'at least one nameserver is required when dnsPolicy is None');
  }
  nameservers.forEach((ns, i) => {
    if (typeof ns === 'string' && !isIP(ns)) {
      check.error(`${path}/dnsConfig/nameservers/${i}`, 'pod/dns', `nameserver ${JSON.stringify(ns)} must be a valid IP address`);
    }
  });
  const searches = asArray(config.searches);
  if (searches.length > 32) {
    check.error(`${path}/dnsConfig/searches`, 'pod/dns', `at most 32 search paths (it has ${searches.length})`);
  }
  searches.forEach((s, i) => {
    if (typeof s === 'string' && s !== '.') {
      ruled(check, `${path}/dnsConfig/searches/${i}`, 'pod/dns', s, dns1123Subdomain(s.endsWith('.') ? s.slice(0, -1) : s), 'search path');
    }
  });
  asArray(config.options).forEach((o, i) => {
    const name = asRecord(o).name;
    if (typeof name !== 'string' || name === '') {
      check.error(`${path}/dnsConfig/options/${i}`, 'pod/dns', 'option name must not be empty');
    }
  });
}

function windows(check: Check, path: string, spec: Record<string, any>): void {
  if (asRecord(spec.os).name !== 'windows') {
    return;
  }
  const sc = asRecord(spec.securityContext);
  for (const field of LINUX_ONLY_POD_FIELDS) {
    if (isSet(sc[field])) {
      check.error(`${path}/securityContext/${field}`, 'pod/security-context', `${field} cannot be set for a Windows pod`);
    }
  }
  for (const list of CONTAINER_LISTS) {
    asArray(spec[list]).forEach((c, i) => {
      const csc = asRecord(asRecord(c).securityContext);
      for (const field of LINUX_ONLY_CONTAINER_FIELDS) {
        if (isSet(csc[field])) {
          check.error(`${path}/${list}/${i}/securityContext/${field}`, 'pod/security-context', `${field} cannot be set for a Windows pod`);
        }
      }
    });
  }
}

/** Windows HostProcess pods: all containers HostProcess, and hostNetwork. */
function hostProcess(check: Check, path: string, spec: Record<string, any>): void {
  const podLevel = asRecord(asRecord(spec.securityContext).windowsOptions).hostProcess;
  const flags = CONTAINER_LISTS.flatMap(list => asArray(spec[list]).map(c => asRecord(asRecord(asRecord(c).securityContext).windowsOptions).hostProcess ?? podLevel));
  if (!flags.includes(true)) {
    return;
  }
  if (flags.some(f => f !== true)) {
    check.error(path, 'pod/security-context', 'if any container is a Windows HostProcess container, all must be');
  }
  if (spec.hostNetwork !== true) {
    check.error(`${path}/hostNetwork`, 'pod/security-context', 'hostNetwork must be true for Windows HostProcess containers');
  }
}
