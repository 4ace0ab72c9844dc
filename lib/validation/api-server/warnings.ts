import { dns1123Label } from '../../rules';
import { asArray, asRecord } from '../objects';
import { isInt } from './check';
import type { Check } from './check';

/**
 * The warnings a Kubernetes API server sends with an object it accepts (`warningsForPodSpecAndMeta`, the
 * workloads' and Services' warning functions), in the server's words, as `server/warning` warnings.
 */
const RULE = 'server/warning';

/** A pod spec's warnings: negative grace period, empty pull-secret names, duplicate ports and env vars. */
export function podSpecWarnings(check: Check, path: string, spec: Record<string, any>): void {
  if (isInt(spec.terminationGracePeriodSeconds) && spec.terminationGracePeriodSeconds < 0) {
    check.warn(`${path}/terminationGracePeriodSeconds`, RULE, 'must be >= 0; negative values are invalid and will be treated as 1');
  }
  asArray(spec.imagePullSecrets).forEach((s, i) => {
    if (asRecord(s).name === '' || asRecord(s).name === undefined) {
      check.warn(`${path}/imagePullSecrets/${i}/name`, RULE, 'invalid empty name ""');
    }
  });
  const definitions = new Map<string, string>();
  const names = new Map<string, string>();
  asArray(spec.containers).forEach((c, i) => {
    asArray(asRecord(c).ports).forEach((p, j) => {
      const port = asRecord(p);
      const at = `containers[${i}].ports[${j}]`;
      const key = JSON.stringify([port.containerPort, port.protocol ?? 'TCP', port.hostIP ?? '', port.hostPort ?? 0]);
      const first = definitions.get(key);
      if (first) {
        check.warn(`${path}/containers/${i}/ports/${j}`, RULE, `duplicate port definition with ${first}`);
      } else {
        definitions.set(key, at);
      }
      if (typeof port.name === 'string' && port.name !== '') {
        const named = names.get(port.name);
        if (named) {
          check.warn(`${path}/containers/${i}/ports/${j}/name`, RULE,
            `duplicate port name ${JSON.stringify(port.name)} with ${named}, services and probes that select ports by name will use ${named}`);
        } else {
          names.set(port.name, at);
        }
      }
    });
  });
  for (const list of ['initContainers', 'containers']) {
    asArray(spec[list]).forEach((c, i) => {
      const seen = new Set<unknown>();
      asArray(asRecord(c).env).forEach((e, j) => {
        const name = asRecord(e).name;
        if (seen.has(name)) {
          check.warn(`${path}/${list}/${i}/env/${j}`, RULE, `hides previous definition of ${JSON.stringify(name)}, which may be dropped when using apply`);
        }
        seen.add(name);
      });
    });
  }
}

/**
 * The name of a Job (its pods are named after it), of a Deployment (its ReplicaSet's, `<name>-<10-character hash>`,
 * is: `suffix` 11), or of a Pod: a DNS label is recommended, since it becomes pod names and hostnames.
 */
export function nameWarning(check: Check, suffix = 0): void {
  const name = asRecord(check.obj.metadata).name;
  if (typeof name !== 'string' || name === '' || dns1123Label(name, 63 - suffix) === undefined) {
    return;
  }
  const problems = [...name.length + suffix > 63 ? ['must be no more than 63 characters'] : [], ...name.includes('.') ? ['must not contain dots'] : []];
  if (problems.length > 0) {
    const used = check.obj.kind === 'Pod' ? 'this is used in the Pod\'s hostname' : 'this is used in Pod names and hostnames';
    const whose = suffix > 0 ? ` (of its ReplicaSet, "<name>-<hash>")` : '';
    check.warn('/metadata/name', RULE, `${used}, which can result in surprising behavior; a DNS label is recommended${whose}: [${problems.join(' ')}]`);
  }
}

/** A StatefulSet's negative `revisionHistoryLimit`. */
export function revisionHistoryWarning(check: Check, spec: Record<string, any>): void {
  if (isInt(spec.revisionHistoryLimit) && spec.revisionHistoryLimit < 0) {
    check.warn('/spec/revisionHistoryLimit', RULE, 'a negative value retains all historical revisions; a value >= 0 is recommended');
  }
}

/** A Service's warnings (`GetWarningsForService`): fields the Service's type ignores, deprecated ones. */
export function serviceWarnings(check: Check, spec: Record<string, any>, type: string): void {
  const headless = type === 'ClusterIP' && spec.clusterIP === 'None';
  const externalIPs = asArray(spec.externalIPs).length > 0;
  if (asRecord(check.obj.metadata).annotations?.['service.kubernetes.io/topology-aware-hints'] !== undefined) {
    check.warn('/metadata/annotations', RULE, 'annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead');
  }
  if (headless) {
    if (typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP !== '') {
      check.warn('/spec/loadBalancerIP', RULE, 'spec.loadBalancerIP is ignored for headless services');
    }
    if (externalIPs) {
      check.warn('/spec/externalIPs', RULE, 'spec.externalIPs is ignored for headless services');
    }
    if (spec.sessionAffinity === 'ClientIP') {
      check.warn('/spec/sessionAffinity', RULE, 'spec.SessionAffinity is ignored for headless services');
    }
  }
  // The releases that deprecate externalIPs (1.36 on) came with the gate that still allows them.
  if (externalIPs && !headless && type !== 'ExternalName' && check.feature('AllowServiceExternalIPs')) {
    check.warn('/spec/externalIPs', RULE, 'spec.externalIPs is deprecated and may no longer be implemented in some clusters');
  }
  if (type === 'ExternalName' && externalIPs) {
    check.warn('/spec/externalIPs', RULE, 'spec.externalIPs is ignored when spec.type is "ExternalName"');
  }
  if (type !== 'ExternalName' && typeof spec.externalName === 'string' && spec.externalName !== '') {
    check.warn('/spec/externalName', RULE, 'spec.externalName is ignored when spec.type is not "ExternalName"');
  }
  if (spec.trafficDistribution === 'PreferClose') {
    check.warn('/spec/trafficDistribution', RULE, 'spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"');
  }
}
