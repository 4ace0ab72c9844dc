import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { StatefulApp } from '../lib';
import { KubernetesVersion, ValidationProblem, formatProblems, validateApp, validateChart, validateObjects, validateYamlFiles } from '../lib/validation';
import { main } from '../lib/validation/cli';
import { packageRoot } from '../lib/common/package-root';

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'validation');
const LABELS = { 'app.kubernetes.io/name': 'mysql', 'app.kubernetes.io/instance': 'db' };

/** Headless Service + StatefulSet with volumeClaimTemplates + ConfigMap + PDB + client Service, all valid. */
function validSet(): any[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mysql-config', namespace: 'db', labels: LABELS }, data: { 'my.cnf': '[mysqld]\n' } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'mysql-headless', namespace: 'db', labels: LABELS },
      spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: LABELS, ports: [{ name: 'mysql', port: 3306, targetPort: 'mysql' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'mysql', namespace: 'db', labels: LABELS },
      spec: {
        serviceName: 'mysql-headless',
        replicas: 3,
        selector: { matchLabels: LABELS },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        template: {
          metadata: { labels: LABELS },
          spec: {
            initContainers: [{ name: 'init-config', image: 'busybox:1.36', command: ['sh', '-c', 'true'], volumeMounts: [{ name: 'config', mountPath: '/config' }] }],
            containers: [{
              name: 'mysql',
              image: 'mysql:8.0',
              ports: [{ name: 'mysql', containerPort: 3306 }, { name: 'mysqlx', containerPort: 33060 }],
              env: [
                { name: 'MYSQL_ROOT_PASSWORD', valueFrom: { secretKeyRef: { name: 'mysql-auth', key: 'root-password' } } },
                { name: 'MYSQL_PASSWORD_FILE', value: '/etc/mysql/secret/password' },
                { name: 'MYSQL_RANDOM_ROOT_PASSWORD', value: 'no' },
              ],
              resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi', cpu: 1 } },
              volumeMounts: [{ name: 'data', mountPath: '/var/lib/mysql' }, { name: 'config', mountPath: '/etc/mysql/conf.d' }],
            }],
            volumes: [{ name: 'config', configMap: { name: 'mysql-config' } }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'mysql', namespace: 'db' }, spec: { maxUnavailable: 1, selector: { matchLabels: LABELS } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mysql', namespace: 'db' }, spec: { selector: LABELS, ports: [{ name: 'mysql', port: 3306, targetPort: 3306 }] } },
  ];
}

function find(objects: any[], kind: string, name: string): any {
  const found = objects.find(o => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
}

/** The valid set after `mutate`, validated. */
function validateMutated(mutate: (objects: any[]) => void, kubernetesVersion?: KubernetesVersion): ValidationProblem[] {
  const objects = validSet();
  mutate(objects);
  return validateObjects(objects, { kubernetesVersion });
}

const statefulSet = (objects: any[]) => find(objects, 'StatefulSet', 'mysql');
const mysqlContainer = (objects: any[]) => statefulSet(objects).spec.template.spec.containers[0];

/** Asserts `problems` is exactly one problem with this rule (and path, when given). */
function expectOnly(problems: ValidationProblem[], rule: string, where: Partial<ValidationProblem> = {}): void {
  expect(problems).toEqual([expect.objectContaining({ rule, ...where })]);
}

describe('valid output', () => {
  test('headless Service + StatefulSet with claim templates + ConfigMap + PDB + client Service has no problem', () => {
    expect(validateObjects(validSet())).toEqual([]);
  });

  test('a Service without selector, ExternalName Services and boolean flags named like secrets are allowed', () => {
    const objects = [...validSet(),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external-db', namespace: 'db' }, spec: { ports: [{ port: 3306 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'alias', namespace: 'db' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } },
    ];
    mysqlContainer(objects).env.push({ name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: 'yes' }, { name: 'TOKEN_SECRET_NAME', value: 'api-token' });
    expect(validateObjects(objects)).toEqual([]);
  });

  test('quantities and int-or-string values in all their forms are accepted', () => {
    const problems = validateMutated(objects => {
      mysqlContainer(objects).resources = { requests: { cpu: '.5', memory: '1e9', 'ephemeral-storage': '+1.5Gi' }, limits: { cpu: 2.5, memory: '2G' } };
      find(objects, 'PodDisruptionBudget', 'mysql').spec.maxUnavailable = '25%';
    });
    expect(problems).toEqual([]);
  });

  test('the cdk8s-plus output of a StatefulSet, its headless Service and a Deployment is valid', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'plus', { namespace: 'plus' });
    const config = new kplus.ConfigMap(chart, 'config', { data: { 'my.cnf': '[mysqld]' } });
    const secret = new kplus.Secret(chart, 'auth', { stringData: { password: 'from-a-secret' } });
    const service = new kplus.Service(chart, 'headless', { clusterIP: 'None', ports: [{ port: 3306 }] });
    new kplus.StatefulSet(chart, 'mysql', {
      service,
      replicas: 3,
      containers: [{
        image: 'mysql:8.0',
        portNumber: 3306,
        envVariables: { MYSQL_ROOT_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) },
        volumeMounts: [{ path: '/etc/mysql/conf.d', volume: kplus.Volume.fromConfigMap(chart, 'config-volume', config) }],
      }],
    });
    new kplus.Deployment(chart, 'web', { replicas: 2, containers: [{ image: 'nginx:1.25', portNumber: 80 }] }).exposeViaService({ ports: [{ port: 80 }] });
    expect(validateChart(chart)).toEqual([]);
  });
});

describe('schema (strict, Kubernetes 1.37, the default)', () => {
  test('misspelled StatefulSet field spec.replica', () => {
    const problems = validateMutated(objects => {
      const spec = statefulSet(objects).spec;
      delete spec.replicas;
      spec.replica = 3;
    });
    expectOnly(problems, 'schema/unknown-field', { object: 'StatefulSet/mysql (ns db)', path: '/spec/replica' });
    expect(problems[0].message).toBe('unknown field "replica" (did you mean "replicas"?)');
  });

  test('misspelled container field containerPorts', () => {
    const problems = validateMutated(objects => { mysqlContainer(objects).containerPorts = [{ containerPort: 80 }]; });
    expectOnly(problems, 'schema/unknown-field', { path: '/spec/template/spec/containers/0/containerPorts' });
  });

  test('unknown fields deep in maps of objects and in metadata', () => {
    const problems = validateMutated(objects => {
      statefulSet(objects).spec.volumeClaimTemplates[0].spec.resources.request = { storage: '1Gi' };
      find(objects, 'ConfigMap', 'mysql-config').metadata.label = { a: 'b' };
    });
    expect(problems.map(p => [p.rule, p.path])).toEqual([
      ['schema/unknown-field', '/metadata/label'],
      ['schema/unknown-field', '/spec/volumeClaimTemplates/0/spec/resources/request'],
    ]);
  });

  test('replicas: "3" is the wrong type', () => {
    const problems = validateMutated(objects => { statefulSet(objects).spec.replicas = '3'; });
    expectOnly(problems, 'schema/type', { path: '/spec/replicas', message: 'expected integer, got string "3"' });
  });

  test('containerPort: "80" is the wrong type', () => {
    const problems = validateMutated(objects => { mysqlContainer(objects).ports[0].containerPort = '80'; });
    expectOnly(problems, 'schema/type', { path: '/spec/template/spec/containers/0/ports/0/containerPort' });
  });

  test('an int-or-string that is neither', () => {
    const problems = validateMutated(objects => { find(objects, 'Service', 'mysql').spec.ports[0].targetPort = true; });
    expectOnly(problems, 'schema/type', { path: '/spec/ports/0/targetPort', message: 'expected integer or string, got boolean true' });
  });

  test('a quantity outside the quantity grammar', () => {
    const problems = validateMutated(objects => { mysqlContainer(objects).resources.limits.memory = '1GB'; });
    expectOnly(problems, 'schema/format', { path: '/spec/template/spec/containers/0/resources/limits/memory' });
  });

  test('an int32 out of range', () => {
    const problems = validateMutated(objects => { statefulSet(objects).spec.replicas = 2 ** 31; });
    expectOnly(problems, 'schema/format', { path: '/spec/replicas' });
  });

  test('missing required fields, apiVersion and kind included', () => {
    const problems = validateMutated(objects => {
      delete mysqlContainer(objects).name;
      objects.push({ kind: 'ConfigMap', metadata: { name: 'no-api-version', namespace: 'db' } });
    });
    expect(problems.map(p => [p.rule, p.object, p.path])).toEqual([
      ['schema/required', 'StatefulSet/mysql (ns db)', '/spec/template/spec/containers/0/name'],
      ['schema/required', 'ConfigMap/no-api-version (ns db)', '/apiVersion'],
    ]);
  });

  test('unknown kind, and a kind at an apiVersion that does not serve it', () => {
    const problems = validateMutated(objects => {
      objects.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'db' } });
      objects.push({ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'old', namespace: 'db' } });
    });
    expect(problems.map(p => [p.rule, p.object])).toEqual([
      ['schema/unknown-kind', 'Widget/w (ns db)'],
      ['schema/unknown-kind', 'Deployment/old (ns db)'],
    ]);
    expect(problems[1].message).toBe('Kubernetes 1.37 has no kind Deployment in apiVersion apps/v1beta1 (it has Deployment in apps/v1)');
  });
});

