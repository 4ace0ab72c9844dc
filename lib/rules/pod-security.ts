/**
 * The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * `baseline` and `restricted`, as the API server's Pod Security admission checks them (`latest`
 * policy version, Linux pods: the Windows exemptions of `spec.os.name: windows` are not modelled, so a
 * Windows pod is judged as a Linux one, never more leniently). Pure functions over plain pod specs,
 * as synthesized: used to label the Namespaces the library creates and to explain the level on the
 * review pages.
 */

/** A Pod Security Standards level, loosest first. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** One rule of a Pod Security Standards level that a pod breaks. */
export interface PodSecurityViolation {
  /** The lowest level that forbids it: `baseline` (so `restricted` too) or `restricted` only. */
  readonly level: 'baseline' | 'restricted';
  /** The control, as the Pod Security admission names it in its messages, e.g. `runAsNonRoot != true`. */
  readonly rule: string;
  /** Where, e.g. `init container volume-permissions`, `pod`, `volume data`. */
  readonly where: string;
  /** The offending value, in words, e.g. `runAsUser=0`. */
  readonly detail: string;
}

/** Capabilities `baseline` allows a container to add. */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/** Volume types `restricted` allows. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];

/** Sysctls `baseline` allows (the "safe" set, up to the latest policy version). */
export const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
];

const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
const VOLUME_NON_TYPE_FIELDS = ['name'];

/** A container of a pod spec, with how the admission's messages name it. */
interface NamedContainer {
  readonly container: any;
  readonly where: string;
}

function containersOfPod(spec: any): NamedContainer[] {
  return [
    ...(spec?.initContainers ?? []).map((container: any) => ({ container, where: `init container ${container.name}` })),
    ...(spec?.containers ?? []).map((container: any) => ({ container, where: `container ${container.name}` })),
    ...(spec?.ephemeralContainers ?? []).map((container: any) => ({ container, where: `ephemeral container ${container.name}` })),
  ];
}

/**
 * Every rule of `baseline` and `restricted` that a pod breaks, from its spec and (for the AppArmor
 * annotations) its metadata. An empty list: the pod meets `restricted`.
 */
export function podSecurityViolations(spec: any, metadata?: any): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = [];
  const add = (level: PodSecurityViolation['level'], rule: string, where: string, detail: string) => out.push({ level, rule, where, detail });
  const containers = containersOfPod(spec);
  const podSc = spec?.securityContext ?? {};

  // --- baseline ---
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec?.[field] === true) add('baseline', 'host namespaces', 'pod', `${field}=true`);
  }
  if (podSc.windowsOptions?.hostProcess === true) add('baseline', 'hostProcess', 'pod', 'windowsOptions.hostProcess=true');
  for (const v of spec?.volumes ?? []) {
    if (v.hostPath) add('baseline', 'hostPath volumes', `volume ${v.name}`, `hostPath ${v.hostPath.path ?? ''}`.trim());
  }
  for (const s of podSc.sysctls ?? []) {
    if (!SAFE_SYSCTLS.includes(s.name)) add('baseline', 'forbidden sysctls', 'pod', s.name);
  }
  checkSeLinux(podSc.seLinuxOptions, 'pod', add);
  checkAppArmor(podSc.appArmorProfile, 'pod', add);
  if (podSc.seccompProfile?.type === 'Unconfined') add('baseline', 'seccompProfile', 'pod', 'seccompProfile.type=Unconfined');
  for (const [key, value] of Object.entries<string>(metadata?.annotations ?? {})) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      add('baseline', 'forbidden AppArmor profile', `annotation ${key}`, value);
    }
  }
  for (const { container, where } of containers) {
    const sc = container.securityContext ?? {};
    if (sc.privileged === true) add('baseline', 'privileged', where, 'privileged=true');
    if (sc.windowsOptions?.hostProcess === true) add('baseline', 'hostProcess', where, 'windowsOptions.hostProcess=true');
    const extra = (sc.capabilities?.add ?? []).filter((c: string) => !BASELINE_CAPABILITIES.includes(c));
    if (extra.length) add('baseline', 'non-default capabilities', where, `capabilities.add ${extra.join(', ')}`);
    for (const p of container.ports ?? []) {
      if (p.hostPort) add('baseline', 'hostPort', where, `hostPort ${p.hostPort}`);
    }
    checkSeLinux(sc.seLinuxOptions, where, add);
    checkAppArmor(sc.appArmorProfile, where, add);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') add('baseline', 'procMount', where, `procMount=${sc.procMount}`);
    if (sc.seccompProfile?.type === 'Unconfined') add('baseline', 'seccompProfile', where, 'seccompProfile.type=Unconfined');
  }

  // --- restricted ---
  for (const v of spec?.volumes ?? []) {
    const types = Object.keys(v).filter(k => !VOLUME_NON_TYPE_FIELDS.includes(k));
    const bad = types.filter(t => !RESTRICTED_VOLUME_TYPES.includes(t) && t !== 'hostPath');
    if (bad.length) add('restricted', 'restricted volume types', `volume ${v.name}`, bad.join(', '));
  }
  const podNonRoot = podSc.runAsNonRoot === true;
  if (podSc.runAsNonRoot === false) add('restricted', 'runAsNonRoot != true', 'pod', 'runAsNonRoot=false');
  if (podSc.runAsUser === 0) add('restricted', 'runAsUser=0', 'pod', 'runAsUser=0');
  const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(podSc.seccompProfile?.type);
  for (const { container, where } of containers) {
    const sc = container.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) {
      add('restricted', 'allowPrivilegeEscalation != false', where, `allowPrivilegeEscalation=${sc.allowPrivilegeEscalation ?? 'unset'}`);
    }
    if (sc.runAsNonRoot === false) add('restricted', 'runAsNonRoot != true', where, 'runAsNonRoot=false');
    else if (!podNonRoot && sc.runAsNonRoot !== true) add('restricted', 'runAsNonRoot != true', where, 'runAsNonRoot unset here and on the pod');
    if (sc.runAsUser === 0) add('restricted', 'runAsUser=0', where, 'runAsUser=0');
    const type = sc.seccompProfile?.type;
    if (type === undefined ? !podSeccomp : !['RuntimeDefault', 'Localhost', 'Unconfined'].includes(type)) {
      add('restricted', 'seccompProfile', where, `seccompProfile.type ${type ?? 'unset here and on the pod'}`);
    }
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) add('restricted', 'unrestricted capabilities', where, 'capabilities.drop does not include ALL');
    const added = (sc.capabilities?.add ?? []).filter((c: string) => c !== 'NET_BIND_SERVICE');
    if (added.length) add('restricted', 'unrestricted capabilities', where, `capabilities.add ${added.join(', ')}`);
  }
  return out;
}

