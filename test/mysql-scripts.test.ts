/**
 * Unit tests for the MySQLReplication container scripts (lib/mysql/scripts).
 *
 * Each script runs under bash with the env the construct gives its container
 * (test/support/mysql-env.ts: read from a synthesized MySQLReplication), a fake
 * HOSTNAME, temp directories and a PATH holding only stub tools (see
 * test/support/stub-tools.ts), which record their argv/stdin. A real-server run
 * is a separate integration test.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { ClusterOptions, memberEnv, switchoverEnv, without } from './support/mysql-env';
import { BASH, createStubEnv, SqlReply, sqlReplies, StubCall, StubEnv } from './support/stub-tools';

const SCRIPTS = path.resolve(__dirname, '..', 'lib', 'mysql', 'scripts');
const FIXTURES = path.resolve(__dirname, 'fixtures', 'mysql-scripts', 'backup-info');

// Quotes and backslashes on purpose: they must survive option files and SQL.
const ROOT_PASSWORD = 'r00t\'pa"ss\\word';
const REPLICATION_PASSWORD = "repl'pw\\x";
const SECRETS = [ROOT_PASSWORD, REPLICATION_PASSWORD];
/** The Secret values the containers' env reads. */
const SECRET_VALUES = { MYSQL_ROOT_PASSWORD: ROOT_PASSWORD, REPLICATION_PASSWORD };

/** The env of member container `container` of a cluster named `mysql` (see test/support/mysql-env.ts). */
function envOf(container: string, options: ClusterOptions = {}, secrets: Record<string, string> = {}): Record<string, string> {
  return memberEnv(container, options, { ...SECRET_VALUES, ...secrets });
}

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: StubCall[];
}

/** Every stub call of every run, for the final credentials check. */
const allCalls: StubCall[] = [];

let stubs: StubEnv;
let work: string;

beforeEach(() => {
  stubs = createStubEnv();
  work = stubs.root;
});

afterEach(() => {
  stubs.cleanup();
});

function leakedSecrets(calls: StubCall[]): string[] {
  return calls.flatMap((c) => c.argv.filter((a) => SECRETS.some((s) => a.includes(s))).map((a) => `${c.tool}: ${a}`));
}

