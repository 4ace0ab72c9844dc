import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, ApiObject } from 'cdk8s';
import { stringify } from 'yaml';
import { SERVICE_CLUSTER_IP_RANGE_CONTEXT, StatefulApp } from '../lib';
import { validateObjects } from '../lib/validation';
import { main } from '../lib/validation/cli';

/** A ClusterIP Service with `spec` merged in. */
function service(spec: Record<string, unknown>): any {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }], ...spec },
  };
}

const V4 = '10.96.0.0/16';
const DUAL = '10.96.0.0/16,fd00:10:96::/112';

function networkErrors(spec: Record<string, unknown>, serviceClusterIPRange?: string): string[] {
  return validateObjects([service(spec)], { serviceClusterIPRange })
    .filter(p => p.rule === 'service/cluster-network').map(p => `${p.path}: ${p.message}`);
}

describe('the cluster\'s Service network (--service-cluster-ip-range)', () => {
  test('a fixed clusterIP must lie inside the range and be neither its network nor its broadcast address', () => {
    expect(networkErrors({ clusterIP: '10.96.3.7' }, V4)).toEqual([]);
    expect(networkErrors({ clusterIP: '10.0.0.1' }, V4)).toEqual([
      "/spec/clusterIPs: failed to allocate IP 10.0.0.1: it is not in the valid range 10.96.0.0/16 of this cluster's Services",
    ]);
    expect(networkErrors({ clusterIP: '10.96.0.0' }, V4)).toHaveLength(1);
    expect(networkErrors({ clusterIP: '10.96.255.255' }, V4)).toHaveLength(1);
    expect(networkErrors({ clusterIP: '10.96.255.254' }, V4)).toEqual([]);
  });

  test('without the range, the cluster-dependent rules are not applied', () => {
    expect(networkErrors({ clusterIP: '10.0.0.1', ipFamilyPolicy: 'RequireDualStack' })).toEqual([]);
  });

  test('a single-stack cluster takes neither RequireDualStack nor another family', () => {
    expect(networkErrors({ ipFamilyPolicy: 'RequireDualStack' }, V4)).toEqual([
      '/spec/ipFamilyPolicy: RequireDualStack: this cluster is not configured for dual-stack services (its Service range is 10.96.0.0/16)',
    ]);
    expect(networkErrors({ ipFamilyPolicy: 'PreferDualStack' }, V4)).toEqual([]);
    expect(networkErrors({ ipFamilies: ['IPv6'] }, V4)).toEqual([
      '/spec/ipFamilies/0: IPv6: only IPv4 can be used in a single-stack cluster (its Service range is 10.96.0.0/16)',
    ]);
    expect(networkErrors({ clusterIP: 'fd00::5', ipFamilies: ['IPv6'] }, V4)).toContain(
      '/spec/clusterIPs: cluster IP fd00::5: IPv6 is not configured on this cluster (its Service range is 10.96.0.0/16)');
  });

  test('a dual-stack cluster takes both families, each IP inside its own family\'s range', () => {
    expect(networkErrors({ ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] }, DUAL)).toEqual([]);
    expect(networkErrors({ clusterIP: 'fd00:10:96::a', clusterIPs: ['fd00:10:96::a', '10.96.0.10'], ipFamilyPolicy: 'RequireDualStack' }, DUAL)).toEqual([]);
    expect(networkErrors({ clusterIP: 'fd00:10:97::a' }, DUAL)).toHaveLength(1);
  });

  test('a headless Service without a selector gets no cluster IP and may name any family', () => {
    expect(networkErrors({ clusterIP: 'None', selector: undefined, ipFamilyPolicy: 'RequireDualStack' }, V4)).toEqual([]);
    expect(networkErrors({ clusterIP: 'None', ipFamilyPolicy: 'RequireDualStack' }, V4)).toHaveLength(1);
  });

  test('a range that is not one CIDR or one per family is refused by name', () => {
    expect(() => validateObjects([], { serviceClusterIPRange: '10.96.0.0/33' })).toThrow(/serviceClusterIPRange "10.96.0.0\/33" is invalid: "10.96.0.0\/33" must be a CIDR/);
    expect(() => validateObjects([], { serviceClusterIPRange: '10.96.0.0/16,10.97.0.0/16' })).toThrow(/an IPv4 and an IPv6 CIDR/);
  });

  test('the in-synth validation reads the range from the app context and fails the synth', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-network-'));
    const app = new App({ outdir });
    app.node.setContext(SERVICE_CLUSTER_IP_RANGE_CONTEXT, V4);
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new StatefulApp(chart, 'web', { container: { name: 'web', image: 'nginx:1.27.2', ports: [{ name: 'http', port: 80 }] } });
    new ApiObject(chart, 'fixed', service({ clusterIP: '10.0.0.1' }));
    expect(() => app.synth()).toThrow(/shop\/fixed: Service\/web \(ns ns\) \/spec\/clusterIPs: \[service\/cluster-network\] failed to allocate IP 10.0.0.1/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('npm run validate takes --service-cluster-ip-range', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-network-cli-'));
    fs.writeFileSync(path.join(dir, 'svc.yaml'), stringify(service({ clusterIP: '10.0.0.1', selector: undefined })));
    const out: string[] = [];
    const err: string[] = [];
    expect(main([dir], l => out.push(l), l => err.push(l))).toBe(0);
    expect(main(['--service-cluster-ip-range', V4, dir], l => out.push(l), l => err.push(l))).toBe(1);
    expect(out.join('\n')).toMatch(/failed to allocate IP 10.0.0.1/);
    expect(main(['--service-cluster-ip-range=10.96.0.0', dir], l => out.push(l), l => err.push(l))).toBe(2);
    expect(err.join('\n')).toMatch(/"10.96.0.0" must be a CIDR/);
  });
});
