import { cidrContains, parseCidr, portName } from '../../rules';
import type { Cidr } from '../../rules';
import { asArray, asRecord } from '../objects';
import { isInt, isSet, labelSelector, oneOf, ruled } from './check';
import type { Check } from './check';

function ports(check: Check, path: string, value: unknown): void {
  asArray(value).forEach((p, i) => {
    const port = asRecord(p);
    const at = `${path}/${i}`;
    oneOf(check, `${at}/protocol`, 'netpol/port', port.protocol, ['TCP', 'UDP', 'SCTP'], false);
    if (typeof port.port === 'string') {
      ruled(check, `${at}/port`, 'netpol/port', port.port, portName(port.port), 'port');
      if (isSet(port.endPort)) {
        check.error(`${at}/endPort`, 'netpol/port', 'endPort may not be given with a named port');
      }
    } else if (isInt(port.port)) {
      if (port.port < 1 || port.port > 65535) {
        check.error(`${at}/port`, 'netpol/port', `port ${port.port} must be between 1 and 65535, inclusive`);
      }
      if (isInt(port.endPort)) {
        if (port.endPort < port.port) {
          check.error(`${at}/endPort`, 'netpol/port', `endPort ${port.endPort} must be greater than or equal to port ${port.port}`);
        } else if (port.endPort > 65535) {
          check.error(`${at}/endPort`, 'netpol/port', `endPort ${port.endPort} must be between 1 and 65535, inclusive`);
        }
      }
    } else if (isSet(port.endPort)) {
      check.error(`${at}/endPort`, 'netpol/port', 'endPort may not be given without port');
    }
  });
}

function peers(check: Check, path: string, value: unknown): void {
  asArray(value).forEach((p, i) => {
    const peer = asRecord(p);
    const at = `${path}/${i}`;
    const others = isSet(peer.podSelector) || isSet(peer.namespaceSelector);
    if (isSet(peer.ipBlock)) {
      if (others) {
        check.error(at, 'netpol/peer', 'a peer may have an ipBlock or selectors, not both');
      }
      const block = asRecord(peer.ipBlock);
      const cidr = typeof block.cidr === 'string' ? parseCidr(block.cidr) : undefined;
      if (!cidr) {
        check.error(`${at}/ipBlock/cidr`, 'netpol/peer', `cidr ${JSON.stringify(block.cidr ?? '')} must be a CIDR, e.g. 10.0.0.0/8`);
      }
      asArray(block.except).forEach((e, j) => {
        const except = typeof e === 'string' ? parseCidr(e) : undefined;
        if (!except) {
          check.error(`${at}/ipBlock/except/${j}`, 'netpol/peer', `${JSON.stringify(e)} must be a CIDR`);
        } else if (cidr && !within(except, cidr)) {
          check.error(`${at}/ipBlock/except/${j}`, 'netpol/peer', `${JSON.stringify(e)} must be a strict subset of cidr ${block.cidr}`);
        }
      });
    } else if (!others) {
      check.error(at, 'netpol/peer', 'a peer needs a podSelector, a namespaceSelector or an ipBlock');
    }
    labelSelector(check, `${at}/podSelector`, 'netpol/peer', peer.podSelector);
    labelSelector(check, `${at}/namespaceSelector`, 'netpol/peer', peer.namespaceSelector);
  });
}

/** Whether CIDR `inner` is a strict subset of `outer`. */
function within(inner: Cidr, outer: Cidr): boolean {
  return inner.bits > outer.bits && cidrContains(outer, inner);
}

/** NetworkPolicy rules (`ValidateNetworkPolicy`): ports, peers, policy types, selectors. */
export function networkPolicy(check: Check, obj: any): void {
  const spec = asRecord(obj.spec);
  labelSelector(check, '/spec/podSelector', 'netpol/selector', spec.podSelector);
  asArray(spec.ingress).forEach((r, i) => {
    ports(check, `/spec/ingress/${i}/ports`, asRecord(r).ports);
    peers(check, `/spec/ingress/${i}/from`, asRecord(r).from);
  });
  asArray(spec.egress).forEach((r, i) => {
    ports(check, `/spec/egress/${i}/ports`, asRecord(r).ports);
    peers(check, `/spec/egress/${i}/to`, asRecord(r).to);
  });
  const types = asArray(spec.policyTypes);
  types.forEach((t, i) => oneOf(check, `/spec/policyTypes/${i}`, 'netpol/policy-types', t, ['Ingress', 'Egress'], false));
  if (types.length > 2) {
    check.error('/spec/policyTypes', 'netpol/policy-types', 'policyTypes may list at most two types');
  }
}