describe('names and labels', () => {
  test('a ConfigMap name that is not a DNS-1123 subdomain', () => {
    const problems = validateMutated(objects => { find(objects, 'ConfigMap', 'mysql-config').metadata.name = 'MySQL_Config'; });
    expectOnly(problems, 'metadata/name', { object: 'ConfigMap/MySQL_Config (ns db)', path: '/metadata/name' });
  });

  test('a StatefulSet name longer than 52 characters, a Service name starting with a digit (a DNS-1123 label is fine where RelaxedServiceNameValidation is on)', () => {
    const mutate = (objects: any[]) => {
      statefulSet(objects).metadata.name = 'm'.repeat(53);
      find(objects, 'Service', 'mysql').metadata.name = '3306-mysql';
    };
    expect(validateMutated(mutate, '1.35').map(p => [p.rule, p.object])).toEqual([
      ['metadata/name', `StatefulSet/${'m'.repeat(53)} (ns db)`],
      ['metadata/name', 'Service/3306-mysql (ns db)'],
    ]);
    for (const version of ['1.36', '1.37'] as const) {
      expect(validateMutated(mutate, version).map(p => [p.rule, p.object])).toEqual([['metadata/name', `StatefulSet/${'m'.repeat(53)} (ns db)`]]);
    }
  });

  test('a namespace that is not a DNS-1123 label', () => {
    const problems = validateObjects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'Team_A' } }]);
    expectOnly(problems, 'metadata/namespace', { path: '/metadata/namespace' });
  });

  test('RBAC names may contain colons', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:mysql-reader' }, rules: [] };
    expect(validateObjects([role])).toEqual([]);
  });

  test('invalid label keys and values in metadata, templates and selectors', () => {
    const problems = validateMutated(objects => {
      find(objects, 'ConfigMap', 'mysql-config').metadata.labels = { 'bad key': 'x', 'team': 'a'.repeat(64), 'Example.com/ok': 'ok' };
    });
    expect(problems.map(p => [p.rule, p.path])).toEqual([
      ['metadata/label', '/metadata/labels/bad key'],
      ['metadata/label', '/metadata/labels/team'],
      ['metadata/label', '/metadata/labels/Example.com~1ok'],
    ]);
  });

  test('duplicate objects (same group, kind, namespace and name)', () => {
    const problems = validateMutated(objects => {
      const config = find(objects, 'ConfigMap', 'mysql-config');
      objects.push({ ...config }, { ...config, metadata: { ...config.metadata, namespace: 'other' } });
    });
    expectOnly(problems, 'metadata/duplicate', { object: 'ConfigMap/mysql-config (ns db)' });
    expect(problems[0].message).toBe('another ConfigMap of API group "" named "mysql-config" in namespace "db" comes earlier in the output');
  });

  test('a missing namespace counts as "default" for duplicates', () => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    const problems = validateObjects([config, { ...config, metadata: { name: 'c', namespace: 'default' } }]);
    expectOnly(problems, 'metadata/duplicate', { object: 'ConfigMap/c (ns default)' });
  });
});

