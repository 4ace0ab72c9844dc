import { cidrContains, dns1123Label, dns1123Subdomain, hostCidr, isIP, isIPv4, parseCidr, portName, qualifiedName } from '../../rules';
import { asArray, asRecord } from '../objects';
import { intRange, isInt, isSet, oneOf, ruled } from './check';
import type { Check } from './check';
import type { ServiceIPRange } from '../service-network';
import { serviceWarnings } from './warnings';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** Service rules (`ValidateService`): type, ports and their names, cluster IPs, node ports, traffic policies. */
export function service(check: Check, obj: any): void {
  const spec = asRecord(obj.spec);
  const type = isSet(spec.type) && spec.type !== '' ? spec.type : 'ClusterIP';
  oneOf(check, '/spec/type', 'service/type', spec.type, TYPES);
  const headless = spec.clusterIP === 'None';
  const ports = asArray(spec.ports);
  if (ports.length === 0 && !headless && type !== 'ExternalName') {
    check.error('/spec/ports', 'service/ports', 'ports are required (only a headless or ExternalName Service may have none)');
  }
  const names = new Set<unknown>();
  const portProtocols = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const port = asRecord(p);
    const at = `/spec/ports/${i}`;
    if (typeof port.name === 'string' && port.name !== '') {
      ruled(check, `${at}/name`, 'service/ports', port.name, dns1123Label(port.name), 'port name');
      if (names.has(port.name)) {
        check.error(`${at}/name`, 'service/ports', `port name "${port.name}" is used by another port`);
      }
      names.add(port.name);
    } else if (ports.length > 1) {
      check.error(`${at}/name`, 'service/ports', 'every port needs a name when a Service has more than one');
    }
    if (!isInt(port.port) || port.port < 1 || port.port > 65535) {
      check.error(`${at}/port`, 'service/ports', `port ${JSON.stringify(port.port ?? 0)} must be between 1 and 65535, inclusive`);
    }
    oneOf(check, `${at}/protocol`, 'service/ports', port.protocol, PROTOCOLS);
    const key = `${port.port}/${port.protocol || 'TCP'}`;
    if (portProtocols.has(key)) {
      check.error(at, 'service/ports', `port ${key} is listed twice`);
    }
    portProtocols.add(key);
    if (typeof port.targetPort === 'string') {
      ruled(check, `${at}/targetPort`, 'service/ports', port.targetPort, portName(port.targetPort), 'targetPort');
    } else if (isInt(port.targetPort) && port.targetPort !== 0) {
      intRange(check, `${at}/targetPort`, 'service/ports', port.targetPort, 1, 65535);
    }
    if (typeof port.appProtocol === 'string') {
      ruled(check, `${at}/appProtocol`, 'service/ports', port.appProtocol, qualifiedName(port.appProtocol), 'appProtocol');
    }
    if (isInt(port.nodePort) && port.nodePort !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') {
        check.error(`${at}/nodePort`, 'service/node-port', `nodePort may not be used when type is ${type}`);
      } else {
        if (port.nodePort < 30000 || port.nodePort > 32767) {
          // The range is the cluster's (--service-node-port-range); a dry run does not allocate, a create does.
          check.warn(`${at}/nodePort`, 'service/node-port', `nodePort ${port.nodePort} is outside the default node port range 30000-32767: a cluster with that range rejects the Service when it is created`);
        }
        const nodeKey = `${port.nodePort}/${port.protocol || 'TCP'}`;
        if (nodePorts.has(nodeKey)) {
          check.error(`${at}/nodePort`, 'service/node-port', `nodePort ${port.nodePort} is used by another port of the Service`);
        }
        nodePorts.add(nodeKey);
      }
    }
  });
  clusterIPs(check, spec, type);
  if (check.serviceRanges && type !== 'ExternalName') {
    clusterNetwork(check, spec, check.serviceRanges);
  }
  if (type === 'ExternalName') {
    if (typeof spec.externalName !== 'string' || spec.externalName === '') {
      check.error('/spec/externalName', 'service/type', 'externalName is required when type is ExternalName');
    } else {
      const name = spec.externalName.endsWith('.') ? spec.externalName.slice(0, -1) : spec.externalName;
      ruled(check, '/spec/externalName', 'service/type', spec.externalName, dns1123Subdomain(name), 'externalName');
    }
  }
  oneOf(check, '/spec/sessionAffinity', 'service/spec', spec.sessionAffinity, ['ClientIP', 'None']);
  const timeout = asRecord(asRecord(asRecord(spec.sessionAffinityConfig).clientIP)).timeoutSeconds;
  if (isInt(timeout) && (timeout <= 0 || timeout > 86400)) {
    check.error('/spec/sessionAffinityConfig/clientIP/timeoutSeconds', 'service/spec', `timeoutSeconds ${timeout} must be greater than 0 and at most 86400`);
  }
  oneOf(check, '/spec/externalTrafficPolicy', 'service/spec', spec.externalTrafficPolicy, ['Cluster', 'Local']);
  const external = type === 'NodePort' || type === 'LoadBalancer' || asArray(spec.externalIPs).length > 0;
  if (typeof spec.externalTrafficPolicy === 'string' && spec.externalTrafficPolicy !== '' && !external) {
    check.error('/spec/externalTrafficPolicy', 'service/spec', `externalTrafficPolicy ${JSON.stringify(spec.externalTrafficPolicy)} may only be set on externally-accessible Services (NodePort, LoadBalancer, or with externalIPs)`);
  }
  oneOf(check, '/spec/internalTrafficPolicy', 'service/spec', spec.internalTrafficPolicy, ['Cluster', 'Local']);
  oneOf(check, '/spec/ipFamilyPolicy', 'service/spec', spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']);
  asArray(spec.ipFamilies).forEach((f, i) => oneOf(check, `/spec/ipFamilies/${i}`, 'service/spec', f, ['IPv4', 'IPv6'], false));
  if (isSet(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') {
    check.error('/spec/allocateLoadBalancerNodePorts', 'service/spec', 'allocateLoadBalancerNodePorts may only be used when type is LoadBalancer');
  }
  const ranges = asArray(spec.loadBalancerSourceRanges);
  if (ranges.length > 0 && type !== 'LoadBalancer') {
    check.error('/spec/loadBalancerSourceRanges', 'service/spec', 'loadBalancerSourceRanges may only be used when type is LoadBalancer');
  }
  ranges.forEach((r, i) => {
    if (typeof r === 'string' && !parseCidr(r.trim())) {
      check.error(`/spec/loadBalancerSourceRanges/${i}`, 'service/spec', `${JSON.stringify(r)} must be a CIDR, e.g. 10.0.0.0/8`);
    }
  });
  serviceWarnings(check, spec, type);
  asArray(spec.externalIPs).forEach((ip, i) => {
    if (typeof ip === 'string' && !isIP(ip)) {
      check.error(`/spec/externalIPs/${i}`, 'service/spec', `${JSON.stringify(ip)} must be a valid IP address`);
    }
  });
}

function clusterIPs(check: Check, spec: Record<string, any>, type: string): void {
  const clusterIP = spec.clusterIP;
  const list = asArray(spec.clusterIPs);
  if (type === 'ExternalName') {
    if ((typeof clusterIP === 'string' && clusterIP !== '') || list.length > 0) {
      check.error('/spec/clusterIP', 'service/cluster-ip', 'clusterIP and clusterIPs may not be set for ExternalName Services');
    }
    return;
  }
  if (typeof clusterIP === 'string' && clusterIP !== '' && list.length > 0 && list[0] !== clusterIP) {
    check.error('/spec/clusterIPs', 'service/cluster-ip', 'clusterIPs[0] must equal clusterIP');
  }
  const ips = list.length > 0 ? list : typeof clusterIP === 'string' && clusterIP !== '' ? [clusterIP] : [];
  ips.forEach((ip, i) => {
    const at = list.length > 0 ? `/spec/clusterIPs/${i}` : '/spec/clusterIP';
    if (ip === 'None') {
      if (type === 'NodePort' || type === 'LoadBalancer') {
        check.error(at, 'service/cluster-ip', `clusterIP may not be None for ${type} Services`);
      }
    } else if (typeof ip === 'string' && !isIP(ip)) {
      check.error(at, 'service/cluster-ip', `${JSON.stringify(ip)} must be a valid IP address or None`);
    }
  });
}

/**
 * The rules the API server applies with its cluster's Service network (`--service-cluster-ip-range`),
 * known only when the validation is given it: a fixed cluster IP must lie in the range of its
 * family (not its network or broadcast address), and a single-stack cluster takes neither
 * RequireDualStack nor another family. A headless Service without a selector gets no cluster IP
 * and may name any family.
 */
function clusterNetwork(check: Check, spec: Record<string, any>, ranges: readonly ServiceIPRange[]): void {
  const list = asArray(spec.clusterIPs);
  const ips = (list.length > 0 ? list : [spec.clusterIP]).filter((ip): ip is string => typeof ip === 'string' && ip !== '' && ip !== 'None' && isIP(ip));
  const headless = (list.length > 0 ? list[0] : spec.clusterIP) === 'None';
  if (headless && Object.keys(asRecord(spec.selector)).length === 0) {
    return;
  }
  const shown = ranges.map(r => r.text).join(',');
  if (ranges.length === 1) {
    const only = ranges[0].family;
    if (spec.ipFamilyPolicy === 'RequireDualStack') {
      check.error('/spec/ipFamilyPolicy', 'service/cluster-network', `RequireDualStack: this cluster is not configured for dual-stack services (its Service range is ${shown})`);
    }
    asArray(spec.ipFamilies).forEach((f, i) => {
      if ((f === 'IPv4' || f === 'IPv6') && f !== only) {
        check.error(`/spec/ipFamilies/${i}`, 'service/cluster-network', `${f}: only ${only} can be used in a single-stack cluster (its Service range is ${shown})`);
      }
    });
  }
  for (const ip of ips) {
    const family = isIPv4(ip) ? 'IPv4' : 'IPv6';
    const range = ranges.find(r => r.family === family);
    if (!range) {
      check.error('/spec/clusterIPs', 'service/cluster-network', `cluster IP ${ip}: ${family} is not configured on this cluster (its Service range is ${shown})`);
    } else if (!allocatable(range, ip)) {
      check.error('/spec/clusterIPs', 'service/cluster-network', `failed to allocate IP ${ip}: it is not in the valid range ${range.text} of this cluster's Services`);
    }
  }
}

/** Whether `ip` can be allocated from `range`: inside it, and for IPv4 neither its network nor its broadcast address. */
function allocatable(range: ServiceIPRange, ip: string): boolean {
  const host = hostCidr(ip);
  if (!cidrContains(range.cidr, host)) {
    return false;
  }
  const width = BigInt(range.cidr.v6 ? 128 : 32);
  const hostBits = width - BigInt(range.cidr.bits);
  const offset = host.address & ((1n << hostBits) - 1n);
  return offset !== 0n && (range.cidr.v6 || offset !== (1n << hostBits) - 1n);
}
