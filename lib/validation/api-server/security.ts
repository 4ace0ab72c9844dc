import { asArray, asRecord } from '../objects';
import { intRange, isSet, oneOf } from './check';
import type { Check } from './check';

const ID_MAX = 2147483647;
const SYSCTL_NAME = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const PROFILE_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];

/** A seccomp or AppArmor profile: a known type; `localhostProfile` exactly when the type is Localhost. */
function profile(check: Check, path: string, what: string, value: unknown): void {
  if (!isSet(value)) {
    return;
  }
  const { type, localhostProfile } = asRecord(value);
  oneOf(check, `${path}/type`, 'pod/security-context', type, PROFILE_TYPES, false);
  if (type === 'Localhost' && (typeof localhostProfile !== 'string' || localhostProfile === '')) {
    check.error(`${path}/localhostProfile`, 'pod/security-context', `localhostProfile is required when the ${what} type is Localhost`);
  } else if (type !== 'Localhost' && isSet(localhostProfile)) {
    check.error(`${path}/localhostProfile`, 'pod/security-context', `localhostProfile may only be set when the ${what} type is Localhost`);
  }
}

/** A pod's `securityContext` (`validatePodSpecSecurityContext`). */
export function podSecurity(check: Check, path: string, value: unknown): void {
  const sc = asRecord(value);
  for (const field of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    intRange(check, `${path}/${field}`, 'pod/security-context', sc[field], 0, ID_MAX);
  }
  asArray(sc.supplementalGroups).forEach((g, i) => intRange(check, `${path}/supplementalGroups/${i}`, 'pod/security-context', g, 0, ID_MAX));
  oneOf(check, `${path}/fsGroupChangePolicy`, 'pod/security-context', sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch'], false);
  profile(check, `${path}/seccompProfile`, 'seccomp', sc.seccompProfile);
  profile(check, `${path}/appArmorProfile`, 'AppArmor', sc.appArmorProfile);
  const seen = new Set<unknown>();
  asArray(sc.sysctls).forEach((s, i) => {
    const name = asRecord(s).name;
    if (typeof name === 'string' && (name.length > 253 || !SYSCTL_NAME.test(name))) {
      check.error(`${path}/sysctls/${i}/name`, 'pod/security-context', `sysctl name ${JSON.stringify(name)} must be at most 253 characters of lower-case alphanumerics, '-', '_', '.' and '/'`);
    }
    if (seen.has(name)) {
      check.error(`${path}/sysctls/${i}/name`, 'pod/security-context', `sysctl ${JSON.stringify(name)} is listed twice`);
    }
    seen.add(name);
  });
  check.gatedField(`${path}/supplementalGroupsPolicy`, 'SupplementalGroupsPolicy', 'supplementalGroupsPolicy', sc.supplementalGroupsPolicy);
}

/**
 * A container's `securityContext` (`ValidateSecurityContext`). `procMount` is validated where ProcMountType is
 * GA or beta and on (1.35 on): Default or Unmasked, and Unmasked only in a pod with `hostUsers: false`.
 */
export function containerSecurity(check: Check, path: string, value: unknown, hostUsers: unknown): void {
  const sc = asRecord(value);
  if (check.feature('ProcMountType') && typeof sc.procMount === 'string') {
    oneOf(check, `${path}/procMount`, 'pod/security-context', sc.procMount, ['Default', 'Unmasked'], false);
    if (sc.procMount === 'Unmasked' && hostUsers !== false && check.feature('UserNamespacesSupport')) {
      check.error(`${path}/procMount`, 'pod/security-context', 'procMount Unmasked needs the pod\'s hostUsers to be false');
    }
  }
  for (const field of ['runAsUser', 'runAsGroup']) {
    intRange(check, `${path}/${field}`, 'pod/security-context', sc[field], 0, ID_MAX);
  }
  profile(check, `${path}/seccompProfile`, 'seccomp', sc.seccompProfile);
  profile(check, `${path}/appArmorProfile`, 'AppArmor', sc.appArmorProfile);
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      check.error(path, 'pod/security-context', 'allowPrivilegeEscalation false contradicts privileged true');
    }
    if (asArray(asRecord(sc.capabilities).add).includes('CAP_SYS_ADMIN')) {
      check.error(path, 'pod/security-context', 'allowPrivilegeEscalation false contradicts capability CAP_SYS_ADMIN');
    }
  }
}

/** Fields of the pod's security context that a Windows pod (`spec.os.name: windows`) must not set. */
export const LINUX_ONLY_POD_FIELDS = ['seLinuxOptions', 'seccompProfile', 'appArmorProfile', 'fsGroup', 'fsGroupChangePolicy', 'sysctls', 'runAsUser', 'runAsGroup', 'supplementalGroups'];
/** Fields of a container's security context that a Windows pod must not set. */
export const LINUX_ONLY_CONTAINER_FIELDS = ['seLinuxOptions', 'seccompProfile', 'appArmorProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup'];