function checkSeLinux(options: any, where: string, add: (l: 'baseline', r: string, w: string, d: string) => void): void {
  if (!options) return;
  if (!SELINUX_TYPES.includes(options.type ?? '')) add('baseline', 'seLinuxOptions', where, `type=${options.type}`);
  if (options.user) add('baseline', 'seLinuxOptions', where, `user=${options.user}`);
  if (options.role) add('baseline', 'seLinuxOptions', where, `role=${options.role}`);
}

function checkAppArmor(profile: any, where: string, add: (l: 'baseline', r: string, w: string, d: string) => void): void {
  if (profile?.type !== undefined && !['RuntimeDefault', 'Localhost'].includes(profile.type)) {
    add('baseline', 'forbidden AppArmor profile', where, `appArmorProfile.type=${profile.type}`);
  }
}

/** The strictest level that every one of the pods' violations allows (`restricted` with none). */
export function podSecurityLevelOf(violations: readonly PodSecurityViolation[]): PodSecurityLevel {
  if (violations.some(v => v.level === 'baseline')) return 'privileged';
  return violations.length ? 'baseline' : 'restricted';
}

/** Kinds whose objects carry a pod template (or are a pod). */
const POD_TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate'];

/**
 * The pod (`{ metadata, spec }`) of a synthesized object that is a Pod or carries a pod template
 * (workloads, Jobs, CronJobs, PodTemplates), as the Pod Security admission extracts it; else undefined.
 */
export function podOf(obj: any): { metadata?: any; spec: any } | undefined {
  if (obj?.kind === 'Pod') return obj.spec ? { metadata: obj.metadata, spec: obj.spec } : undefined;
  if (!POD_TEMPLATE_KINDS.includes(obj?.kind)) return undefined;
  const template = obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template : obj.kind === 'PodTemplate' ? obj.template : obj.spec?.template;
  return template?.spec ? { metadata: template.metadata, spec: template.spec } : undefined;
}

/** One sentence of a violation, for review pages and errors: `init container x: runAsNonRoot != true (runAsNonRoot=false)`. */
export function describeViolation(v: PodSecurityViolation): string {
  return `${v.where}: ${v.rule} (${v.detail})`;
}
