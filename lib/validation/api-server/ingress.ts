import { dns1035Label, dns1123Label, dns1123Subdomain, isIP, portName } from '../../rules';
import { asArray, asRecord } from '../objects';
import { isInt, isSet, oneOf, ruled } from './check';
import type { Check } from './check';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const WILDCARD = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

/** A host of a rule or of TLS: a DNS-1123 subdomain or `*.` and one, not an IP address. */
function host(check: Check, path: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    return;
  }
  if (isIP(value)) {
    check.error(path, 'ingress/host', `host ${JSON.stringify(value)} must be a DNS name, not an IP address`);
  } else if (value.startsWith('*')) {
    if (!WILDCARD.test(value) || value.length > 253) {
      check.error(path, 'ingress/host', `host ${JSON.stringify(value)} must be "*." followed by a DNS-1123 subdomain`);
    }
  } else {
    ruled(check, path, 'ingress/host', value, dns1123Subdomain(value), 'host');
  }
}

function backend(check: Check, path: string, value: unknown): void {
  const b = asRecord(value);
  const service = isSet(b.service);
  const resource = isSet(b.resource);
  if (service && resource) {
    check.error(path, 'ingress/backend', 'a backend may have a service or a resource, not both');
    return;
  }
  if (!service && !resource) {
    check.error(path, 'ingress/backend', 'a backend needs a service or a resource');
    return;
  }
  if (!service) {
    return;
  }
  const s = asRecord(b.service);
  if (typeof s.name === 'string' && s.name !== '') {
    // Where RelaxedServiceNameValidation is on, a backend names a Service as Services are named: a DNS-1123 label.
    const rule = check.feature('RelaxedServiceNameValidation') ? dns1123Label(s.name) : dns1035Label(s.name);
    ruled(check, `${path}/service/name`, 'ingress/backend', s.name, rule, 'service name');
  }
  const port = asRecord(s.port);
  const hasName = typeof port.name === 'string' && port.name !== '';
  const hasNumber = isInt(port.number) && port.number !== 0;
  if (hasName && hasNumber) {
    check.error(`${path}/service/port`, 'ingress/backend', 'port may have a name or a number, not both');
  } else if (!hasName && !hasNumber) {
    check.error(path, 'ingress/backend', 'the service port needs a name or a number');
  } else if (hasName) {
    ruled(check, `${path}/service/port/name`, 'ingress/backend', port.name, portName(port.name), 'port name');
  } else if (port.number < 1 || port.number > 65535) {
    check.error(`${path}/service/port/number`, 'ingress/backend', `port ${port.number} must be between 1 and 65535, inclusive`);
  }
}

function httpPath(check: Check, path: string, value: Record<string, any>): void {
  const type = value.pathType;
  if (!isSet(type) || type === '') {
    check.error(`${path}/pathType`, 'ingress/path', 'pathType is required: Exact, Prefix or ImplementationSpecific');
  } else {
    oneOf(check, `${path}/pathType`, 'ingress/path', type, PATH_TYPES, false);
  }
  const p = typeof value.path === 'string' ? value.path : '';
  if (type === 'Exact' || type === 'Prefix') {
    if (!p.startsWith('/')) {
      check.error(`${path}/path`, 'ingress/path', `path ${JSON.stringify(p)} must be an absolute path (starting with "/")`);
    } else {
      const bad = INVALID_PATH_SEQUENCES.find(seq => p.includes(seq)) ?? INVALID_PATH_SUFFIXES.find(suffix => p.endsWith(suffix));
      if (bad) {
        check.error(`${path}/path`, 'ingress/path', `path ${JSON.stringify(p)} must not contain "${bad}"`);
      }
    }
  } else if (type === 'ImplementationSpecific' && p !== '' && !p.startsWith('/')) {
    check.error(`${path}/path`, 'ingress/path', `path ${JSON.stringify(p)} must be an absolute path (starting with "/")`);
  }
  backend(check, `${path}/backend`, value.backend);
}

/** Ingress rules (`ValidateIngress`): rules or a default backend, hosts, paths and path types, backends, class, TLS. */
export function ingress(check: Check, obj: any): void {
  const spec = asRecord(obj.spec);
  const rules = asArray(spec.rules);
  if (rules.length === 0 && !isSet(spec.defaultBackend)) {
    check.error('/spec', 'ingress/spec', 'an Ingress needs rules or a defaultBackend');
  }
  if (isSet(spec.defaultBackend)) {
    backend(check, '/spec/defaultBackend', spec.defaultBackend);
  }
  rules.forEach((r, i) => {
    const rule = asRecord(r);
    host(check, `/spec/rules/${i}/host`, rule.host);
    if (isSet(rule.http)) {
      const paths = asArray(asRecord(rule.http).paths);
      if (paths.length === 0) {
        check.error(`/spec/rules/${i}/http/paths`, 'ingress/path', 'http.paths must list at least one path');
      }
      paths.forEach((p, j) => httpPath(check, `/spec/rules/${i}/http/paths/${j}`, asRecord(p)));
    }
  });
  if (typeof spec.ingressClassName === 'string' && spec.ingressClassName !== '') {
    ruled(check, '/spec/ingressClassName', 'ingress/spec', spec.ingressClassName, dns1123Subdomain(spec.ingressClassName), 'ingressClassName');
  }
  asArray(spec.tls).forEach((t, i) => {
    const tls = asRecord(t);
    if (typeof tls.secretName === 'string' && tls.secretName !== '') {
      ruled(check, `/spec/tls/${i}/secretName`, 'ingress/tls', tls.secretName, dns1123Subdomain(tls.secretName), 'secretName');
    }
    asArray(tls.hosts).forEach((h, j) => {
      if (typeof h === 'string' && h !== '' && !isIP(h)) {
        host(check, `/spec/tls/${i}/hosts/${j}`, h);
      }
    });
  });
}
