/**
 * The env contract between MySQLReplication and its container scripts, which have no defaults for
 * what the construct passes: every container of a synthesized cluster (MySQL and MariaDB, GTID and
 * binlog position, with and without backups, drill and bootstrapFrom on a PVC or in S3, GTID ones with a declared
 * primary and so the switchover Job) gets every
 * variable the scripts it runs require, as read from the scripts' own `require_env` calls
 * (test/support/script-requirements.ts), so a requirement added to a script without the construct
 * passing it fails here; and a script run without one of them stops before doing anything, with
 * one line naming it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EnvVar } from './e2e/manifest';
import { ClusterOptions, ScriptContainer, scriptContainers, synthReplication } from './support/mysql-env';
import { allScripts, Requirement, requirements } from './support/script-requirements';
import { BASH, createStubEnv, StubEnv } from './support/stub-tools';

const VARIANTS: ClusterOptions[] = (['mysql', 'mariadb'] as const).flatMap((flavor) => (['gtid', 'binlog'] as const).flatMap((mode) =>
  ([undefined, 'pvc', 's3'] as const).map((backups) => ({ flavor, mode, backups, exporter: backups !== undefined, primary: mode === 'gtid' ? 1 : undefined }))));

/** Env variables holding a directory: a script run here gets an empty one of its own. */
const DIRECTORY_VARS = ['DATA_DIR', 'CONF_DIR', 'CONFIG_MAP_DIR', 'BACKUP_REPO_DIR'];
/** Set by the kubelet in every container: the pod name. */
const KUBELET_ENV = ['HOSTNAME'];

/** Whether a requirement's `--when` condition holds for a container's env (a Secret value counts as non-empty). */
function applies(r: Requirement, env: ReadonlyMap<string, EnvVar>): boolean {
  if (!r.when) return true;
  const e = env.get(r.when.name);
  if (!e) return false;
  if (e.valueFrom) return true;
  const value = e.value ?? ''; // a name alone is set and empty, as the server stores value: ''
  return r.when.value === undefined ? value !== '' : value === r.when.value;
}

interface Use {
  readonly options: ClusterOptions;
  readonly at: ScriptContainer;
  readonly script: string;
  readonly args: readonly string[];
  readonly requirement: Requirement;
}

/** Every requirement of every script run by every container of `options`' cluster, with whether the env covers it. */
function uses(options: ClusterOptions): Array<Use & { problem?: string }> {
  return scriptContainers(synthReplication(options)).flatMap((at) => {
    const env = new Map((at.container.env ?? []).map((e) => [e.name, e]));
    return at.runs.flatMap(({ script, args }) => requirements(script, args)
      .filter((requirement) => applies(requirement, env))
      .map((requirement) => {
        const e = env.get(requirement.name);
        const where = `${at.workload} container ${at.container.name} runs ${[script, ...args].join(' ')}, which requires ${requirement.name}`;
        let problem: string | undefined;
        if (!e && !KUBELET_ENV.includes(requirement.name)) problem = `${where}: not in its env`;
        else if (e && !e.valueFrom && (e.value ?? '') === '' && !requirement.mayBeEmpty) problem = `${where} non-empty: it is ''`;
        return { options, at, script, args, requirement, problem };
      }));
  });
}

describe('what the scripts require, read from their require_env calls', () => {
  const names = (script: string, args: string[] = []) => requirements(script, args).map((r) => r.name);

  test('each script loads only what it uses: the backup needs no replication mode and no version, the sidecar both', () => {
    expect(names('backup.sh')).toEqual(expect.arrayContaining(['MYSQL_FLAVOR', 'BACKUP_REPO_DIR', 'BACKUP_SOURCE_HOST', 'RETENTION_COUNT']));
    expect(names('backup.sh')).not.toContain('REPLICATION_MODE');
    expect(names('backup.sh')).not.toContain('MYSQL_VERSION');
    expect(names('clone.sh')).not.toContain('MYSQL_VERSION');
    expect(names('sidecar.sh')).toEqual(expect.arrayContaining(['MYSQL_FLAVOR', 'MYSQL_VERSION', 'REPLICATION_MODE', 'MEMBER_HOST_TEMPLATE']));
    // through common.sh's make_admin_defaults, and in create-users.sh's own copy of the helper
    expect(names('sidecar.sh')).toContain('MYSQL_ROOT_PASSWORD');
    expect(names('create-users.sh')).toEqual(expect.arrayContaining(['MYSQL_FLAVOR', 'REPLICATION_USER', 'REPLICATION_PASSWORD']));
  });

  test('s3.sh: push and fetch require their own variables; a fetch for a bootstrap also DATA_DIR', () => {
    expect(names('s3.sh', ['push'])).toContain('BACKUP_NAME_PREFIX');
    expect(names('s3.sh', ['push'])).not.toContain('RESTORE_BACKUP');
    expect(names('s3.sh', ['fetch'])).not.toContain('BACKUP_NAME_PREFIX');
    expect(requirements('s3.sh', ['fetch'])).toContainEqual({ name: 'DATA_DIR', mayBeEmpty: false, when: { name: 'FETCH_FOR', value: 'bootstrap' } });
  });

  test('conditions and values that may be empty are kept with the requirement', () => {
    expect(requirements('sidecar.sh')).toContainEqual({ name: 'BACKUP_PASSWORD', mayBeEmpty: false, when: { name: 'BACKUP_USER' } });
    expect(requirements('drill.sh')).toContainEqual({ name: 'DRILL_TABLES', mayBeEmpty: true });
    expect(requirements('backup.sh')).toContainEqual({ name: 'RETENTION_MAX_AGE_DAYS', mayBeEmpty: true });
  });
});