describe('selectors', () => {
  test('a workload selector that does not select its pod template labels', () => {
    const problems = validateMutated(objects => { statefulSet(objects).spec.selector = { matchLabels: { app: 'mysql' } }; });
    expectOnly(problems, 'workload/selector', { object: 'StatefulSet/mysql (ns db)', path: '/spec/selector' });
  });

  test('a workload selector matchExpression that excludes the template', () => {
    const problems = validateMutated(objects => {
      statefulSet(objects).spec.selector.matchExpressions = [{ key: 'app.kubernetes.io/instance', operator: 'NotIn', values: ['db'] }];
    });
    expectOnly(problems, 'workload/selector');
  });

  test('a dangling StatefulSet serviceName', () => {
    const problems = validateMutated(objects => { statefulSet(objects).spec.serviceName = 'mysql-hl'; });
    expectOnly(problems, 'statefulset/service-name', { path: '/spec/serviceName' });
  });

  test('a StatefulSet serviceName naming a Service that is not headless', () => {
    const problems = validateMutated(objects => { delete find(objects, 'Service', 'mysql-headless').spec.clusterIP; });
    expectOnly(problems, 'statefulset/headless-service', { object: 'StatefulSet/mysql (ns db)' });
  });

  test('a StatefulSet serviceName naming a headless Service that selects other pods', () => {
    const problems = validateMutated(objects => {
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'other', namespace: 'db' }, spec: { clusterIP: 'None', selector: { app: 'other' } } });
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'other', namespace: 'db' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
      });
      statefulSet(objects).spec.serviceName = 'other';
    });
    expectOnly(problems, 'statefulset/service-selector', { object: 'StatefulSet/mysql (ns db)' });
  });

  test('a Service selecting no pod', () => {
    const problems = validateMutated(objects => { find(objects, 'Service', 'mysql').spec.selector = { 'app.kubernetes.io/name': 'mariadb' }; });
    expectOnly(problems, 'service/selects-nothing', { object: 'Service/mysql (ns db)', path: '/spec/selector' });
  });

  test('a Service selecting one StatefulSet pod by its pod-name label: a member selects, an ordinal past the replicas selects nothing', () => {
    const select = (pod: string) => validateMutated(objects => {
      const selector = { ...statefulSet(objects).spec.selector.matchLabels, 'statefulset.kubernetes.io/pod-name': pod };
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'one', namespace: 'db' }, spec: { selector, ports: [{ port: 3306 }] } });
    });
    const replicas: number = statefulSet(validSet()).spec.replicas ?? 1;
    expect(select(`mysql-${replicas - 1}`)).toEqual([]);
    expectOnly(select(`mysql-${replicas}`), 'service/selects-nothing', { object: 'Service/one (ns db)' });
  });

  test('a Service whose pods are in another namespace selects nothing, with a hint', () => {
    const problems = validateMutated(objects => { find(objects, 'Service', 'mysql').metadata.namespace = 'app'; });
    expectOnly(problems, 'service/selects-nothing', { object: 'Service/mysql (ns app)' });
    expect(problems[0].message).toContain('(it would select pods in namespace "db")');
  });

  test('a PodDisruptionBudget selecting no pod', () => {
    const problems = validateMutated(objects => {
      find(objects, 'PodDisruptionBudget', 'mysql').spec.selector = { matchLabels: { 'app.kubernetes.io/name': 'mariadb' } };
    });
    expectOnly(problems, 'pdb/selects-nothing', { object: 'PodDisruptionBudget/mysql (ns db)' });
  });

  test('a PodDisruptionBudget without selector', () => {
    const problems = validateMutated(objects => { delete find(objects, 'PodDisruptionBudget', 'mysql').spec.selector; });
    expectOnly(problems, 'pdb/selects-nothing');
  });
});

