import { parseCidr } from '../rules';
import type { Cidr } from '../rules';

/** One IP family of a cluster's Service network. */
export interface ServiceIPRange {
  /** `IPv4` or `IPv6`. */
  readonly family: 'IPv4' | 'IPv6';
  /** The CIDR as written. */
  readonly text: string;
  /** The parsed network. */
  readonly cidr: Cidr;
}

/**
 * A cluster's Service IP ranges, from the value of its API server's `--service-cluster-ip-range`:
 * one CIDR (single-stack), or two of different families separated by a comma (dual-stack, the
 * first is the primary family). Throws an Error naming the value when it is not that.
 */
export function parseServiceClusterIPRange(value: string): readonly ServiceIPRange[] {
  const parts = value.split(',').map(s => s.trim());
  const ranges = parts.map(text => {
    const cidr = parseCidr(text);
    if (!cidr) {
      throw new Error(`serviceClusterIPRange ${JSON.stringify(value)} is invalid: "${text}" must be a CIDR such as "10.96.0.0/16"`);
    }
    return { family: cidr.v6 ? 'IPv6' as const : 'IPv4' as const, text, cidr };
  });
  if (ranges.length > 2 || (ranges.length === 2 && ranges[0].family === ranges[1].family)) {
    throw new Error(`serviceClusterIPRange ${JSON.stringify(value)} is invalid: it must be one CIDR, or an IPv4 and an IPv6 CIDR separated by a comma (as kube-apiserver's --service-cluster-ip-range)`);
  }
  return ranges;
}
