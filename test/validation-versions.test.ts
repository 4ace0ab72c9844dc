import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { ValidationProblem, formatProblems, validateObjects, validateYamlFiles } from '../lib/validation';
import { main } from '../lib/validation/cli';
import { featureEnabled } from '../lib/validation/features';

const LABELS = { app: 'web' };

function statefulSet(podSpec: Record<string, unknown>, spec: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'ns' },
    spec: {
      serviceName: 'web', selector: { matchLabels: LABELS }, ...spec,
      template: { metadata: { labels: LABELS }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.2' }], ...podSpec } },
    },
  };
}

const errors = (problems: ValidationProblem[]) => problems.filter(p => p.severity === 'error');

/** The headless Service the StatefulSet names. */
const HEADLESS = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns' }, spec: { clusterIP: 'None', selector: LABELS } };

describe('Kubernetes versions', () => {
  const appArmor = statefulSet({ securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } });

  test('a field added after 1.28 is reported as such for 1.28 and valid for 1.35, 1.36 and 1.37 (the default)', () => {
    expect(validateObjects([HEADLESS, appArmor], { kubernetesVersion: '1.28' })).toEqual([expect.objectContaining({
      rule: 'schema/unknown-field', path: '/spec/template/spec/securityContext/appArmorProfile',
      message: 'field "appArmorProfile" is unknown in Kubernetes 1.28, added in 1.35',
    })]);
    expect(validateObjects([HEADLESS, appArmor], { kubernetesVersion: '1.35' })).toEqual([]);
    expect(validateObjects([HEADLESS, appArmor], { kubernetesVersion: '1.36' })).toEqual([]);
    expect(validateObjects([HEADLESS, appArmor])).toEqual([]);
  });

  test('an unsupported version is refused by name', () => {
    expect(() => validateObjects([], { kubernetesVersion: '1.31' as any })).toThrow(/unsupported Kubernetes version "1.31": use one of 1.28, 1.35, 1.36, 1.37/);
  });

  test('env var names follow the release: strict in 1.28, relaxed from 1.35', () => {
    const spaced = statefulSet({ containers: [{ name: 'web', image: 'nginx:1.27.2', env: [{ name: 'MY VAR', value: 'x' }] }] });
    expect(validateObjects([HEADLESS, spaced], { kubernetesVersion: '1.28' }).map(p => p.rule)).toEqual(['pod/env']);
    expect(validateObjects([HEADLESS, spaced], { kubernetesVersion: '1.35' })).toEqual([]);
  });

  test('maxUnavailable follows the release\'s default feature gates: dropped in 1.28, 1.35.4+ and 1.36 (a warning naming 1.37), used in 1.37', () => {
    const sts = statefulSet({}, { updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } });
    for (const kubernetesVersion of ['1.28', '1.35', '1.36'] as const) {
      const problems = validateObjects([HEADLESS, sts], { kubernetesVersion });
      expect(problems).toEqual([expect.objectContaining({ rule: 'workload/alpha-field', severity: 'warning', path: '/spec/updateStrategy/rollingUpdate/maxUnavailable' })]);
      expect(problems[0].message).toMatch(new RegExp(`in Kubernetes ${kubernetesVersion} \\(v${kubernetesVersion}\\.\\d+, feature gate MaxUnavailableStatefulSet\\): .*it is on by default in Kubernetes 1\\.37$`));
      expect(formatProblems(problems)).toMatch(/: warning \[workload\/alpha-field\] /);
    }
    expect(validateObjects([HEADLESS, sts], { kubernetesVersion: '1.37' })).toEqual([]);
  });

  test('the CLI takes --kube-version, exits 0 on warnings alone and 2 on an unknown version', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-version-'));
    const file = path.join(dir, 'app.yaml');
    fs.writeFileSync(file, [HEADLESS, appArmor].map(o => stringify(o)).join('---\n'));
    const out: string[] = [];
    const err: string[] = [];
    expect(main([dir], l => out.push(l), l => err.push(l))).toBe(0);
    expect(out[out.length - 1]).toMatch(/2 objects in 1 files valid \(Kubernetes 1.37, strict\)/);
    expect(main(['--kube-version', '1.28', dir], l => out.push(l), l => err.push(l))).toBe(1);
    expect(out.join('\n')).toMatch(/unknown in Kubernetes 1.28, added in 1.35/);
    expect(main(['--kube-version', '1.36', dir], l => out.push(l), l => err.push(l))).toBe(0);
    expect(out[out.length - 1]).toMatch(/2 objects in 1 files valid \(Kubernetes 1.36, strict\)/);
    expect(main([`--kube-version=1.29`, dir], l => out.push(l), l => err.push(l))).toBe(2);
    expect(err[err.length - 1]).toMatch(/unsupported Kubernetes version "1.29"/);
    fs.writeFileSync(file, [HEADLESS, statefulSet({}, { updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } })].map(o => stringify(o)).join('---\n'));
    expect(main(['--kube-version', '1.36', file], l => out.push(l), l => err.push(l))).toBe(0);
    expect(validateYamlFiles([file], { kubernetesVersion: '1.36' }).map(p => p.severity)).toEqual(['warning']);
  });
});