describe('pod templates', () => {
  test('a volumeMount naming no volume', () => {
    const problems = validateMutated(objects => { mysqlContainer(objects).volumeMounts[1].name = 'conf'; });
    expectOnly(problems, 'pod/volume-mount', { path: '/spec/template/spec/containers/0/volumeMounts/1/name' });
  });

  test('an init container mounting a claim template outside a StatefulSet', () => {
    const problems = validateMutated(objects => {
      objects.push({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'backup', namespace: 'db' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'backup', image: 'mysql:8.0', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } } },
      });
    });
    expectOnly(problems, 'pod/volume-mount', { object: 'Job/backup (ns db)' });
  });

  test('two mounts at one mountPath, duplicate container names, duplicate volumes', () => {
    const problems = validateMutated(objects => {
      const pod = statefulSet(objects).spec.template.spec;
      pod.containers[0].volumeMounts[1].mountPath = '/var/lib/mysql';
      pod.initContainers[0].name = 'mysql';
      pod.volumes.push({ name: 'config', emptyDir: {} });
    });
    expect(problems.map(p => [p.rule, p.path])).toEqual([
      ['pod/duplicate-volume', '/spec/template/spec/volumes/1/name'],
      ['pod/container-name', '/spec/template/spec/containers/0/name'],
      ['pod/mount-path', '/spec/template/spec/containers/0/volumeMounts/1/mountPath'],
    ]);
  });

  test('port names: too long, not an IANA service name, duplicated', () => {
    const problems = validateMutated(objects => {
      mysqlContainer(objects).ports = [
        { name: 'mysql-replication', containerPort: 1 },
        { name: '3306', containerPort: 2 },
        { name: 'my--sql', containerPort: 3 },
        { name: 'mysql', containerPort: 4 },
        { name: 'mysql', containerPort: 5 },
      ];
    });
    expect(problems.map(p => [p.rule, p.path])).toEqual([
      ['server/warning', '/spec/template/spec/containers/0/ports/4/name'],
      ...[0, 1, 2, 4].map(i => ['pod/port-name', `/spec/template/spec/containers/0/ports/${i}/name`]),
    ]);
    expect(problems[0].message).toBe('duplicate port name "mysql" with containers[0].ports[3], services and probes that select ports by name will use containers[0].ports[3]');
  });

  test.each(['MYSQL_ROOT_PASSWORD', 'db_pass', 'CLIENT_SECRET', 'GITHUB_TOKEN', 'API_KEY', 'apikey', 'SSH_PRIVATE_KEY', 'Password', 'WORDPRESS_AUTH_KEY', 'NONCE_SALT'])(
    'a literal value for the credential-like env var %s', name => {
      const problems = validateMutated(objects => { mysqlContainer(objects).env.push({ name, value: 'hunter2' }); });
      expectOnly(problems.filter(p => p.rule !== 'server/warning'), 'pod/literal-secret', { path: '/spec/template/spec/containers/0/env/3/value' });
    });

  test.each(['PASSWORD_FILE', 'SECRET_NAME', 'KEY_NAME', 'MONKEY_ISLAND', 'SALTY'])('no finding for %s, which names or resembles a secret without holding one', name => {
    expect(validateMutated(objects => { mysqlContainer(objects).env.push({ name, value: 'x' }); })).toEqual([]);
  });

  test('a literal password in an init container', () => {
    const problems = validateMutated(objects => {
      statefulSet(objects).spec.template.spec.initContainers[0].env = [{ name: 'MYSQL_PASSWORD', value: '' }];
    });
    expectOnly(problems, 'pod/literal-secret', { path: '/spec/template/spec/initContainers/0/env/0/value' });
  });
});