function run(script: string, env: Record<string, string>, args: string[] = [], s: StubEnv = stubs): RunResult {
  const before = s.calls().length;
  const r = spawnSync(BASH, [path.join(SCRIPTS, script), ...args], {
    env: { ...s.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15000,
  });
  if (r.error) throw r.error;
  const calls = s.calls().slice(before);
  allCalls.push(...calls);
  expect(leakedSecrets(calls)).toEqual([]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}

/** Like `run`, without blocking the event loop (for tests that serve TCP from this process). */
async function runAsync(script: string, env: Record<string, string>, s: StubEnv): Promise<RunResult> {
  const before = s.calls().length;
  const child = spawn(BASH, [path.join(SCRIPTS, script)], { env: { ...s.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  }).finally(() => clearTimeout(timer));
  const calls = s.calls().slice(before);
  allCalls.push(...calls);
  expect(leakedSecrets(calls)).toEqual([]);
  return { status, stdout, stderr, calls };
}

/** A TCP server on 127.0.0.1 (ephemeral port) that sends `content` to every connection and closes it. */
async function serveOnce(content: Buffer): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    socket.end(content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function mkdir(...parts: string[]): string {
  const d = path.join(...parts);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** The single call of a tool in a run. */
function call(r: RunResult, tool: string): StubCall {
  const found = r.calls.filter((c) => c.tool === tool);
  expect(found).toHaveLength(1);
  return found[0];
}

function ls(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

// ---------------------------------------------------------------------------
describe('init-config.sh', () => {
  let confDir: string;
  let mapDir: string;
  const env = () => ({ ...envOf('init-config'), CONF_DIR: confDir, CONFIG_MAP_DIR: mapDir });

  beforeEach(() => {
    confDir = path.join(work, 'conf.d');
    mapDir = mkdir(work, 'config-map');
    write(path.join(mapDir, 'primary.cnf'), '[mysqld]\nlog-bin\n');
    write(path.join(mapDir, 'replica.cnf'), '[mysqld]\nsuper-read-only\n');
  });

  test('ordinal 0 gets server-id 100 and primary.cnf', () => {
    const r = run('init-config.sh', { ...env(), HOSTNAME: 'mysql-0' });
    expect(r.status).toBe(0);
    expect(ls(confDir)).toEqual(['primary.cnf', 'server-id.cnf']);
    expect(fs.readFileSync(path.join(confDir, 'server-id.cnf'), 'utf8')).toBe(
      '[mysqld]\nserver-id=100\nreport_host=mysql-0.mysql\n',
    );
    expect(fs.readFileSync(path.join(confDir, 'primary.cnf'), 'utf8')).toBe('[mysqld]\nlog-bin\n');
    expect(r.stderr).toMatch(/^init-config\.sh: ordinal 0: server-id=100/m);
  });

  test('ordinal 2 gets server-id 102, replica.cnf and common.cnf', () => {
    write(path.join(mapDir, 'common.cnf'), '[mysqld]\nskip-name-resolve\n');
    const r = run('init-config.sh', { ...env(), HOSTNAME: 'mysql-2' });
    expect(r.status).toBe(0);
    expect(ls(confDir)).toEqual(['common.cnf', 'replica.cnf', 'server-id.cnf']);
    expect(fs.readFileSync(path.join(confDir, 'server-id.cnf'), 'utf8')).toContain('server-id=102\nreport_host=mysql-2.mysql\n');
    expect(fs.readFileSync(path.join(confDir, 'replica.cnf'), 'utf8')).toBe('[mysqld]\nsuper-read-only\n');
  });

  test('SERVER_ID_OFFSET and MEMBER_HOST_TEMPLATE are honoured', () => {
    const r = run('init-config.sh', {
      ...env(),
      HOSTNAME: 'db-12',
      SERVER_ID_OFFSET: '1000',
      MEMBER_HOST_TEMPLATE: 'db-{ordinal}.db-headless.prod.svc',
    });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(confDir, 'server-id.cnf'), 'utf8')).toBe(
      '[mysqld]\nserver-id=1012\nreport_host=db-12.db-headless.prod.svc\n',
    );
  });

  test('is idempotent and removes stale role files', () => {
    write(path.join(confDir, 'primary.cnf'), 'stale');
    write(path.join(confDir, 'common.cnf'), 'stale');
    expect(run('init-config.sh', { ...env(), HOSTNAME: 'mysql-1' }).status).toBe(0);
    const first = ls(confDir).map((f) => fs.readFileSync(path.join(confDir, f), 'utf8'));
    expect(run('init-config.sh', { ...env(), HOSTNAME: 'mysql-1' }).status).toBe(0);
    expect(ls(confDir)).toEqual(['replica.cnf', 'server-id.cnf']);
    expect(ls(confDir).map((f) => fs.readFileSync(path.join(confDir, f), 'utf8'))).toEqual(first);
  });

  test('fails clearly when HOSTNAME has no ordinal', () => {
    const r = run('init-config.sh', { ...env(), HOSTNAME: 'nohyphen' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("init-config.sh: ERROR: cannot derive the member ordinal: HOSTNAME 'nohyphen' does not end in -<number>");
    expect(fs.existsSync(confDir)).toBe(false);
  });

  test('fails clearly when the ConfigMap file is missing', () => {
    fs.rmSync(path.join(mapDir, 'replica.cnf'));
    const r = run('init-config.sh', { ...env(), HOSTNAME: 'mysql-3' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${mapDir}/replica.cnf not found`);
  });
});

// ---------------------------------------------------------------------------
describe('clone.sh', () => {
  let dataDir: string;
  let stream: string;

  /** A fake backup (as a tar "stream"): complete unless told otherwise. */
  function makeStream(opts: { complete?: boolean; extra?: Record<string, string> } = {}): string {
    fs.rmSync(path.join(work, 'donor-backup'), { recursive: true, force: true });
    const src = mkdir(work, 'donor-backup');
    write(path.join(src, 'ibdata1'), 'ibdata');
    write(path.join(src, 'mysql', 'db.opt'), 'x');
    write(path.join(src, 'app', 't.ibd'), 'rows');
    write(path.join(src, 'xtrabackup_binlog_info'), 'mysql-bin.000003\t1234\n');
    if (opts.complete !== false) write(path.join(src, 'xtrabackup_checkpoints'), 'backup_type = full-backuped\n');
    for (const [name, content] of Object.entries(opts.extra ?? {})) write(path.join(src, name), content);
    const file = path.join(work, 'stream.tar');
    const r = spawnSync('tar', ['-cf', file, '-C', src, '.']);
    expect(r.status).toBe(0);
    return file;
  }

  const env = (extra: Record<string, string> = {}, options: ClusterOptions = {}) => ({
    ...envOf('clone', options),
    HOSTNAME: 'mysql-2',
    DATA_DIR: dataDir,
    STUB_NCAT_MODE: 'stream',
    STUB_NCAT_STREAM: stream,
    CLONE_RETRY_DELAY_SECONDS: '1',
    ...extra,
  });

  beforeEach(() => {
    dataDir = path.join(work, 'data');
    stream = makeStream();
  });

  test('skips on the declared primary, whatever its ordinal', () => {
    const r = run('clone.sh', env({ HOSTNAME: 'mysql-0' }));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('clone.sh: ordinal 0 is the declared primary; nothing to clone');
    expect(r.calls).toEqual([]);
    const on2 = run('clone.sh', env({ HOSTNAME: 'mysql-2', PRIMARY_ORDINAL: '2' }));
    expect(on2.stderr).toContain('clone.sh: ordinal 2 is the declared primary; nothing to clone');
    expect(on2.calls).toEqual([]);
  });

  test('ordinal 0 as a replica clones the declared primary; ordinal 1 still clones ordinal 0', () => {
    const r = run('clone.sh', env({ HOSTNAME: 'mysql-0', PRIMARY_ORDINAL: '2' }));
    expect(r.status).toBe(0);
    expect(call(r, 'ncat').argv).toEqual(['--recv-only', '-w', '10', 'mysql-2.mysql', '3307']);
    expect(r.stderr).toContain('clone.sh: clone from mysql-2.mysql complete');
    fs.rmSync(dataDir, { recursive: true });
    const r1 = run('clone.sh', env({ HOSTNAME: 'mysql-1', PRIMARY_ORDINAL: '2' }));
    expect(call(r1, 'ncat').argv).toEqual(['--recv-only', '-w', '10', 'mysql-0.mysql', '3307']);
  });

  test('skips when data exists, and drops leftover staging', () => {
    mkdir(dataDir, 'mysql');
    mkdir(dataDir, '.clone-incoming', 'junk');
    const r = run('clone.sh', env());
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('data already present');
    expect(r.calls).toEqual([]);
    expect(ls(dataDir)).toEqual(['mysql']);
  });

  test('clones from the previous member and moves the data in', () => {
    stream = makeStream({ extra: { 'change-source.done': 'from the donor' } });
    const r = run('clone.sh', env());
    expect(r.stderr).toContain('clone.sh: clone from mysql-1.mysql complete');
    expect(r.status).toBe(0);
    // ncat | xbstream run concurrently: their relative order is not fixed.
    expect(r.calls.map((c) => c.tool).sort()).toEqual(['getent', 'ncat', 'xbstream', 'xtrabackup']);
    expect(r.calls[0].argv).toEqual(['ahosts', 'mysql-1.mysql']);
    expect(call(r, 'ncat').argv).toEqual(['--recv-only', '-w', '10', 'mysql-1.mysql', '3307']);
    expect(call(r, 'xbstream').argv).toEqual(['-x', '-C', `${dataDir}/.clone-incoming`]);
    expect(r.calls[3]).toEqual(call(r, 'xtrabackup'));
    expect(r.calls[3].argv).toEqual(['--prepare', `--target-dir=${dataDir}/.clone-incoming`]);
    expect(ls(dataDir)).toEqual(['app', 'ibdata1', 'mysql', 'prepared-by-stub', 'xtrabackup_binlog_info', 'xtrabackup_checkpoints']);
    expect(fs.readFileSync(path.join(dataDir, 'app', 't.ibd'), 'utf8')).toBe('rows');
  });

  test('mariadb flavor uses mbstream and mariadb-backup; CLONE_PORT and template honoured', () => {
    const r = run('clone.sh', env({ HOSTNAME: 'db-1', MEMBER_HOST_TEMPLATE: '127.0.0.1{ordinal}', CLONE_PORT: '4444' }, { flavor: 'mariadb' }));
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => c.tool).sort()).toEqual(['getent', 'mariadb-backup', 'mbstream', 'ncat']);
    expect(r.calls[3].tool).toBe('mariadb-backup');
    expect(call(r, 'ncat').argv).toEqual(['--recv-only', '-w', '10', '127.0.0.10', '4444']);
    expect(fs.existsSync(path.join(dataDir, 'mysql'))).toBe(true);
  });

  function expectCleanFailure(r: RunResult) {
    expect(r.status).not.toBe(0);
    expect(r.calls.filter((c) => c.argv.includes('--prepare'))).toEqual([]);
    expect(ls(dataDir)).toEqual([]);
  }

  test('fails cleanly when ncat cannot connect, after CLONE_CONNECT_ATTEMPTS tries', () => {
    const r = run('clone.sh', env({ STUB_NCAT_MODE: 'fail', CLONE_CONNECT_ATTEMPTS: '3' }));
    expectCleanFailure(r);
    expect(r.stderr).toContain('clone.sh: ERROR: could not clone from mysql-1.mysql:3307 after 3 attempt(s)');
    expect(r.stderr).toContain('receiving from mysql-1.mysql:3307 failed (exit status 1)');
    expect(r.calls.filter((c) => c.tool === 'ncat')).toHaveLength(3);
    expect(r.calls.filter((c) => c.tool === 'sleep').map((c) => c.argv)).toEqual([['1'], ['1']]);
  });

  test('fails cleanly when the stream is empty', () => {
    const r = run('clone.sh', env({ STUB_NCAT_MODE: 'empty', CLONE_CONNECT_ATTEMPTS: '1' }));
    expectCleanFailure(r);
    expect(r.stderr).toContain('received nothing from mysql-1.mysql:3307 (empty stream)');
    expect(r.stderr).toContain('ERROR: could not clone');
  });

  test('fails cleanly when the stream is not a complete backup', () => {
    stream = makeStream({ complete: false });
    const r = run('clone.sh', env({ CLONE_CONNECT_ATTEMPTS: '1' }));
    expectCleanFailure(r);
    expect(r.stderr).toContain('is not a complete backup');
  });

  test('fails cleanly when the stream tool fails', () => {
    const r = run('clone.sh', env({ STUB_STREAM_FAIL: '1', CLONE_CONNECT_ATTEMPTS: '1' }));
    expectCleanFailure(r);
  });

  test('retries the connection and then succeeds', () => {
    const r = run('clone.sh', env({ STUB_NCAT_FAILS: '2' }));
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.tool === 'ncat')).toHaveLength(3);
    expect(fs.existsSync(path.join(dataDir, 'mysql'))).toBe(true);
  });

  test('fails cleanly when --prepare fails', () => {
    const r = run('clone.sh', env({ STUB_PREPARE_FAIL: '1' }));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('clone.sh: ERROR: xtrabackup --prepare failed');
    expect(ls(dataDir)).toEqual([]);
  });

  test('names a missing tool', () => {
    const s = createStubEnv({ omit: ['xbstream'] });
    try {
      const r = run('clone.sh', { ...s.env, ...env() }, [], s);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("clone.sh: ERROR: required tool 'xbstream' not found in PATH");
      expect(r.calls).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  describe('without ncat: bash /dev/tcp against a real TCP server', () => {
    let noNcat: StubEnv;
    beforeEach(() => {
      noNcat = createStubEnv({ omit: ['ncat'] });
    });
    afterEach(() => noNcat.cleanup());
    // HOSTNAME mysql-2 clones from member 1: 127.0.0.1.
    const tcpEnv = (port: number, extra: Record<string, string> = {}) =>
      env({ MEMBER_HOST_TEMPLATE: '127.0.0.{ordinal}', CLONE_PORT: String(port), ...extra });

    test('receives the stream, prepares and moves it in', async () => {
      const server = await serveOnce(fs.readFileSync(stream));
      try {
        const r = await runAsync('clone.sh', tcpEnv(server.port), noNcat);
        expect(r.stderr).toContain("clone.sh: ncat not found; receiving through bash's /dev/tcp");
        expect(r.stderr).toContain('clone.sh: clone from 127.0.0.1 complete');
        expect(r.status).toBe(0);
        expect(server.connections()).toBe(1);
        expect(r.calls.map((c) => c.tool).sort()).toEqual(['getent', 'xbstream', 'xtrabackup']);
        expect(call(r, 'xbstream').argv).toEqual(['-x', '-C', `${dataDir}/.clone-incoming`]);
        expect(ls(dataDir)).toEqual(['app', 'ibdata1', 'mysql', 'prepared-by-stub', 'xtrabackup_binlog_info', 'xtrabackup_checkpoints']);
        expect(fs.readFileSync(path.join(dataDir, 'app', 't.ibd'), 'utf8')).toBe('rows');
      } finally {
        await server.close();
      }
    });

    test('connection refused: retries, then fails cleanly with no staging left', async () => {
      const server = await serveOnce(Buffer.alloc(0));
      const port = server.port;
      await server.close(); // nothing listens there any more
      const r = await runAsync('clone.sh', tcpEnv(port, { CLONE_CONNECT_ATTEMPTS: '2' }), noNcat);
      expectCleanFailure(r);
      expect(r.stderr).toMatch(/Connection refused/);
      expect(r.stderr).toContain(`receiving from 127.0.0.1:${port} failed (exit status 1)`);
      expect(r.stderr).toContain(`clone.sh: ERROR: could not clone from 127.0.0.1:${port} after 2 attempt(s); is its sidecar serving backups?`);
      expect(r.calls.filter((c) => c.tool === 'sleep')).toHaveLength(1);
    });

    test('an empty stream is detected as with ncat', async () => {
      const server = await serveOnce(Buffer.alloc(0));
      try {
        const r = await runAsync('clone.sh', tcpEnv(server.port, { CLONE_CONNECT_ATTEMPTS: '1' }), noNcat);
        expectCleanFailure(r);
        expect(r.stderr).toContain(`received nothing from 127.0.0.1:${server.port} (empty stream)`);
        expect(server.connections()).toBe(1);
      } finally {
        await server.close();
      }
    });

    test('without ncat and timeout it names both', () => {
      const s = createStubEnv({ omit: ['ncat', 'timeout'] });
      try {
        const r = run('clone.sh', { ...s.env, ...env() }, [], s);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain("clone.sh: ERROR: neither 'ncat' nor 'timeout' (for bash's /dev/tcp) found in PATH");
        expect(r.calls).toEqual([]);
      } finally {
        s.cleanup();
      }
    });
  });

  test('waits for the peer to resolve, logging, and gives up after PEER_WAIT_SECONDS', () => {
    const r = run('clone.sh', env({ STUB_GETENT_FAIL: '1', PEER_WAIT_SECONDS: '12', LOG_EVERY_SECONDS: '5' }));
    expect(r.status).not.toBe(0);
    const waiting = r.stderr.split('\n').filter((l) => l.startsWith('clone.sh: waiting for mysql-1.mysql to resolve'));
    expect(waiting).toHaveLength(3); // at 0s, 5s and 10s
    expect(r.stderr).toContain('clone.sh: ERROR: mysql-1.mysql did not resolve within 12s');
    expect(r.calls.filter((c) => c.tool === 'getent')).toHaveLength(13);
    expect(r.calls.filter((c) => c.tool === 'sleep')).toHaveLength(12);
    expect(r.calls.filter((c) => c.tool === 'ncat')).toEqual([]);
    expect(ls(dataDir)).toEqual([]);
  });

  test('proceeds once the peer resolves', () => {
    const r = run('clone.sh', env({ STUB_GETENT_FAILS: '3' }));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('mysql-1.mysql to resolve: ok after 3s');
  });

  test('undoes an interrupted move before cloning again', () => {
    // A previous run moved ibdata1 and app/ in, then crashed before mysql/.
    write(path.join(dataDir, 'ibdata1'), 'old');
    write(path.join(dataDir, 'app', 'old.ibd'), 'old');
    write(path.join(dataDir, '.clone-incoming', 'mysql', 'db.opt'), 'old');
    write(path.join(dataDir, '.clone-manifest'), 'ibdata1\0app\0');
    mkdir(dataDir, 'lost+found');
    const r = run('clone.sh', env());
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('removing the remains of an interrupted clone');
    expect(ls(dataDir)).toEqual(['app', 'ibdata1', 'lost+found', 'mysql', 'prepared-by-stub', 'xtrabackup_binlog_info', 'xtrabackup_checkpoints']);
    expect(ls(path.join(dataDir, 'app'))).toEqual(['t.ibd']);
    expect(fs.readFileSync(path.join(dataDir, 'ibdata1'), 'utf8')).toBe('ibdata');
  });

  test('refuses to overwrite unexpected content and never creates mysql/', () => {
    write(path.join(dataDir, 'ibdata1'), 'not ours');
    const r = run('clone.sh', env());
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`refusing to overwrite ${dataDir}/ibdata1`);
    expect(fs.existsSync(path.join(dataDir, 'mysql'))).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'ibdata1'), 'utf8')).toBe('not ours');
  });

  test('rejects a HOSTNAME without ordinal', () => {
    const r = run('clone.sh', env({ HOSTNAME: 'nohyphen' }));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("HOSTNAME 'nohyphen' does not end in -<number>");
  });
});

// ---------------------------------------------------------------------------
const MYSQL_CHANGE = String.raw`CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-0.mysql', SOURCE_PORT=3306, SOURCE_USER='replicator', SOURCE_PASSWORD='repl''pw\\x', SOURCE_CONNECT_RETRY=10, GET_SOURCE_PUBLIC_KEY=1, `;
const MARIADB_CHANGE = String.raw`CHANGE MASTER TO MASTER_HOST='mysql-0.mysql', MASTER_PORT=3306, MASTER_USER='replicator', MASTER_PASSWORD='repl''pw\\x', MASTER_CONNECT_RETRY=10, `;
const G1 = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const G2 = '7b1e5c9a-5d0e-11ee-8c99-0242ac120002';

interface SqlCase {
  name: string;
  fixture: string;
  flavor: 'mysql' | 'mariadb';
  version: string;
  mode: 'gtid' | 'binlog';
  hostname: string;
  sql: string[];
}

const SQL_CASES: SqlCase[] = [
  {
    name: 'mysql 8.0, binlog, cloned from the primary',
    fixture: 'mysql-primary-binlog', flavor: 'mysql', version: '8.0', mode: 'binlog', hostname: 'mysql-1',
    sql: ['RESET REPLICA ALL;', `${MYSQL_CHANGE}SOURCE_LOG_FILE='mysql-bin.000003', SOURCE_LOG_POS=1234;`, 'START REPLICA;'],
  },
  {
    name: 'mysql 8.0, binlog, cloned from a replica (CHANGE MASTER slave_info)',
    fixture: 'mysql80-replica-binlog', flavor: 'mysql', version: '8.0', mode: 'binlog', hostname: 'mysql-2',
    sql: ['RESET REPLICA ALL;', `${MYSQL_CHANGE}SOURCE_LOG_FILE='mysql-bin.000007', SOURCE_LOG_POS=4321;`, 'START REPLICA;'],
  },
  {
    name: 'mysql 8.4, binlog, cloned from a replica (CHANGE REPLICATION SOURCE slave_info)',
    fixture: 'mysql84-replica-binlog', flavor: 'mysql', version: '8.4', mode: 'binlog', hostname: 'mysql-2',
    sql: ['RESET REPLICA ALL;', `${MYSQL_CHANGE}SOURCE_LOG_FILE='mysql-bin.000008', SOURCE_LOG_POS=5678;`, 'START REPLICA;'],
  },
  {
    name: 'mysql 8.0, gtid, cloned from the primary (RESET MASTER)',
    fixture: 'mysql-primary-gtid', flavor: 'mysql', version: '8.0', mode: 'gtid', hostname: 'mysql-1',
    sql: ['RESET REPLICA ALL;', 'RESET MASTER;', `SET GLOBAL gtid_purged='${G1}:1-25,${G2}:1-3';`, `${MYSQL_CHANGE}SOURCE_AUTO_POSITION=1;`, 'START REPLICA;'],
  },
  {
    name: 'mysql 8.4, gtid, cloned from the primary (RESET BINARY LOGS AND GTIDS)',
    fixture: 'mysql-primary-gtid', flavor: 'mysql', version: '8.4', mode: 'gtid', hostname: 'mysql-1',
    sql: ['RESET REPLICA ALL;', 'RESET BINARY LOGS AND GTIDS;', `SET GLOBAL gtid_purged='${G1}:1-25,${G2}:1-3';`, `${MYSQL_CHANGE}SOURCE_AUTO_POSITION=1;`, 'START REPLICA;'],
  },
  {
    name: 'mysql 8.4, gtid, cloned from a replica',
    fixture: 'mysql-replica-gtid', flavor: 'mysql', version: '8.4', mode: 'gtid', hostname: 'mysql-3',
    sql: ['RESET REPLICA ALL;', 'RESET BINARY LOGS AND GTIDS;', `SET GLOBAL gtid_purged='${G1}:1-30,${G2}:1-3';`, `${MYSQL_CHANGE}SOURCE_AUTO_POSITION=1;`, 'START REPLICA;'],
  },
  {
    name: 'mysql 8.4, gtid, primary had executed no GTIDs',
    fixture: 'mysql-primary-binlog', flavor: 'mysql', version: '8.4', mode: 'gtid', hostname: 'mysql-1',
    sql: ['RESET REPLICA ALL;', 'RESET BINARY LOGS AND GTIDS;', `${MYSQL_CHANGE}SOURCE_AUTO_POSITION=1;`, 'START REPLICA;'],
  },
  {
    name: 'mariadb 10.11, binlog, cloned from the primary',
    fixture: 'mariadb10-primary', flavor: 'mariadb', version: '10.11', mode: 'binlog', hostname: 'mysql-1',
    sql: ['RESET SLAVE ALL;', `${MARIADB_CHANGE}MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=2566;`, 'START SLAVE;'],
  },
  {
    name: 'mariadb 10.11, binlog, cloned from a replica',
    fixture: 'mariadb10-replica-binlog', flavor: 'mariadb', version: '10.11', mode: 'binlog', hostname: 'mysql-2',
    sql: ['RESET SLAVE ALL;', `${MARIADB_CHANGE}MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=2080;`, 'START SLAVE;'],
  },
  {
    name: 'mariadb 10.11, gtid, cloned from the primary',
    fixture: 'mariadb10-primary', flavor: 'mariadb', version: '10.11', mode: 'gtid', hostname: 'mysql-1',
    sql: ['RESET SLAVE ALL;', "SET GLOBAL gtid_slave_pos='0-100-15';", `${MARIADB_CHANGE}MASTER_USE_GTID=slave_pos;`, 'START SLAVE;'],
  },
  {
    name: 'mariadb 10.11, gtid, cloned from a GTID replica',
    fixture: 'mariadb10-replica-gtid', flavor: 'mariadb', version: '10.11', mode: 'gtid', hostname: 'mysql-2',
    sql: ['RESET SLAVE ALL;', "SET GLOBAL gtid_slave_pos='0-100-14';", `${MARIADB_CHANGE}MASTER_USE_GTID=slave_pos;`, 'START SLAVE;'],
  },
  {
    name: 'mariadb 10.11, gtid, cloned from a file/position replica (uses its binlog_info GTID)',
    fixture: 'mariadb10-replica-binlog', flavor: 'mariadb', version: '10.11', mode: 'gtid', hostname: 'mysql-2',
    sql: ['RESET SLAVE ALL;', "SET GLOBAL gtid_slave_pos='0-100-12';", `${MARIADB_CHANGE}MASTER_USE_GTID=slave_pos;`, 'START SLAVE;'],
  },
  {
    name: 'mariadb 11.4, gtid, cloned from the primary (mariadb_backup_* files)',
    fixture: 'mariadb11-primary', flavor: 'mariadb', version: '11.4', mode: 'gtid', hostname: 'mysql-1',
    sql: ['RESET SLAVE ALL;', "SET GLOBAL gtid_slave_pos='0-100-20';", `${MARIADB_CHANGE}MASTER_USE_GTID=slave_pos;`, 'START SLAVE;'],
  },
  {
    name: 'mariadb 11.4, binlog, cloned from the primary',
    fixture: 'mariadb11-primary', flavor: 'mariadb', version: '11.4', mode: 'binlog', hostname: 'mysql-1',
    sql: ['RESET SLAVE ALL;', `${MARIADB_CHANGE}MASTER_LOG_FILE='mariadb-bin.000002', MASTER_LOG_POS=345;`, 'START SLAVE;'],
  },
  {
    name: 'mariadb 11.4, gtid, cloned from a replica, multi-domain',
    fixture: 'mariadb11-replica-gtid', flavor: 'mariadb', version: '11.4', mode: 'gtid', hostname: 'mysql-2',
    sql: ['RESET SLAVE ALL;', "SET GLOBAL gtid_slave_pos='0-100-21,1-101-3';", `${MARIADB_CHANGE}MASTER_USE_GTID=slave_pos;`, 'START SLAVE;'],
  },
  {
    name: 'mariadb 11.4, binlog, cloned from a replica (stale xtrabackup_* files ignored)',
    fixture: 'mariadb11-replica-binlog', flavor: 'mariadb', version: '11.4', mode: 'binlog', hostname: 'mysql-2',
    sql: ['RESET SLAVE ALL;', `${MARIADB_CHANGE}MASTER_LOG_FILE='mariadb-bin.000002', MASTER_LOG_POS=777;`, 'START SLAVE;'],
  },
];

/** A data dir as a clone leaves it: mysql/ plus the fixture's info files. */
function clonedDataDir(fixture: string | undefined): string {
  const data = fixture === 'empty' ? mkdir(work, 'data') : path.dirname(mkdir(work, 'data', 'mysql'));
  if (fixture && fixture !== 'empty') {
    for (const f of fs.readdirSync(path.join(FIXTURES, fixture))) {
      fs.copyFileSync(path.join(FIXTURES, fixture, f), path.join(data, f));
    }
  }
  return data;
}

/** The backup sidecar's env on member 1 of a cluster of `options` (binlog position unless told otherwise). */
function sidecarEnv(dataDir: string, extra: Record<string, string> = {}, options: ClusterOptions = {}): Record<string, string> {
  return { ...envOf('backup', { mode: 'binlog', ...options }), HOSTNAME: 'mysql-1', DATA_DIR: dataDir, ...extra };
}

const sqlCalls = (r: RunResult) => r.calls.filter((c) => (c.tool === 'mysql' || c.tool === 'mariadb') && !c.argv.includes('-e'));

describe('sidecar.sh: replication SQL built from the backup info', () => {
  test.each(SQL_CASES)('$name', (c) => {
    const dataDir = clonedDataDir(c.fixture);
    const r = run('sidecar.sh', sidecarEnv(dataDir, { HOSTNAME: c.hostname }, { flavor: c.flavor, version: c.version, mode: c.mode }));
    expect(r.stderr).toContain('sidecar.sh: replication configured and started');
    expect(r.status).toBe(0);
    const client = c.flavor === 'mysql' ? 'mysql' : 'mariadb';
    const stop = c.flavor === 'mysql' ? 'STOP REPLICA;\n' : 'STOP SLAVE;\n';
    expect(sqlCalls(r).map((x) => [x.tool, x.stdin])).toEqual([
      [client, stop],
      [client, c.sql.join('\n') + '\n'],
    ]);
    expect(ls(dataDir)).toContain('change-source.done');
    expect(ls(dataDir)).not.toContain('change-source.in');
  });

  test.each([
    ['binlog mode with a GTID-only slave_info', 'mysql-replica-gtid', 'mysql', 'binlog', 'mysql-2', 'has no binary log file/position'],
    ['binlog mode, cloned from a replica without slave_info', 'mariadb10-primary', 'mariadb', 'binlog', 'mysql-2', 'the clone came from replica 1 but has no usable'],
    ['no backup info, no data', 'empty', 'mysql', 'gtid', 'mysql-1', 'no backup info in'],
  ])('refuses: %s', (_name, fixture, flavor, mode, hostname, message) => {
    const dataDir = clonedDataDir(fixture);
    const r = run('sidecar.sh', sidecarEnv(dataDir, { HOSTNAME: hostname! }, { flavor: flavor as 'mysql' | 'mariadb', mode: mode as 'gtid' | 'binlog' }));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
    expect(sqlCalls(r)).toEqual([]);
    expect(r.calls.filter((x) => x.tool === 'ncat')).toEqual([]);
  });
});

describe('sidecar.sh', () => {
  const listenCall = (r: RunResult) => r.calls.find((c) => c.tool === 'ncat');

  test('on the declared primary it checks it has no replication source, then only serves backups', () => {
    const dataDir = clonedDataDir(undefined);
    const r = run('sidecar.sh', sidecarEnv(dataDir, { HOSTNAME: 'mysql-0' }));
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => c.tool)).toEqual(['mysql', 'mysql', 'ncat']);
    expect(sqlCalls(r).map((c) => c.stdin)).toEqual(['SHOW REPLICA STATUS\n']);
    const argv = listenCall(r)!.argv;
    expect(argv.slice(0, 5)).toEqual(['--listen', '--keep-open', '--send-only', '--max-conns=1', '-c']);
    expect(argv.slice(6)).toEqual(['0.0.0.0', '3307']);
    const tmp = stubs.env.TMPDIR;
    const m = new RegExp(
      `^'xtrabackup' '--defaults-extra-file=(${tmp}/mysql-scripts\\.\\w+)/admin\\.cnf' '--backup' '--slave-info' '--stream=xbstream' ` +
        `'--host=127\\.0\\.0\\.1' '--port=3306' '--datadir=${dataDir}' '--target-dir=\\1/backup'$`,
    ).exec(argv[5]);
    expect(m).not.toBeNull();
    // The option file outlives the exec (ncat needs it): private and mode 600.
    const cnf = path.join(m![1], 'admin.cnf');
    expect((fs.statSync(cnf).mode & 0o777).toString(8)).toBe('600');
    expect((fs.statSync(m![1]).mode & 0o777).toString(8)).toBe('700');
    expect(fs.readFileSync(cnf, 'utf8')).toBe('[client]\nuser="root"\npassword="r00t\'pa\\"ss\\\\word"\n');
  });

  test('mariadb: listen address, ports and backup tool from env', () => {
    const dataDir = clonedDataDir(undefined);
    const r = run('sidecar.sh', sidecarEnv(dataDir, {
      HOSTNAME: 'mysql-0', CLONE_LISTEN_ADDRESS: '127.0.0.10', CLONE_PORT: '4307', MYSQL_HOST: '127.0.0.10', MYSQL_PORT: '3316',
    }, { flavor: 'mariadb' }));
    expect(r.status).toBe(0);
    const argv = listenCall(r)!.argv;
    expect(argv.slice(6)).toEqual(['127.0.0.10', '4307']);
    expect(argv[5]).toMatch(/^'mariadb-backup' '--defaults-extra-file=[^']+' '--backup' '--slave-info' '--stream=xbstream' '--host=127\.0\.0\.10' '--port=3316' /);
  });

  test('without ncat it execs perl serve-backup.pl with the address, port and backup argv (no shell, no password)', () => {
    const dataDir = clonedDataDir(undefined);
    const s = createStubEnv({ omit: ['ncat'] });
    try {
      const r = run('sidecar.sh', { ...s.env, ...sidecarEnv(dataDir, {
        HOSTNAME: 'mysql-0', CLONE_LISTEN_ADDRESS: '127.0.0.10', CLONE_PORT: '4307',
      }, { flavor: 'mariadb' }) }, [], s);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('sidecar.sh: serving backups on 127.0.0.10:4307 (ncat not found; using serve-backup.pl)');
      expect(r.calls.map((c) => c.tool)).toEqual(['mariadb', 'mariadb', 'perl']);
      const argv = call(r, 'perl').argv;
      expect(argv.slice(0, 3)).toEqual([path.join(SCRIPTS, 'serve-backup.pl'), '127.0.0.10', '4307']);
      const defaults = argv[4].replace(/^--defaults-extra-file=/, '');
      const priv = path.dirname(defaults);
      expect(priv).toMatch(new RegExp(`^${s.env.TMPDIR}/mysql-scripts\\.\\w+$`));
      expect(argv.slice(3)).toEqual([
        'mariadb-backup', `--defaults-extra-file=${priv}/admin.cnf`, '--backup', '--slave-info', '--stream=xbstream',
        '--host=127.0.0.1', '--port=3306', `--datadir=${dataDir}`, `--target-dir=${priv}/backup`,
      ]);
      expect((fs.statSync(defaults).mode & 0o777).toString(8)).toBe('600');
    } finally {
      s.cleanup();
    }
  });

  test('with neither ncat nor perl it fails naming both', () => {
    const dataDir = clonedDataDir(undefined);
    const s = createStubEnv({ omit: ['ncat', 'perl'] });
    try {
      const r = run('sidecar.sh', { ...s.env, ...sidecarEnv(dataDir, { HOSTNAME: 'mysql-0' }) }, [], s);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("sidecar.sh: ERROR: neither 'ncat' nor 'perl' found in PATH; one of them is needed to serve backups on 0.0.0.0:3307");
      expect(r.calls.map((c) => c.tool)).toEqual(['mysql', 'mysql']);
    } finally {
      s.cleanup();
    }
  });

  test('names a missing backup tool', () => {
    const dataDir = clonedDataDir(undefined);
    const s = createStubEnv({ omit: ['xtrabackup'] });
    try {
      const r = run('sidecar.sh', { ...s.env, ...sidecarEnv(dataDir, { HOSTNAME: 'mysql-0' }) }, [], s);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("sidecar.sh: ERROR: required tool 'xtrabackup' not found in PATH");
    } finally {
      s.cleanup();
    }
  });

  test('uses MEMBER_HOST_TEMPLATE, replicates from MYSQL_PORT (every member\'s) and connects to MYSQL_HOST:MYSQL_PORT with the option file first', () => {
    const dataDir = clonedDataDir('mariadb10-primary');
    const r = run('sidecar.sh', sidecarEnv(dataDir, {
      MEMBER_HOST_TEMPLATE: '127.0.0.1{ordinal}', MYSQL_HOST: '127.0.0.11', MYSQL_PORT: '3316', SOURCE_CONNECT_RETRY: '3',
    }, { flavor: 'mariadb', mode: 'gtid' }));
    expect(r.status).toBe(0);
    const [stop, change] = sqlCalls(r);
    expect(change.stdin).toContain(String.raw`CHANGE MASTER TO MASTER_HOST='127.0.0.10', MASTER_PORT=3316, MASTER_USER='replicator', MASTER_PASSWORD='repl''pw\\x', MASTER_CONNECT_RETRY=3, MASTER_USE_GTID=slave_pos;`);
    for (const c of [stop, change]) {
      expect(c.argv[0]).toMatch(/^--defaults-extra-file=/);
      expect(c.argv.slice(1)).toEqual(['--protocol=TCP', '--host=127.0.0.11', '--port=3316', '--batch']);
      expect(c.defaults!.mode).toBe('600');
      expect(c.defaults!.content).toBe('[client]\nuser="root"\npassword="r00t\'pa\\"ss\\\\word"\n');
    }
  });

  test('runs the setup only once; later starts only START REPLICA', () => {
    const dataDir = clonedDataDir('mysql-primary-binlog');
    const env = sidecarEnv(dataDir);
    const first = run('sidecar.sh', env);
    expect(first.status).toBe(0);
    expect(sqlCalls(first)).toHaveLength(2);
    expect(fs.readFileSync(path.join(dataDir, 'change-source.done'), 'utf8')).toBe(
      'from=xtrabackup_binlog_info\nfile=mysql-bin.000003\npos=1234\ngtid=\n',
    );
    const replicating = sqlReplies(work, [{ match: 'SHOW REPLICA STATUS', out: '*** 1. row ***\n   Source_Host: mysql-0.mysql\n' }]);
    const second = run('sidecar.sh', { ...env, STUB_SQL_REPLIES: replicating });
    expect(second.status).toBe(0);
    expect(second.stderr).toContain('replication was configured before');
    expect(sqlCalls(second).map((c) => c.stdin)).toEqual(['SHOW REPLICA STATUS\n', 'START REPLICA;\n']);
    expect(listenCall(second)).toBeDefined();
  });

  test('a replica whose source is not the declared primary moves it there (GTID), keeping its position', () => {
    const dataDir = clonedDataDir('mariadb10-primary');
    write(path.join(dataDir, 'change-source.done'), 'from=xtrabackup_binlog_info\n');
    const replies = sqlReplies(work, [{ match: 'SHOW SLAVE STATUS', out: '   Master_Host: mysql-0.mysql\n  Slave_IO_Running: Yes\n' }]);
    const r = run('sidecar.sh', sidecarEnv(dataDir, { STUB_SQL_REPLIES: replies, PRIMARY_ORDINAL: '2', SOURCE_CONNECT_RETRY: '3' }, { flavor: 'mariadb', mode: 'gtid' }));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('sidecar.sh: replicating from mysql-0.mysql, not from the declared primary mysql-2.mysql: moving the source there (GTID)');
    expect(sqlCalls(r).map((c) => c.stdin)).toEqual(['SHOW SLAVE STATUS\n', 'STOP SLAVE;\n'
      + String.raw`CHANGE MASTER TO MASTER_HOST='mysql-2.mysql', MASTER_PORT=3306, MASTER_USER='replicator', MASTER_PASSWORD='repl''pw\\x', MASTER_CONNECT_RETRY=3, MASTER_USE_GTID=slave_pos;`
      + '\nSTART SLAVE;\n']);
  });

  test('a former primary (data of its own, no clone, no source) follows the declared primary from its own GTID position', () => {
    const dataDir = clonedDataDir(undefined);
    const r = run('sidecar.sh', sidecarEnv(dataDir, { HOSTNAME: 'mysql-0', PRIMARY_ORDINAL: '1' }, { flavor: 'mariadb', mode: 'gtid' }));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('sidecar.sh: no replication source: following the declared primary mysql-1.mysql from its own GTID position');
    const sql = sqlCalls(r).map((c) => c.stdin);
    expect(sql[1]).toMatch(/^STOP SLAVE;\nSET GLOBAL gtid_slave_pos=@@GLOBAL\.gtid_binlog_pos;\nCHANGE MASTER TO MASTER_HOST='mysql-1\.mysql', .*MASTER_USE_GTID=slave_pos;\nSTART SLAVE;\n$/);
    // MySQL: auto-positioning needs no position.
    const my = run('sidecar.sh', sidecarEnv(dataDir, { HOSTNAME: 'mysql-0', PRIMARY_ORDINAL: '1' }, { mode: 'gtid' }));
    expect(sqlCalls(my).map((c) => c.stdin)[1]).toMatch(/^STOP REPLICA;\nCHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-1\.mysql', .*SOURCE_AUTO_POSITION=1;\nSTART REPLICA;\n$/);
    // Binary log coordinates do not carry over to another source.
    const binlog = run('sidecar.sh', sidecarEnv(dataDir, { HOSTNAME: 'mysql-0', PRIMARY_ORDINAL: '1' }));
    expect(binlog.status).not.toBe(0);
    expect(binlog.stderr).toContain("sidecar.sh: ERROR: the server replicates from 'nowhere', not from the declared primary mysql-1.mysql; REPLICATION_MODE=binlog cannot move it");
    expect(listenCall(binlog)).toBeUndefined();
  });

  test('the declared primary that still has a replication source stays read-only (the switchover Job promotes it)', () => {
    const dataDir = clonedDataDir('mysql-primary-binlog');
    const replies = sqlReplies(work, [{ match: 'SHOW REPLICA STATUS', out: '   Source_Host: mysql-0.mysql\n' }]);
    const r = run('sidecar.sh', sidecarEnv(dataDir, { STUB_SQL_REPLIES: replies, PRIMARY_ORDINAL: '1' }, { mode: 'gtid' }));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('declared primary but still replicating from mysql-0.mysql: kept read-only until the switchover Job promotes it');
    expect(sqlCalls(r).map((c) => c.stdin)).toEqual(['SHOW REPLICA STATUS\n', 'SET GLOBAL super_read_only=ON;\n']);
    expect(listenCall(r)).toBeDefined();
  });

  test('refuses a replication password with a newline (MariaDB stores it one value per line)', () => {
    const dataDir = clonedDataDir('mysql-primary-binlog');
    const r = run('sidecar.sh', sidecarEnv(dataDir, { REPLICATION_PASSWORD: 'secret\n' }));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('REPLICATION_PASSWORD contains a newline');
    expect(sqlCalls(r)).toEqual([]);
  });

  test('a failed CHANGE keeps the pending coordinates and is retried on the next start', () => {
    const dataDir = clonedDataDir('mariadb10-replica-binlog');
    const env = sidecarEnv(dataDir, { HOSTNAME: 'mysql-2' }, { flavor: 'mariadb' });
    const failed = run('sidecar.sh', { ...env, STUB_SQL_FAIL: 'CHANGE MASTER' });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('sidecar.sh: ERROR: configuring replication failed');
    expect(ls(dataDir)).toContain('change-source.in');
    expect(ls(dataDir)).not.toContain('change-source.done');
    expect(failed.calls.filter((c) => c.tool === 'ncat')).toEqual([]);
    // The backup info is gone now: the retry must use change-source.in.
    fs.rmSync(path.join(dataDir, 'xtrabackup_slave_info'));
    const retried = run('sidecar.sh', env);
    expect(retried.status).toBe(0);
    expect(sqlCalls(retried)[1].stdin).toContain("MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=2080;");
    expect(ls(dataDir)).toContain('change-source.done');
  });

  test('a failing STOP is ignored', () => {
    const dataDir = clonedDataDir('mysql-primary-binlog');
    const r = run('sidecar.sh', sidecarEnv(dataDir, { STUB_SQL_FAIL: 'STOP REPLICA' }));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('STOP REPLICA; failed (ignored)');
  });

  test('waits for the local server, logging, then proceeds', () => {
    const dataDir = clonedDataDir('mysql-primary-binlog');
    const r = run('sidecar.sh', sidecarEnv(dataDir, { STUB_SERVER_DOWN_CALLS: '7', LOG_EVERY_SECONDS: '5' }));
    expect(r.status).toBe(0);
    const waiting = r.stderr.split('\n').filter((l) => l.startsWith('sidecar.sh: waiting for the local server at 127.0.0.1:3306'));
    expect(waiting).toHaveLength(2);
    expect(waiting[0]).toContain("Can't connect to server (stub)");
    const probe = r.calls.find((c) => c.argv.includes('-e'))!;
    expect(probe.argv.slice(1)).toEqual(['--protocol=TCP', '--host=127.0.0.1', '--port=3306', '--connect-timeout=5', '--batch', '--skip-column-names', '-e', 'SELECT 1']);
  });

  test('gives up when the local server never answers within MYSQL_WAIT_SECONDS', () => {
    const dataDir = clonedDataDir('mysql-primary-binlog');
    const r = run('sidecar.sh', sidecarEnv(dataDir, { STUB_SERVER_DOWN: '1', MYSQL_WAIT_SECONDS: '4' }));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('sidecar.sh: ERROR: the local server at 127.0.0.1:3306 did not answer within 4s');
    expect(sqlCalls(r)).toEqual([]);
    expect(ls(dataDir)).toContain('change-source.in');
  });

  test.each([
    ['MYSQL_ROOT_PASSWORD', 'mysql-0'],
    ['REPLICATION_PASSWORD', 'mysql-1'],
  ])('fails clearly when %s is empty', (name, hostname) => {
    const dataDir = clonedDataDir('mysql-primary-binlog');
    const r = run('sidecar.sh', sidecarEnv(dataDir, { HOSTNAME: hostname, [name]: '' }));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`sidecar.sh: ERROR: environment variable ${name} must be set and non-empty`);
    expect(r.calls).toEqual([]);
  });

  test('rejects an unknown flavor or mode', () => {
    const dataDir = clonedDataDir(undefined);
    const bad = run('sidecar.sh', sidecarEnv(dataDir, { MYSQL_FLAVOR: 'postgres' }));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("MYSQL_FLAVOR must be 'mysql' or 'mariadb', got 'postgres'");
    const badMode = run('sidecar.sh', sidecarEnv(dataDir, { REPLICATION_MODE: 'semisync' }));
    expect(badMode.status).not.toBe(0);
    expect(badMode.stderr).toContain("REPLICATION_MODE must be 'gtid' or 'binlog'");
  });
});

// ---------------------------------------------------------------------------
describe('serve-backup.pl (real perl)', () => {
  const script = path.join(SCRIPTS, 'serve-backup.pl');
  const PERL = spawnSync('bash', ['-c', 'command -v perl'], { encoding: 'utf8' }).stdout.trim();

  const freePort = async (): Promise<number> => {
    const server = await serveOnce(Buffer.alloc(0));
    await server.close();
    return server.port;
  };
  const fetch = (port: number) => new Promise<string>((resolve, reject) => {
    let data = '';
    const socket = net.connect(port, '127.0.0.1');
    socket.on('data', (d) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
  });

  test('passes perl -c', () => {
    const r = spawnSync(PERL, ['-c', script], { encoding: 'utf8' });
    expect(r.stderr.trim()).toBe(`${script} syntax OK`);
    expect(r.status).toBe(0);
  });

  test('runs the command (argv as given, no shell) for each connection, one at a time, logging one line each', async () => {
    const port = await freePort();
    const child = spawn(PERL, [script, '127.0.0.1', String(port), 'printf', '%s|', 'a b', '$(id)'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      let first = '';
      for (let i = 0; i < 50 && first === ''; i++) {
        first = await fetch(port).catch(() => '');
        if (first === '') await new Promise((r) => setTimeout(r, 100));
      }
      expect(first).toBe('a b|$(id)|');
      expect(await Promise.all([fetch(port), fetch(port)])).toEqual(['a b|$(id)|', 'a b|$(id)|']);
      // The line is logged once the command has exited, just after the peer saw the connection close.
      const logged = () => stderr.split('\n').filter((l) => /^serve-backup\.pl: sent a backup to 127\.0\.0\.1:\d+ \(printf exit status 0\)$/.test(l));
      for (let i = 0; i < 50 && logged().length < 3; i++) await new Promise((r) => setTimeout(r, 100));
      expect(logged()).toHaveLength(3);
      expect(stderr.split('\n').filter((l) => l !== '')).toHaveLength(3);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('SIGTERM stops it at once (exit 0), with the backup it is sending: as PID 1 of the sidecar it gets no default action', async () => {
    const port = await freePort();
    const child = spawn(PERL, [script, '127.0.0.1', String(port), 'sleep', '30'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const sleeper = () => spawnSync('pgrep', ['-P', String(child.pid), '-x', 'sleep'], { encoding: 'utf8' }).stdout.trim();
    let socket: net.Socket | undefined;
    try {
      for (let i = 0; i < 50 && !sleeper(); i++) {
        if (!socket || socket.destroyed) {
          socket = net.connect(port, '127.0.0.1');
          socket.on('error', () => undefined);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const backup = sleeper();
      expect(backup).toMatch(/^\d+$/);
      const start = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - start).toBeLessThan(5000);
      expect(stderr).toContain('serve-backup.pl: stopping on SIGTERM');
      // The backup command got the TERM too (a zombie, reaped by PID 1 in a container, is gone from ps -o stat= as Z or absent).
      let state = '';
      for (let i = 0; i < 50; i++) {
        state = spawnSync('ps', ['-o', 'stat=', '-p', backup], { encoding: 'utf8' }).stdout.trim();
        if (state === '' || state.startsWith('Z')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(state === '' || state.startsWith('Z')).toBe(true);
    } finally {
      socket?.destroy();
      child.kill('SIGKILL');
    }
  });

  test('exits non-zero with a clear message when it cannot listen', async () => {
    const busy = await serveOnce(Buffer.alloc(0));
    try {
      const r = spawnSync(PERL, [script, '127.0.0.1', String(busy.port), 'true'], { encoding: 'utf8', timeout: 10000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`serve-backup.pl: ERROR: cannot listen on 127.0.0.1:${busy.port}`);
    } finally {
      await busy.close();
    }
  });
});

// ---------------------------------------------------------------------------
describe('probe.sh', () => {
  const env = (extra: Record<string, string> = {}, options: ClusterOptions = {}) =>
    ({ ...envOf(options.flavor ?? 'mysql', options), ...extra });

  test('alive pings over TCP with a private option file, removed afterwards', () => {
    const r = run('probe.sh', env(), ['alive']);
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(1);
    const [c] = r.calls;
    expect(c.tool).toBe('mysqladmin');
    expect(c.argv[0]).toMatch(/^--defaults-extra-file=.*\/mysql-scripts\.\w+\/admin\.cnf$/);
    expect(c.argv.slice(1)).toEqual(['--protocol=TCP', '--host=127.0.0.1', '--port=3306', '--connect-timeout=2', 'ping']);
    expect(c.defaults).toEqual({ mode: '600', content: '[client]\nuser="root"\npassword="r00t\'pa\\"ss\\\\word"\n' });
    expect(ls(stubs.env.TMPDIR)).toEqual([]);
  });

  test('ready runs SELECT 1 (mariadb client, custom host/port/timeout)', () => {
    const r = run('probe.sh', env({ MYSQL_HOST: '127.0.0.12', MYSQL_PORT: '3400', CONNECT_TIMEOUT: '3' }, { flavor: 'mariadb' }), ['ready']);
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => [c.tool, ...c.argv.slice(1)])).toEqual([
      ['mariadb', '--protocol=TCP', '--host=127.0.0.12', '--port=3400', '--connect-timeout=3', '--batch', '--skip-column-names', '-e', 'SELECT 1'],
    ]);
    expect(ls(stubs.env.TMPDIR)).toEqual([]);
  });

  test('fails when the server does not answer', () => {
    expect(run('probe.sh', env({ STUB_SERVER_DOWN: '1' }), ['ready']).stderr).toContain('probe.sh: ERROR: 127.0.0.1:3306 does not answer SELECT 1');
    const alive = run('probe.sh', env({ STUB_ADMIN_FAIL: '1' }, { flavor: 'mariadb' }), ['alive']);
    expect(alive.status).not.toBe(0);
    expect(alive.calls[0].tool).toBe('mariadb-admin');
    expect(ls(stubs.env.TMPDIR)).toEqual([]);
  });

  test('rejects a bad mode and a missing password', () => {
    const bad = run('probe.sh', env(), ['healthy']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('usage: probe.sh alive|ready');
    const noPw = run('probe.sh', without(env(), 'MYSQL_ROOT_PASSWORD'), ['alive']);
    expect(noPw.status).not.toBe(0);
    expect(noPw.stderr).toContain('environment variable MYSQL_ROOT_PASSWORD must be set and non-empty');
    expect(noPw.calls).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
describe('create-users.sh', () => {
  const SQL = [
    'SET SESSION sql_log_bin=0;',
    String.raw`CREATE USER IF NOT EXISTS 'replicator'@'%' IDENTIFIED BY 'repl''pw\\x';`,
    String.raw`ALTER USER 'replicator'@'%' IDENTIFIED BY 'repl''pw\\x';`,
    "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'replicator'@'%';",
  ].join('\n') + '\n';

  test('executed: connects with the root option file and creates the user', () => {
    const r = run('create-users.sh', { ...envOf('mariadb', { flavor: 'mariadb' }), MYSQL_HOST: '127.0.0.10' });
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(1);
    const [c] = r.calls;
    expect(c.tool).toBe('mariadb');
    expect(c.argv.slice(1)).toEqual(['--protocol=TCP', '--host=127.0.0.10', '--port=3306', '--batch']);
    expect(c.defaults).toEqual({ mode: '600', content: '[client]\nuser="root"\npassword="r00t\'pa\\"ss\\\\word"\n' });
    expect(c.stdin).toBe(SQL);
    expect(ls(stubs.env.TMPDIR)).toEqual([]);
  });

  test('executed: MYSQL_SOCKET, and the REPLICATION_USER given', () => {
    const r = run('create-users.sh', { ...envOf('mysql'), MYSQL_SOCKET: '/run/mysqld/mysqld.sock', REPLICATION_USER: 'rep' });
    expect(r.status).toBe(0);
    expect(r.calls[0].tool).toBe('mysql');
    expect(r.calls[0].argv.slice(1)).toEqual(['--protocol=SOCKET', '--host=localhost', '--socket=/run/mysqld/mysqld.sock', '--batch']);
    expect(r.calls[0].stdin).toContain("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'rep'@'%';");
  });

  test('executed: with EXPORTER_USER, also a metrics user with only PROCESS, REPLICATION CLIENT (MariaDB: BINLOG and SLAVE MONITOR), SELECT from 127.0.0.1', () => {
    const env = envOf('mysql', { exporter: true }, { EXPORTER_PASSWORD: "ex'p" });
    expect(env.EXPORTER_USER).toBe('exporter');
    const r = run('create-users.sh', env);
    expect(r.status).toBe(0);
    expect(r.calls[0].stdin).toBe(SQL + [
      "CREATE USER IF NOT EXISTS 'exporter'@'127.0.0.1' IDENTIFIED BY 'ex''p';",
      "ALTER USER 'exporter'@'127.0.0.1' IDENTIFIED BY 'ex''p';",
      "GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'exporter'@'127.0.0.1';",
    ].join('\n') + '\n');
    // MariaDB's REPLICATION CLIENT (BINLOG MONITOR) does not show the replica status the exporter reads.
    const mariadb = run('create-users.sh', envOf('mariadb', { exporter: true, flavor: 'mariadb' }, { EXPORTER_PASSWORD: 'x' }));
    expect(mariadb.calls[0].stdin).toContain("GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR, SELECT ON *.* TO 'exporter'@'127.0.0.1';");
    const missing = run('create-users.sh', without(env, 'EXPORTER_PASSWORD'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toBe('create-users.sh: ERROR: environment variable EXPORTER_PASSWORD must be set and non-empty (EXPORTER_USER is set)\n');
  });

  test('executed: fails clearly without passwords', () => {
    const r = run('create-users.sh', without(envOf('mysql'), 'REPLICATION_PASSWORD'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('create-users.sh: ERROR: environment variable REPLICATION_PASSWORD must be set and non-empty');
    const r2 = run('create-users.sh', without(envOf('mysql'), 'MYSQL_ROOT_PASSWORD'));
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toContain('MYSQL_ROOT_PASSWORD must be set');
    expect([...r.calls, ...r2.calls]).toEqual([]);
  });

  /** Source the script the way the image entrypoints do (set -eo pipefail, docker_process_sql defined). */
  function sourceLikeEntrypoint(env: Record<string, string>, tail = '') {
    const sqlFile = path.join(work, 'processed.sql');
    const wrapper = [
      'set -eo pipefail',
      'shopt -s nullglob',
      `docker_process_sql() { if [ '--dont-use-mysql-root-password' = "$1" ]; then shift; fi; cat > ${JSON.stringify(sqlFile)}; }`,
      'before_opts=$-',
      `. ${JSON.stringify(path.join(SCRIPTS, 'create-users.sh'))}`,
      'echo "opts=$before_opts/$-"',
      'trap -p EXIT | sed "s/^/trap:/"',
      'declare -F | sed "s/^declare -f /fn:/"',
      tail,
      'echo entrypoint-continued',
    ].join('\n');
    const r = spawnSync(BASH, ['-c', wrapper], { env: { ...stubs.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ...r, sql: fs.existsSync(sqlFile) ? fs.readFileSync(sqlFile, 'utf8') : undefined };
  }

  test('sourced: uses docker_process_sql and leaks nothing into the entrypoint', () => {
    const r = sourceLikeEntrypoint(envOf('mysql'));
    expect(r.stderr).toContain('create-users.sh: creating replication user replicator@% (via the image entrypoint)');
    expect(r.status).toBe(0);
    expect(r.sql).toBe(SQL);
    const out = r.stdout.split('\n');
    const opts = out.find((l) => l.startsWith('opts='))!.slice(5).split('/');
    expect(opts[1]).toBe(opts[0]); // no set -u / -x etc. leaked
    expect(out.filter((l) => l.startsWith('trap:'))).toEqual([]);
    expect(out.filter((l) => l.startsWith('fn:')).sort()).toEqual(['fn:_mysql_replication_create_users', 'fn:docker_process_sql']);
    expect(out).toContain('entrypoint-continued');
    expect(stubs.calls()).toEqual([]);
  });

  test('sourced: a missing password stops the entrypoint (set -e) with a clear message', () => {
    const r = sourceLikeEntrypoint(without(envOf('mysql'), 'REPLICATION_PASSWORD'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('create-users.sh: ERROR: environment variable REPLICATION_PASSWORD must be set and non-empty');
    expect(r.stdout).not.toContain('entrypoint-continued');
    expect(r.sql).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------
// The MariaDB branch runs against real servers (test/switchover-e2e.test.ts); here the MySQL GTID branch, with
// canned answers of the stub client per member host.
describe('switchover.sh: MySQL GTID statements', () => {
  const host = (n: number) => `mysql-${n}.mysql`;
  const status = (source: string) => `*** 1. row ***\n   Source_Host: ${source}\n   Replica_IO_Running: Yes\n   Replica_SQL_Running: Yes\n`;
  const env = (replies: SqlReply[]) => ({ ...switchoverEnv({}, SECRET_VALUES), STUB_SQL_REPLIES: sqlReplies(work, replies), CATCH_UP_SECONDS: '7' });
  const cluster = (waitResult: string): SqlReply[] => [
    { match: 'SHOW REPLICA STATUS', host: host(1), out: status(host(0)) },
    { match: 'SHOW REPLICA STATUS', host: host(2), out: status(host(0)) },
    { match: 'information_schema.PROCESSLIST', host: host(0), out: '42\n43\n' },
    { match: 'gtid_executed', host: host(0), out: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10\n' },
    { match: 'WAIT_FOR_EXECUTED_GTID_SET', host: host(1), out: `${waitResult}\n` },
    { match: '@@GLOBAL.read_only', host: host(0), out: '1\n' },
  ];
  /** [member, SQL] of every statement sent on stdin, connection checks (SELECT 1) and status reads left out. */
  const statements = (r: RunResult) => sqlCalls(r)
    .map((c) => [c.argv.find((a) => a.startsWith('--host='))!.slice('--host='.length).replace(/^mysql-(\d)\.mysql$/, '$1'), c.stdin.trim()])
    .filter(([, sql]) => sql !== 'SELECT 1' && sql !== 'SHOW REPLICA STATUS');

  test('demotes with super_read_only and closes the clients, waits for the GTID set, promotes, points both others at the target', () => {
    const r = run('switchover.sh', env(cluster('0')));
    expect(r.stderr).toContain('switchover.sh: switchover complete: member 1 is the primary');
    expect(r.status).toBe(0);
    const change = String.raw`CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-1.mysql', SOURCE_PORT=3306, SOURCE_USER='replicator', SOURCE_PASSWORD='repl''pw\\x', SOURCE_CONNECT_RETRY=10, GET_SOURCE_PUBLIC_KEY=1, SOURCE_AUTO_POSITION=1;`;
    expect(statements(r)).toEqual([
      ['0', 'SET GLOBAL super_read_only=ON;'],
      ['0', expect.stringMatching(/^SELECT ID FROM information_schema\.PROCESSLIST WHERE ID <> CONNECTION_ID\(\)\s+AND USER NOT IN \('root', 'system user', 'event_scheduler', 'replicator'\)/)],
      ['0', 'KILL CONNECTION 42'],
      ['0', 'KILL CONNECTION 43'],
      ['0', 'SELECT @@GLOBAL.gtid_executed'],
      ['1', "SELECT WAIT_FOR_EXECUTED_GTID_SET('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10', 7)"],
      ['1', 'STOP REPLICA; RESET REPLICA ALL;'],
      ['1', 'SET GLOBAL super_read_only=OFF; SET GLOBAL read_only=OFF;'],
      // The old primary: read-only already, its GTIDs all on the target, then auto-positioned.
      ['0', 'SELECT @@GLOBAL.read_only'],
      ['0', 'SELECT @@GLOBAL.gtid_executed'],
      ['1', "SELECT WAIT_FOR_EXECUTED_GTID_SET('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10', 1)"],
      ['0', `STOP REPLICA;\n${change}\nSTART REPLICA;`],
      ['2', `STOP REPLICA;\n${change}\nSTART REPLICA;`],
    ]);
  });

  test('a target that does not catch up: the old primary is writable again, the target is not promoted', () => {
    const r = run('switchover.sh', env(cluster('1')));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('switchover.sh: ERROR: member 1 did not apply every transaction of member 0 within 7s: switchover abandoned');
    const sql = statements(r);
    expect(sql.slice(-2)).toEqual([
      ['1', "SELECT WAIT_FOR_EXECUTED_GTID_SET('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10', 7)"],
      ['0', 'SET GLOBAL super_read_only=OFF; SET GLOBAL read_only=OFF;'],
    ]);
    expect(sql.map(([, s]) => s)).not.toContain('STOP REPLICA; RESET REPLICA ALL;');
  });

  test('a Job left from an earlier change (its target no longer the declared primary) does nothing', () => {
    const r = run('switchover.sh', { ...env(cluster('0')), PRIMARY_ORDINAL: '0' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("switchover.sh: the declared primary is member 0, not this Job's target 1 (a Job left from an earlier change): nothing to do");
    expect(sqlCalls(r)).toEqual([]);
  });

  test('a target whose replication threads are not both running is refused before anything is changed', () => {
    const stopped = `*** 1. row ***\n   Source_Host: ${host(0)}\n   Replica_IO_Running: Yes\n   Replica_SQL_Running: No\n   Last_SQL_Error: Duplicate entry\n`;
    const r = run('switchover.sh', env([{ match: 'SHOW REPLICA STATUS', host: host(1), out: stopped }, ...cluster('0')]));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('switchover.sh: ERROR: member 1 is not a healthy replica (Replica_IO_Running: Yes, Replica_SQL_Running: No; last error: Duplicate entry): refusing to switch; the primary is unchanged');
    expect(statements(r)).toEqual([]);
  });
});

describe('credentials', () => {
  test('no password ever appeared in any recorded command line', () => {
    // Runs of its own, so the check means something when run alone too.
    const dataDir = clonedDataDir('mariadb10-replica-gtid');
    const options: ClusterOptions = { flavor: 'mariadb', mode: 'gtid' };
    expect(run('sidecar.sh', sidecarEnv(dataDir, { HOSTNAME: 'mysql-2' }, options)).status).toBe(0);
    const database = { ...envOf('mariadb', options), HOSTNAME: 'mysql-2' };
    expect(run('probe.sh', database, ['ready']).status).toBe(0);
    expect(run('create-users.sh', database).status).toBe(0);
    expect(leakedSecrets(allCalls)).toEqual([]);
    // ...but they did reach the tools, through option files and SQL on stdin.
    expect(allCalls.some((c) => c.defaults?.content.includes('password="r00t\'pa\\"ss\\\\word"'))).toBe(true);
    expect(allCalls.some((c) => c.stdin.includes("'repl''pw\\\\x'"))).toBe(true);
  });
});

// ---------------------------------------------------------------------------
describe('shellcheck', () => {
  test('every shell script of the repository (lib/, the cluster harness and images, test setup) is shellcheck-clean (with -x)', () => {
    const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) {
      throw new Error('shellcheck is not installed (apt-get install shellcheck); it is required for this test');
    }
    const root = path.resolve(__dirname, '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.sh')) files.push(path.relative(root, p));
      }
    };
    for (const dir of ['lib', 'test/cluster', 'test/setup', 'test/fixtures']) walk(path.join(root, dir));
    expect(files).toEqual(expect.arrayContaining(['lib/mysql/scripts/common.sh', 'lib/mysql/scripts/sidecar.sh',
      'test/cluster/cluster.sh', 'test/cluster/images/hook.sh', 'test/cluster/images/mariadb/customize.sh']));
    const r = spawnSync('shellcheck', ['-x', ...files], { cwd: root, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