describe('the API server rules of the pods and claims controllers create', () => {
  const rulesOf = (obj: any) => errors(validateObjects([HEADLESS, obj, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', labels: LABELS }, spec: { containers: [{ name: 'p', image: 'nginx:1.27.2' }] } }], { kubernetesVersion: '1.36' })).map(p => `${p.rule} ${p.path}`);

  test('a StatefulSet memory limit below its request, a negative cpu request', () => {
    expect(rulesOf(statefulSet({ containers: [{ name: 'web', image: 'nginx:1.27.2', resources: { requests: { memory: '1Gi', cpu: '-1' }, limits: { memory: '512Mi' } } }] }))).toEqual([
      'pod/resources /spec/template/spec/containers/0/resources/requests/cpu',
      'pod/limit-below-request /spec/template/spec/containers/0/resources/requests/memory',
    ]);
  });

  test('claim templates: size zero, a bad access mode; memory 64m is a warning', () => {
    const sts = statefulSet({ containers: [{ name: 'web', image: 'nginx:1.27.2', resources: { requests: { memory: '64m' } } }] },
      { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['RWO'], resources: { requests: { storage: '0' } } } }] });
    const problems = validateObjects([HEADLESS, sts], { kubernetesVersion: '1.36' });
    expect(problems.map(p => `${p.severity} ${p.rule} ${p.path}`)).toEqual([
      'error claim/access-modes /spec/volumeClaimTemplates/0/spec/accessModes/0',
      'error claim/storage /spec/volumeClaimTemplates/0/spec/resources/requests/storage',
      'warning pod/fractional-bytes /spec/template/spec/containers/0/resources/requests/memory',
    ]);
  });

  test('probes, security context, nodeSelector keys', () => {
    expect(rulesOf(statefulSet({
      securityContext: { runAsUser: -1 },
      nodeSelector: { 'bad key!': 'x' },
      containers: [{ name: 'web', image: 'nginx:1.27.2', livenessProbe: { exec: { command: [] }, successThreshold: 2, periodSeconds: -10 } }],
    }))).toEqual([
      'pod/probe /spec/template/spec/containers/0/livenessProbe/exec/command',
      'pod/probe /spec/template/spec/containers/0/livenessProbe/periodSeconds',
      'pod/probe /spec/template/spec/containers/0/livenessProbe/successThreshold',
      'pod/security-context /spec/template/spec/securityContext/runAsUser',
      'pod/node-selector /spec/template/spec/nodeSelector/bad key!',
    ]);
  });

  test('PDB values, ConfigMap size and keys', () => {
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'ns' }, spec: { maxUnavailable: '150%', selector: { matchLabels: LABELS } } };
    expect(rulesOf(pdb)).toEqual(['pdb/spec /spec/maxUnavailable']);
    const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data: { ['k'.repeat(300)]: 'x', big: 'x'.repeat(1024 * 1024) } };
    expect(rulesOf(big)).toEqual([`configmap/data /data/${'k'.repeat(300)}`, 'configmap/data ']);
  });
});

