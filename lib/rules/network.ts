/** An IP network: its family, prefix length and address (the address bits as one number). */
export interface Cidr {
  /** Whether it is an IPv6 network. */
  readonly v6: boolean;
  /** Prefix length. */
  readonly bits: number;
  /** The address, as written (host bits may be set: `10.0.0.1/8` is read as Go's `net.ParseCIDR` reads it). */
  readonly address: bigint;
}

/** Whether `s` is an IPv4 or IPv6 address as Go's `net.ParseIP` reads it. */
export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** Whether `s` is a dotted-quad IPv4 address. */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every(p => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isIPv6(s: string): boolean {
  if (!s.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(s)) {
    return false;
  }
  const doubles = s.split('::').length - 1;
  if (doubles > 1) {
    return false;
  }
  let groups = s.split(':').filter(g => g !== '');
  let needed = 8;
  const last = groups[groups.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) {
      return false;
    }
    groups = groups.slice(0, -1);
    needed = 6;
  }
  if (!groups.every(g => /^[0-9A-Fa-f]{1,4}$/.test(g))) {
    return false;
  }
  return doubles === 1 ? groups.length < needed : groups.length === needed;
}

/** The network of a CIDR (`10.0.0.0/8`, `2001:db8::/64`), or undefined if `s` is not one. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) {
    return undefined;
  }
  const ip = s.slice(0, slash);
  const prefix = s.slice(slash + 1);
  const v6 = !isIPv4(ip);
  if (!/^\d{1,3}$/.test(prefix) || !isIP(ip) || Number(prefix) > (v6 ? 128 : 32)) {
    return undefined;
  }
  return { v6, bits: Number(prefix), address: ipValue(ip) };
}

/** The address `ip` (an IPv4 or IPv6 address, see {@link isIP}) as a /32 or /128 network. */
export function hostCidr(ip: string): Cidr {
  const v6 = !isIPv4(ip);
  return { v6, bits: v6 ? 128 : 32, address: ipValue(ip) };
}

/** Whether network `inner` lies within `outer` (the same family, at least as long a prefix, the same leading bits). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (inner.v6 !== outer.v6 || inner.bits < outer.bits) {
    return false;
  }
  const shift = BigInt((outer.v6 ? 128 : 32) - outer.bits);
  return inner.address >> shift === outer.address >> shift;
}

/** The rule of a CIDR field (`loadBalancerSourceRanges`, `ipBlock.cidr`, a cluster's Service range). */
export function cidr(s: string): string | undefined {
  return parseCidr(s) ? undefined : 'must be a CIDR such as "10.0.0.0/8" or "2001:db8::/64"';
}

function ipValue(ip: string): bigint {
  if (isIPv4(ip)) {
    return ip.split('.').reduce((a, p) => (a << 8n) + BigInt(p), 0n);
  }
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const expand = (part: string | undefined): bigint[] => (part ? part.split(':') : []).flatMap(g => g.includes('.')
    ? (() => { const v = g.split('.').map(Number); return [BigInt(v[0] * 256 + v[1]), BigInt(v[2] * 256 + v[3])]; })()
    : [BigInt(parseInt(g, 16))]);
  const h = expand(head);
  const t = expand(tail);
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill(0n), ...t];
  return groups.reduce((a, g) => (a << 16n) + g, 0n);
}