describe('ReadWriteOnce claims under Deployments', () => {
  function withDeployment(deploymentSpec: object, accessModes = ['ReadWriteOnce']): ValidationProblem[] {
    return validateMutated(objects => objects.push(
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', namespace: 'db' }, spec: { accessModes, resources: { requests: { storage: '1Gi' } } } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'db' },
        spec: {
          ...deploymentSpec,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [{ name: 'web', image: 'nginx:1.25', volumeMounts: [{ name: 'uploads', mountPath: '/uploads' }] }],
              volumes: [{ name: 'uploads', persistentVolumeClaim: { claimName: 'uploads' } }],
            },
          },
        },
      },
    ));
  }

  test('under the default (RollingUpdate) strategy', () => {
    expectOnly(withDeployment({}), 'deployment/rwo-claim', {
      object: 'Deployment/web (ns db)',
      path: '/spec/template/spec/volumes/0/persistentVolumeClaim/claimName',
    });
  });

  test('under an explicit RollingUpdate strategy with ReadWriteOncePod', () => {
    expectOnly(withDeployment({ replicas: 1, strategy: { type: 'RollingUpdate' } }, ['ReadWriteOncePod']), 'deployment/rwo-claim');
  });

  test('under a Recreate Deployment with 2 replicas', () => {
    expectOnly(withDeployment({ replicas: 2, strategy: { type: 'Recreate' } }), 'deployment/rwo-claim');
  });

  test('not under a Recreate Deployment with 1 replica, nor for a ReadWriteMany claim', () => {
    expect(withDeployment({ replicas: 1, strategy: { type: 'Recreate' } })).toEqual([]);
    expect(withDeployment({ replicas: 3 }, ['ReadWriteMany'])).toEqual([]);
  });
});