describe('release rules from the vendored feature gates, and the server\'s warnings', () => {
  const service = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns' }, spec: { ports: [{ port: 80 }], ...spec } });
  const job = (rules: unknown[]) => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ns' },
    spec: { podFailurePolicy: { rules }, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox:1.37.0' }] } } },
  });

  test('externalTrafficPolicy only on an externally-accessible Service', () => {
    expect(errors(validateObjects([service({ externalTrafficPolicy: 'Local' })])).map(p => `${p.rule} ${p.path}`)).toEqual(['service/spec /spec/externalTrafficPolicy']);
    expect(errors(validateObjects([service({ type: 'NodePort', externalTrafficPolicy: 'Local' })]))).toEqual([]);
    expect(errors(validateObjects([service({ externalIPs: ['192.0.2.10'], externalTrafficPolicy: 'Local' })]))).toEqual([]);
  });

  test('a podFailurePolicy action is Count, FailIndex, FailJob or Ignore', () => {
    const rule = (action: string) => ({ action, onExitCodes: { operator: 'In', values: [1] } });
    expect(errors(validateObjects([job([rule('Retry')])])).map(p => `${p.rule} ${p.path} ${p.message}`)).toEqual([
      'job/spec /spec/podFailurePolicy/rules/0/action unsupported value "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
    ]);
    expect(errors(validateObjects([job(['Count', 'FailJob', 'Ignore'].map(rule))]))).toEqual([]);
  });

  test('a gate a release no longer lists is on if it was GA before, off if it never was', () => {
    expect(featureEnabled('1.35', 'PodLifecycleSleepActionAllowZero')).toBe(true);
    expect(featureEnabled('1.37', 'PodLifecycleSleepActionAllowZero')).toBe(true);
    expect(featureEnabled('1.28', 'PodLifecycleSleepActionAllowZero')).toBe(false);
    expect(featureEnabled('1.37', 'NoSuchGate')).toBe(false);
  });

  test('a regular container\'s restartPolicy is allowed where ContainerRestartRules is on (1.35 on), refused in 1.28', () => {
    const sts = statefulSet({ containers: [{ name: 'web', image: 'nginx:1.27.2', restartPolicy: 'Never' }] });
    expect(errors(validateObjects([HEADLESS, sts], { kubernetesVersion: '1.28' })).map(p => p.message)).toEqual([
      'restartPolicy may only be set on init containers (Always, for a sidecar) in Kubernetes 1.28',
    ]);
    expect(errors(validateObjects([HEADLESS, sts], { kubernetesVersion: '1.35' }))).toEqual([]);
  });

  test('a Service\'s ignored fields are warnings in the server\'s words', () => {
    const headless = service({ clusterIP: 'None', sessionAffinity: 'ClientIP', externalName: 'db.example.com' });
    expect(validateObjects([headless]).map(p => `${p.severity} ${p.rule} ${p.path}: ${p.message}`)).toEqual([
      'warning server/warning /spec/sessionAffinity: spec.SessionAffinity is ignored for headless services',
      'warning server/warning /spec/externalName: spec.externalName is ignored when spec.type is not "ExternalName"',
    ]);
  });

  test('an Ingress backend names a Service as the release names Services: digits first from 1.36', () => {
    const ingress = {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'ns' },
      spec: { defaultBackend: { service: { name: '3306-db', port: { number: 80 } } } },
    };
    expect(errors(validateObjects([ingress], { kubernetesVersion: '1.35' })).map(p => `${p.rule} ${p.path}`)).toEqual(['ingress/backend /spec/defaultBackend/service/name']);
    expect(errors(validateObjects([ingress], { kubernetesVersion: '1.36' }))).toEqual([]);
  });

  test('externalIPs are deprecated where the release has the AllowServiceExternalIPs gate: a warning in the server\'s words', () => {
    const withIPs = service({ externalIPs: ['192.0.2.10'] });
    expect(validateObjects([withIPs], { kubernetesVersion: '1.35' })).toEqual([]);
    expect(validateObjects([withIPs], { kubernetesVersion: '1.37' })).toEqual([expect.objectContaining({
      rule: 'server/warning', severity: 'warning', path: '/spec/externalIPs', message: 'spec.externalIPs is deprecated and may no longer be implemented in some clusters',
    })]);
  });
});