describe('every container of a synthesized MySQLReplication gets every variable its scripts require', () => {
  test.each(VARIANTS)('%j', (options) => {
    const all = uses(options);
    expect(all.length).toBeGreaterThan(20);
    expect(all.flatMap((u) => (u.problem ? [u.problem] : []))).toEqual([]);
  });

  test('these clusters run every script (so none escapes the check)', () => {
    const run = new Set(VARIANTS.flatMap((o) => scriptContainers(synthReplication(o)).flatMap((c) => c.runs.map((r) => r.script))));
    const sourcedOnly = ['common.sh', 'backup-common.sh'];
    expect([...run].sort()).toEqual(allScripts().filter((s) => !sourcedOnly.includes(s)));
  });
});

describe('a script run without a variable it requires stops at once, with one line naming it', () => {
  /** One case per script, arguments and variable: the first container that runs it. */
  const cases = new Map<string, Use>();
  for (const options of VARIANTS) {
    for (const u of uses(options)) {
      if (KUBELET_ENV.includes(u.requirement.name)) continue;
      const key = `${[u.script, ...u.args].join(' ')} without ${u.requirement.name}`;
      if (!cases.has(key)) cases.set(key, u);
    }
  }

  test('there is a case for every script', () => {
    expect(new Set([...cases.values()].map((u) => u.script)).size).toBe(allScripts().length - 2);
  });

  // One stub environment for every case: nothing may run before the check, so nothing is left behind.
  let stubs: StubEnv;
  let scripts: string;
  beforeAll(() => {
    stubs = createStubEnv();
    // The scripts as the clusters' ConfigMaps hold them; s3.sh only looks for curl before its checks.
    scripts = path.join(stubs.root, 'scripts');
    fs.mkdirSync(scripts);
    for (const u of cases.values()) {
      for (const f of u.at.template.configMapFiles('scripts')) fs.writeFileSync(path.join(scripts, f.path), f.content);
    }
    fs.writeFileSync(path.join(stubs.bin, 'curl'), '#!/bin/sh\nexit 7\n', { mode: 0o755 });
  });
  afterAll(() => stubs.cleanup());

  test.each([...cases.keys()])('%s', (key) => {
    const { at, script, args, requirement } = cases.get(key)!;
    const env: Record<string, string> = {
      ...at.template.env(at.container, (_, secretKey) => `test-${secretKey}`),
      HOSTNAME: 'mysql-1', // a replica: every step of the member scripts applies
    };
    const dirs = DIRECTORY_VARS.filter((v) => v in env).map((v) => (env[v] = path.join(stubs.root, v.toLowerCase())));
    delete env[requirement.name];
    const r = spawnSync(BASH, [path.join(scripts, script), ...args], { env: { ...env, ...stubs.env }, encoding: 'utf8', timeout: 15000 });
    expect(r.stderr).toMatch(new RegExp(`^${script.replace('.', '\\.')}: ERROR: environment variable ${requirement.name} must be set( and non-empty)?( \\(.*\\))?\n$`));
    expect(r.status).toBe(1);
    expect(stubs.calls()).toEqual([]);
    expect(dirs.filter((d) => fs.existsSync(d))).toEqual([]);
    expect(fs.readdirSync(stubs.env.TMPDIR)).toEqual([]);
  });
});