describe('namespaces', () => {
  test('a reference to an object the output has only in another namespace', () => {
    const problems = validateMutated(objects => { find(objects, 'ConfigMap', 'mysql-config').metadata.namespace = 'config'; });
    expectOnly(problems, 'namespace/reference', { object: 'StatefulSet/mysql (ns db)', path: '/spec/template/spec/volumes/0/configMap/name' });
  });

  test('a missing namespace means "default" when matching', () => {
    const objects = validSet();
    for (const obj of objects) delete obj.metadata.namespace;
    expect(validateObjects(objects)).toEqual([]);
    find(objects, 'Service', 'mysql-headless').metadata.namespace = 'db';
    expect(validateObjects(objects).map(p => p.rule)).toEqual(['service/selects-nothing', 'statefulset/service-name', 'namespace/reference']);
  });
});

describe('apps, charts and files', () => {
  test('validateApp validates all charts together', () => {
    const app = Testing.app();
    const [config, headless, mysql, pdb, client] = validSet();
    const storage = new Chart(app, 'storage', { namespace: 'db' });
    const network = new Chart(app, 'network', { namespace: 'db' });
    for (const obj of [config, mysql, pdb]) new ApiObject(storage, obj.kind + obj.metadata.name, obj);
    new ApiObject(network, 'client', client);
    expectOnly(validateApp(app), 'statefulset/service-name');
    new ApiObject(network, 'headless', headless);
    expect(validateApp(app)).toEqual([]);
  });

  test('validateApp and validateChart return the problems of an app holding our constructs (its in-synth validation would throw)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new StatefulApp(chart, 'web', { container: { name: 'web', image: 'nginx:1.27.3', ports: [{ name: 'http', port: 8080 }] } });
    new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, dta: {} });
    expect(() => chart.toJson()).toThrow(/Validation failed/);
    for (const problems of [validateApp(app, { kubernetesVersion: '1.35' }), validateChart(chart)]) {
      expect(problems.map(p => [p.rule, p.object, p.path])).toEqual([['schema/unknown-field', 'ConfigMap/settings (ns shop)', '/dta']]);
    }
  });

  test('validateApp of an app without charts has no problem', () => {
    expect(validateApp(new App())).toEqual([]);
  });

  test('validateYamlFiles validates files together and names the file of each problem', () => {
    const valid = ['db.k8s.yaml', 'shared.k8s.yaml'].map(f => path.join(FIXTURES, 'valid', f));
    expect(validateYamlFiles(valid)).toEqual([]);
    const invalid = path.join(FIXTURES, 'invalid', 'db.k8s.yaml');
    expect(validateYamlFiles([invalid]).map(p => [p.rule, p.file])).toEqual([
      ['schema/unknown-field', invalid],
      ['pod/literal-secret', invalid],
      ['statefulset/service-name', invalid],
    ]);
  });

  test('YAML that does not parse, and documents that are not objects', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validation-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'a: 1\na: 2\n---\n- not an object\n---\n');
    try {
      expect(validateYamlFiles([file]).map(p => [p.rule, p.object, p.file])).toEqual([
        ['yaml/parse', 'document 1', file],
        ['yaml/document', 'document 2', file],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  test('formatProblems prints one line per problem', () => {
    const invalid = path.join(FIXTURES, 'invalid', 'db.k8s.yaml');
    const lines = formatProblems(validateYamlFiles([invalid])).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`${invalid}: StatefulSet/mysql (ns db) /spec/replica: [schema/unknown-field] unknown field "replica" (did you mean "replicas"?)`);
  });
});

describe('cli', () => {
  function run(args: string[]): { code: number; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(args, line => out.push(line), line => err.push(line));
    return { code, out, err };
  }

  test('a valid directory: summary and exit 0', () => {
    const dir = path.join(FIXTURES, 'valid');
    expect(run([dir])).toEqual({ code: 0, out: [`${dir}: 5 objects in 2 files valid (Kubernetes 1.37, strict)`], err: [] });
  });

  test('invalid manifests: one line per problem and exit 1', () => {
    const result = run([path.join(FIXTURES, 'invalid')]);
    expect(result.code).toBe(1);
    expect(result.out.join('\n').split('\n')).toHaveLength(3);
    expect(result.out[0]).toContain('[schema/unknown-field]');
  });

  test('usage errors: exit 2', () => {
    expect(run([]).code).toBe(2);
    expect(run([path.join(FIXTURES, 'missing')]).code).toBe(2);
    expect(run([FIXTURES]).code).toBe(2); // only subdirectories, no manifests
  });
});

test('packageRoot finds the directory holding package.json', () => {
  expect(packageRoot()).toBe(ROOT);
});
