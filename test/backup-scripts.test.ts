/**
 * Unit tests for the backup scripts (lib/mysql/backup/scripts), run as the scripts ConfigMap
 * mounts them (beside lib/mysql/scripts/common.sh), with the env the construct gives their
 * containers (test/support/mysql-env.ts: read from a synthesized cluster `db`), and stub database tools
 * (test/support/stub-tools.ts); perl, sha256sum and curl are the real ones (in CI a missing one fails
 * every test, test/support/tools.ts), and s3.sh talks to a real s3rver on loopback. The real-server
 * proof is test/backup-e2e.test.ts.
 */
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClusterOptions, jobEnv, memberEnv, without } from './support/mysql-env';
import { BASH, createStubEnv, StubCall, StubEnv } from './support/stub-tools';
import { findTool } from './support/tools';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver: new (options: object) => { run(): Promise<{ port: number }>; close(): Promise<void> } = require('s3rver');

const LIB = path.resolve(__dirname, '..', 'lib', 'mysql');
const EXTRA_TOOLS = ['sha256sum', 'sort', 'cut', 'tail', 'date', 'perl', 'curl'];

/** A MariaDB cluster `db` with backups, a drill and bootstrapFrom on a PVC (or, for s3.sh, in S3). */
const CLUSTER: ClusterOptions = { name: 'db', flavor: 'mariadb', backups: 'pvc' };

let stubs: StubEnv;
let scripts: string;
let work: string;

/** A scripts mount: the replication scripts and the backup scripts in one directory, as in the ConfigMap. */
function scriptsDir(root: string): string {
  const dir = path.join(root, 'scripts');
  fs.mkdirSync(dir);
  for (const d of [path.join(LIB, 'scripts'), path.join(LIB, 'backup', 'scripts')]) {
    for (const f of fs.readdirSync(d).filter((x) => /\.(sh|pl)$/.test(x))) fs.copyFileSync(path.join(d, f), path.join(dir, f));
  }
  return dir;
}

/** Replace stubs or add real tools the backup scripts need (perl must parse real streams); outside CI a missing one keeps its stub. */
function addRealTools(s: StubEnv, tools: string[]): void {
  for (const tool of tools) {
    const found = findTool(tool);
    if (!found) continue;
    fs.rmSync(path.join(s.bin, tool), { force: true });
    fs.symlinkSync(found, path.join(s.bin, tool));
  }
}

beforeEach(() => {
  stubs = createStubEnv();
  addRealTools(stubs, EXTRA_TOOLS);
  scripts = scriptsDir(stubs.root);
  work = stubs.root;
});
afterEach(() => stubs.cleanup());

interface RunResult { status: number | null; stdout: string; stderr: string; calls: StubCall[] }

function run(script: string, env: Record<string, string>, args: string[] = []): RunResult {
  const before = stubs.calls().length;
  const r = spawnSync(BASH, [path.join(scripts, script), ...args], { env: { ...stubs.env, ...env }, encoding: 'utf8', timeout: 20000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: stubs.calls().slice(before) };
}

/** Like `run`, without blocking the event loop (s3rver runs in this process). */
async function runAsync(script: string, env: Record<string, string>, args: string[] = []): Promise<RunResult> {
  const before = stubs.calls().length;
  const child = spawn(BASH, [path.join(scripts, script), ...args], { env: { ...stubs.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve)).finally(() => clearTimeout(timer));
  return { status, stdout, stderr, calls: stubs.calls().slice(before) };
}

/** An xbstream (the format mariadb-backup writes) holding `files`; a file listed in `unfinished` gets no end chunk. */
function xbstream(files: Record<string, string>, unfinished: string[] = []): Buffer {
  const parts: Buffer[] = [];
  const header = (type: string, name: string) => {
    const p = Buffer.from(name);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(p.length);
    return Buffer.concat([Buffer.from('XBSTCK01'), Buffer.from([0]), Buffer.from(type), len, p]);
  };
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const nums = Buffer.alloc(20);
    nums.writeBigUInt64LE(BigInt(data.length), 0);
    nums.writeBigUInt64LE(0n, 8);
    parts.push(header('P', name), nums, data);
    if (!unfinished.includes(name)) parts.push(header('E', name));
  }
  return Buffer.concat(parts);
}

const INFO = {
  xtrabackup_checkpoints: 'backup_type = full-backuped\nfrom_lsn = 0\n',
  xtrabackup_info: 'tool_version = 10.11.19-MariaDB\nserver_version = 10.11.19-MariaDB-0+deb12u1-log\n',
  xtrabackup_binlog_info: 'mysql-bin.000002\t342\t0-100-57\n',
  xtrabackup_slave_info: "SET GLOBAL gtid_slave_pos = '0-100-57';\nCHANGE MASTER TO master_use_gtid = slave_pos\n",
  'ibdata1': 'x'.repeat(5000),
};

function writeFile(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Puts an executable script `name` into the stubs' bin, replacing (never writing through) a symlink there. */
function writeTool(name: string, content: string): void {
  const file = path.join(stubs.bin, name);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, content, { mode: 0o755 });
}

const ls = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
const manifestOf = (file: string) => Object.fromEntries(fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

/** A good backup `name` in `repo` whose stream is `stream` (a tar for the stub mbstream), with a correct or given manifest. */
function fakeBackup(repo: string, name: string, stream: Buffer, manifest: Record<string, string> = {}): void {
  const dir = path.join(repo, name);
  writeFile(path.join(dir, 'backup.xbstream'), stream);
  const m = {
    format: '1', name, engine: 'mariadb', server_version: '11.4.8-MariaDB-ubu2404-log', tool_version: '11.4.8-MariaDB', created: '2026-01-01T03:00:00Z',
    source_host: 'db-2.db', size: String(stream.length), sha256: crypto.createHash('sha256').update(stream).digest('hex'),
    binlog_file: 'mysql-bin.000002', binlog_position: '342', gtid: '0-100-57', ...manifest,
  };
  writeFile(path.join(dir, 'manifest'), Object.entries(m).map(([k, v]) => `${k}=${v}\n`).join(''));
}

/** A tar of a prepared-looking data dir (the stub mbstream untars). */
function tarStream(files: Record<string, string>): Buffer {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-src-'));
  try {
    for (const [f, c] of Object.entries(files)) writeFile(path.join(src, f), c);
    return spawnSync('tar', ['-cf', '-', '-C', src, '.'], { maxBuffer: 1 << 24 }).stdout;
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
describe('backup.sh', () => {
  let repo: string;
  let streamFile: string;
  const env = (extra: Record<string, string> = {}) => ({
    ...jobEnv('backup', 'backup', { ...CLUSTER, version: '10.11' }),
    BACKUP_REPO_DIR: repo, RETENTION_COUNT: '2', STUB_NCAT_MODE: 'stream', STUB_NCAT_STREAM: streamFile, ...extra,
  });
  beforeEach(() => {
    repo = path.join(work, 'nfs', 'db');
    streamFile = path.join(work, 'stream.xb');
    fs.writeFileSync(streamFile, xbstream(INFO));
  });

  test('receives the stream from the source sidecar, copies the info files out, writes the manifest and publishes it', () => {
    const r = run('backup.sh', env());
    expect(r.stderr).toContain('backup.sh: backup db-');
    expect(r.status).toBe(0);
    const name = r.stdout.trim();
    expect(name).toMatch(/^db-\d{8}T\d{6}Z$/);
    expect(ls(repo)).toEqual([name]);
    expect(ls(path.join(repo, name))).toEqual(['backup.xbstream', 'manifest', 'xtrabackup_binlog_info', 'xtrabackup_checkpoints', 'xtrabackup_info', 'xtrabackup_slave_info']);
    const ncat = r.calls.filter((c) => c.tool === 'ncat');
    expect(ncat.map((c) => c.argv)).toEqual([['--recv-only', '-w', '10', 'db-2.db', '3307']]);
    const stream = fs.readFileSync(streamFile);
    expect(manifestOf(path.join(repo, name, 'manifest'))).toEqual({
      format: '1', name, engine: 'mariadb', server_version: '10.11.19-MariaDB-0+deb12u1-log', tool_version: '10.11.19-MariaDB',
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), source_host: 'db-2.db', size: String(stream.length),
      sha256: crypto.createHash('sha256').update(stream).digest('hex'), binlog_file: 'mysql-bin.000002', binlog_position: '342', gtid: '0-100-57',
      source_binlog_file: '', source_binlog_position: '', source_gtid: '0-100-57',
    });
  });

  test('retention by count: the oldest go; other clusters\' backups and a run cut short are handled', () => {
    for (const n of ['db-20200101T030000Z', 'db-20200102T030000Z', 'db-20200103T030000Z', 'other-20200101T030000Z']) fakeBackup(repo, n, Buffer.from('x'));
    fs.mkdirSync(path.join(repo, '.incoming-db-20200104T030000Z'));
    const r = run('backup.sh', env());
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('removing ' + path.join(repo, '.incoming-db-20200104T030000Z') + ', left by a run that was cut short');
    expect(ls(repo)).toEqual(['db-20200103T030000Z', r.stdout.trim(), 'other-20200101T030000Z'].sort());
    expect(r.stderr).toMatch(/retention: deleting db-20200101T030000Z\n.*retention: deleting db-20200102T030000Z/);
  });

  test('retention killed at each deletion in turn: never a manifest without its complete stream, and the next run recovers', () => {
    const fixtures = ['db-20200101T030000Z', 'db-20200102T030000Z', 'db-20200103T030000Z'];
    const realRm = findTool('rm')!;
    const realDate = findTool('date')!;
    // rm, killing backup.sh at its call number CRASH_AT: a recursive delete dies after its first file (the stream, the
    // worst order a directory listing may give), any other rm after doing its work.
    writeTool('rm', `#!${BASH}
n=$(( $(cat "$CRASH_STATE" 2>/dev/null || echo 0) + 1 ))
printf '%s' "$n" >"$CRASH_STATE"
if (( n == CRASH_AT )); then
  for a in "$@"; do [[ -d "$a" ]] && { ${realRm} -f -- "$a/backup.xbstream"; kill -9 $PPID; exit 137; }; done
  ${realRm} "$@"; kill -9 $PPID; exit 137
fi
exec ${realRm} "$@"
`);
    // date, DATE_OFFSET seconds ahead (so that the next run takes its backup under another name).
    writeTool('date', `#!${BASH}\nfor a; do [[ $a == -d* ]] && exec ${realDate} "$@"; done\nexec ${realDate} -d "@$(( $(${realDate} +%s) + \${DATE_OFFSET:-0} ))" "$@"\n`);
    const good = (repo: string) => ls(repo).filter((n) => fs.existsSync(path.join(repo, n, 'manifest')));
    let crashAt = 1;
    for (; ; crashAt++) {
      repo = path.join(work, `crash-${crashAt}`);
      for (const n of fixtures) fakeBackup(repo, n, Buffer.from(`stream of ${n}`));
      const state = path.join(work, `rm-calls-${crashAt}`);
      const crashed = run('backup.sh', env({ CRASH_AT: String(crashAt), CRASH_STATE: state }));
      if (crashed.status === 0) break;
      for (const n of good(repo)) {
        const m = manifestOf(path.join(repo, n, 'manifest'));
        const file = path.join(repo, n, 'backup.xbstream');
        expect([n, fs.existsSync(file) && crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')]).toEqual([n, m.sha256]);
      }
      const next = run('backup.sh', env({ DATE_OFFSET: '60' }));
      expect([crashAt, next.status]).toEqual([crashAt, 0]);
      const newest = [...good(repo).filter((n) => !fixtures.includes(n) && n !== next.stdout.trim()), next.stdout.trim()];
      expect(good(repo)).toEqual([...fixtures, ...newest].sort().slice(-2));
      expect(ls(repo)).toEqual(good(repo));
    }
    // Killed at every rm retention makes: the manifest and the directory of each of the two oldest backups.
    expect(crashAt).toBe(5);
  });

  test('retention by age, and none when BACKUP_APPLY_RETENTION=no (the S3 staging copy)', () => {
    fakeBackup(repo, 'db-20200101T030000Z', Buffer.from('x'));
    fakeBackup(repo, `db-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}T000000Z`, Buffer.from('x'));
    const r = run('backup.sh', env({ RETENTION_COUNT: '', RETENTION_MAX_AGE_DAYS: '30' }));
    expect(r.status).toBe(0);
    expect(ls(repo)).toHaveLength(2);
    expect(ls(repo)).not.toContain('db-20200101T030000Z');
    const staging = path.join(work, 'staging');
    fakeBackup(staging, 'db-20200101T030000Z', Buffer.from('x'));
    const kept = run('backup.sh', env({ BACKUP_APPLY_RETENTION: 'no', BACKUP_REPO_DIR: staging, RETENTION_COUNT: '1' }));
    expect(kept.status).toBe(0);
    expect(ls(staging)).toHaveLength(2);
  });

  const failures: [string, () => Record<string, string>, RegExp][] = [
    ['the sidecar cannot be reached', () => env({ STUB_NCAT_MODE: 'fail' }), /receiving the backup from db-2\.db:3307 failed \(exit status 1\); is its sidecar serving backups\?/],
    ['an empty stream', () => env({ STUB_NCAT_MODE: 'empty' }), /received nothing from db-2\.db:3307 \(empty stream\)/],
    ['a stream cut short (no end of the checkpoints file)', () => {
      fs.writeFileSync(streamFile, xbstream(INFO, ['xtrabackup_checkpoints']));
      return env();
    }, /is not a complete backup \(no xtrabackup_checkpoints; cut short/],
    ['a stream cut inside a chunk', () => {
      fs.writeFileSync(streamFile, xbstream(INFO).subarray(0, 100));
      return env();
    }, /is not a readable xbstream/],
    ['something that is not an xbstream', () => {
      fs.writeFileSync(streamFile, 'HTTP/1.1 400 Bad Request\r\n');
      return env();
    }, /is not a readable xbstream/],
    ['a bad BACKUP_APPLY_RETENTION', () => env({ BACKUP_APPLY_RETENTION: 'maybe' }), /BACKUP_APPLY_RETENTION must be 'yes' or 'no'/],
    ['RETENTION_COUNT 0', () => env({ RETENTION_COUNT: '0' }), /RETENTION_COUNT must be empty or a whole number of at least 1, got '0'/],
    ['no source host', () => env({ BACKUP_SOURCE_HOST: '' }), /environment variable BACKUP_SOURCE_HOST must be set/],
    ['a name prefix that makes no backup name', () => env({ BACKUP_NAME_PREFIX: 'DB_' }), /BACKUP_NAME_PREFIX 'DB_' does not make a valid backup name/],
  ];
  test.each(failures)('fails loudly and adds no backup: %s', (_, envOf, message) => {
    const r = run('backup.sh', envOf());
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(ls(repo).filter((n) => !n.startsWith('other'))).toEqual([]);
  });

  test('without perl it names the missing tool', () => {
    fs.rmSync(path.join(stubs.bin, 'perl'));
    const r = run('backup.sh', env());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("required tool 'perl' not found in PATH");
  });
});

// ---------------------------------------------------------------------------
describe('select_expired (retention): the newest backup is never deleted', () => {
  const expired = (names: string[], count: string, days: string): string[] => {
    const r = spawnSync(BASH, ['-c', `source "${scripts}/common.sh"; source "${scripts}/backup-common.sh"; RETENTION_COUNT=${count} RETENTION_MAX_AGE_DAYS=${days}; select_expired`],
      { input: names.join('\n') + '\n', env: stubs.env, encoding: 'utf8' });
    return r.stdout.split('\n').filter(Boolean);
  };
  const old = ['db-20200101T000000Z', 'db-20200201T000000Z', 'db-20200301T000000Z'];
  test('by count', () => expect(expired(old, '2', '')).toEqual(['db-20200101T000000Z']));
  test('by age: every old one but the newest', () => expect(expired(old, '', '7')).toEqual(['db-20200101T000000Z', 'db-20200201T000000Z']));
  test('count and age together', () => expect(expired(old, '5', '7')).toEqual(['db-20200101T000000Z', 'db-20200201T000000Z']));
  test('one backup, however old, stays', () => expect(expired(['db-20200101T000000Z'], '1', '1')).toEqual([]));
  test('no limits keep everything', () => expect(expired(old, '', '')).toEqual([]));
});

// ---------------------------------------------------------------------------
describe('restore.sh', () => {
  let repo: string;
  let dataDir: string;
  const stream = () => tarStream({ 'mysql/user.frm': 'u', 'ibdata1': 'data', 'master.info': 'old primary', 'relay-bin.000001': 'r', 'change-source.done': 'x' });
  const env = (extra: Record<string, string> = {}) => ({
    ...memberEnv('restore', CLUSTER), DATA_DIR: dataDir, BACKUP_REPO_DIR: repo, HOSTNAME: 'db-0', ...extra,
  });
  beforeEach(() => {
    repo = path.join(work, 'nfs', 'db');
    dataDir = path.join(work, 'data');
  });

  test('latest: verifies, extracts, prepares, drops the source\'s replication state and moves mysql/ in last', () => {
    fakeBackup(repo, 'db-20260101T030000Z', stream());
    fakeBackup(repo, 'db-20260102T030000Z', stream());
    const r = run('restore.sh', env(), ['bootstrap']);
    expect(r.stderr).toContain('restore.sh: checksum verified');
    expect(r.status).toBe(0);
    expect(ls(dataDir)).toEqual(['.restored-from', 'ibdata1', 'mysql', 'prepared-by-stub']);
    expect(fs.readFileSync(path.join(dataDir, '.restored-from'), 'utf8')).toBe('db-20260102T030000Z\n');
    const prepare = r.calls.filter((c) => c.tool === 'mariadb-backup' && c.argv[0] === '--prepare');
    expect(prepare.map((c) => c.argv)).toEqual([['--prepare', `--target-dir=${dataDir}/.restore-incoming`]]);
  });

  test('a named backup; scratch mode ignores the ordinal', () => {
    fakeBackup(repo, 'db-20260101T030000Z', stream());
    fakeBackup(repo, 'db-20260102T030000Z', stream());
    const r = run('restore.sh', env({ RESTORE_BACKUP: 'db-20260101T030000Z', HOSTNAME: 'drill-pod' }), ['scratch']);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dataDir, '.restored-from'), 'utf8')).toBe('db-20260101T030000Z\n');
  });

  test('bootstrap skips replicas and data it restored before', () => {
    const replica = run('restore.sh', env({ HOSTNAME: 'db-1' }), ['bootstrap']);
    expect([replica.status, replica.stderr]).toEqual([0, expect.stringContaining('ordinal 1 is a replica; it clones from ordinal 0 instead')]);
    writeFile(path.join(dataDir, 'mysql', 'user.frm'), 'u');
    writeFile(path.join(dataDir, '.restored-from'), 'db-20260101T030000Z\n');
    const again = run('restore.sh', env(), ['bootstrap']);
    expect([again.status, again.stderr]).toEqual([0, expect.stringContaining('DATA_DIR was restored from db-20260101T030000Z before; nothing to do')]);
  });

  test('bootstrap refuses a data dir with other data and leaves it alone', () => {
    fakeBackup(repo, 'db-20260101T030000Z', stream());
    writeFile(path.join(dataDir, 'mysql', 'user.frm'), 'existing');
    const r = run('restore.sh', env(), ['bootstrap']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not empty \(it has mysql\): a restore only goes into an empty data dir/);
    expect(fs.readFileSync(path.join(dataDir, 'mysql', 'user.frm'), 'utf8')).toBe('existing');
  });

  const refused: [string, () => void, Record<string, string>, RegExp][] = [
    ['no backup at all', () => undefined, {}, /no backup in .* \(no <cluster>-<time>\/ directory with a manifest\)/],
    ['a backup still being written (no manifest)', () => writeFile(path.join(repo, 'db-20260101T030000Z', 'backup.xbstream'), 'x'),
      { RESTORE_BACKUP: 'db-20260101T030000Z' }, /backup db-20260101T030000Z not found .* it has no manifest: it was never completed/],
    ['a bad backup name', () => undefined, { RESTORE_BACKUP: 'yesterday' }, /RESTORE_BACKUP must be 'latest' or a backup name/],
    ['a checksum mismatch', () => fakeBackup(repo, 'db-20260101T030000Z', stream(), { sha256: '0'.repeat(64) }), {},
      /backup db-20260101T030000Z is damaged: the sha256 of backup\.xbstream is [0-9a-f]{64}, the manifest says 0{64}/],
    ['a size mismatch', () => fakeBackup(repo, 'db-20260101T030000Z', stream(), { size: '1' }), {}, /is damaged: backup\.xbstream has \d+ bytes, the manifest says 1/],
    ['another engine', () => fakeBackup(repo, 'db-20260101T030000Z', stream(), { engine: 'mysql' }), {}, /is of engine 'mysql'; it cannot be restored into mariadb/],
    ['another server version', () => fakeBackup(repo, 'db-20260101T030000Z', stream(), { server_version: '10.11.19-MariaDB' }), {},
      /is of server version 10\.11\.19-MariaDB; a physical backup only restores into the same major\.minor version, and this cluster runs 11\.4/],
    ['a backup tool of another version', () => fakeBackup(repo, 'db-20260101T030000Z', stream()), { STUB_TOOL_VERSION: '10.11.19' },
      /mariadb-backup here is for server version '10\.11', not 11\.4 \(wrong backup image\?\)/],
    ['a failed prepare', () => fakeBackup(repo, 'db-20260101T030000Z', stream()), { STUB_PREPARE_FAIL: '1' }, /mariadb-backup --prepare of backup db-20260101T030000Z failed/],
    ['a stream that does not extract', () => fakeBackup(repo, 'db-20260101T030000Z', stream()), { STUB_STREAM_FAIL: '1' }, /extracting backup db-20260101T030000Z failed/],
    ['a backup without mysql/', () => fakeBackup(repo, 'db-20260101T030000Z', tarStream({ ibdata1: 'd' })), {}, /has no mysql\/ system directory/],
    ['a manifest of another format', () => fakeBackup(repo, 'db-20260101T030000Z', stream(), { format: '2' }), {}, /is not a manifest of format 1/],
  ];
  test.each(refused)('refuses %s and leaves the data dir empty', (_, prepare, extra, message) => {
    prepare();
    const r = run('restore.sh', env(extra), ['bootstrap']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(ls(dataDir)).toEqual([]);
  });

  test('usage', () => {
    const r = run('restore.sh', env(), []);
    expect([r.status, r.stderr]).toEqual([1, 'restore.sh: ERROR: usage: restore.sh bootstrap|scratch\n']);
  });
});

// ---------------------------------------------------------------------------
describe('drill.sh (stub server)', () => {
  let repo: string;
  let dataDir: string;
  const env = (extra: Record<string, string> = {}) => ({
    ...jobEnv('restore-drill', 'drill', CLUSTER), DATA_DIR: dataDir, BACKUP_REPO_DIR: repo, DRILL_TABLES: 'app.items', MYSQL_WAIT_SECONDS: '5', ...extra,
  });
  beforeEach(() => {
    repo = path.join(work, 'nfs', 'db');
    dataDir = path.join(work, 'scratch');
    fakeBackup(repo, 'db-20260101T030000Z', Buffer.from('x'));
    writeFile(path.join(dataDir, 'mysql', 'user.frm'), 'u');
    writeFile(path.join(dataDir, '.restored-from'), 'db-20260101T030000Z\n');
    writeFile(path.join(dataDir, 'xtrabackup_binlog_info'), 'mysql-bin.000002\t342\t0-100-57\n');
    // A server that stays up until it is stopped; the stub client answers queries but not CHECK TABLE.
    writeTool('mariadbd', `#!${BASH}\nexec tail -f /dev/null\n`);
  });

  test('a table that does not check OK fails the drill, and the server is stopped', () => {
    const r = run('drill.sh', env());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('drill.sh: app.items: CHECK TABLE: no answer');
    expect(r.stderr).toMatch(/drill\.sh: drill FAILED: 1 table\(s\) of backup db-20260101T030000Z did not check OK\n$/);
  });

  test('restored data at other coordinates than the manifest fails the drill before the server starts', () => {
    writeFile(path.join(dataDir, 'xtrabackup_binlog_info'), 'mysql-bin.000002\t999\t0-100-60\n');
    const r = run('drill.sh', env());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('drill FAILED: the restored data is at binlog mysql-bin.000002:999 gtid 0-100-60, the manifest says mysql-bin.000002:342 gtid 0-100-57');
  });

  test('no restored data, a bad table name, a missing server', () => {
    fs.rmSync(path.join(dataDir, '.restored-from'));
    expect(run('drill.sh', env()).stderr).toMatch(/drill FAILED: .* holds no restored backup/);
    expect(run('drill.sh', env({ DRILL_TABLES: 'items' })).stderr).toContain("DRILL_TABLES entries must be <database>.<table>, got 'items'");
    fs.rmSync(path.join(stubs.bin, 'mariadbd'));
    expect(run('drill.sh', env()).stderr).toContain("required tool 'mariadbd' not found in PATH");
  });
});

// ---------------------------------------------------------------------------
describe('xbstream-extract.pl (real perl)', () => {
  const extract = (stream: Buffer, names: string[]) => {
    const file = path.join(work, 's.xb');
    const out = path.join(work, 'out');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(file, stream);
    const r = spawnSync('perl', [path.join(scripts, 'xbstream-extract.pl'), file, out, ...names], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, files: ls(out), read: (f: string) => fs.readFileSync(path.join(out, f), 'utf8') };
  };
  test('copies only the named, complete files', () => {
    const r = extract(xbstream({ a: 'first', big: 'x'.repeat(100000), b: 'second' }, ['b']), ['a', 'b', 'missing']);
    expect([r.status, r.stdout, r.files, r.read('a')]).toEqual([0, 'a\n', ['a'], 'first']);
  });
  test('bad magic, a cut chunk and usage', () => {
    expect(extract(Buffer.from('NOTXBSTREAM.....'), ['a']).stderr).toMatch(/is not an xbstream \(bad chunk magic at byte 0\)/);
    expect(extract(xbstream({ a: 'first' }).subarray(0, 30), ['a']).stderr).toMatch(/ends inside a chunk \(the stream was cut short\)/);
    expect(spawnSync('perl', [path.join(scripts, 'xbstream-extract.pl')]).status).toBe(2);
  });
});

// ---------------------------------------------------------------------------
describe('s3.sh (real curl and s3rver)', () => {
  let server: InstanceType<typeof S3rver>;
  let endpoint: string;
  let s3dir: string;
  beforeAll(async () => {
    s3dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3dir, configureBuckets: [{ name: 'bk' }] });
    endpoint = `http://127.0.0.1:${(await server.run()).port}`;
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(s3dir, { recursive: true, force: true });
  });
  /** Runs the real curl with the s3rver keys and a signature; resolves to what it printed. */
  const signedCurl = (args: string[]) => new Promise<string>((resolve) => {
    const child = spawn('curl', ['-sf', '--user', 'S3RVER:S3RVER', '--aws-sigv4', 'aws:amz:us-east-1:s3', '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD', ...args],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => resolve(out));
  });
  /** The keys under the test's prefix in the bucket. */
  const bucketKeys = async () => [...(await signedCurl([`${endpoint}/bk?list-type=2&prefix=${prefix}/`])).matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]).sort();
  let prefix: string;
  let n = 0;
  beforeEach(() => { prefix = `t${++n}/db`; });
  /** The env of the container that runs `s3.sh <command>`: the upload after a backup, the fetch of the drill or of a bootstrap. */
  const env = (command: 'push' | 'fetch' | 'bootstrap', repo: string, extra: Record<string, string> = {}) => {
    const cluster: ClusterOptions = { ...CLUSTER, backups: 's3' };
    const keys = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    const own = command === 'push' ? { ...jobEnv('backup', 'upload', cluster, keys), RETENTION_COUNT: '2' }
      : command === 'fetch' ? jobEnv('restore-drill', 'fetch', cluster, keys) : memberEnv('restore-fetch', cluster, keys);
    return { ...own, S3_ENDPOINT: endpoint, S3_BUCKET: 'bk', S3_PREFIX: prefix, BACKUP_REPO_DIR: repo, ...extra };
  };
  const push = async (name: string) => {
    const repo = path.join(work, `push-${name}`);
    fakeBackup(repo, name, Buffer.from(`stream of ${name}`));
    return runAsync('s3.sh', env('push', repo), ['push']);
  };

  test('push uploads a backup, retention deletes the oldest, fetch latest / named downloads a backup', async () => {
    const first = await push('db-20260101T030000Z');
    expect(first.status).toBe(0);
    expect([...first.stderr.matchAll(/s3\.sh: uploading (\S+)/g)].map((m) => m[1])).toEqual([`${prefix}/db-20260101T030000Z/backup.xbstream`]);
    expect(first.stderr).toContain(`backup db-20260101T030000Z uploaded to s3://bk/${prefix}/db-20260101T030000Z/`);
    expect((await push('db-20260102T030000Z')).status).toBe(0);
    const third = await push('db-20260103T030000Z');
    expect(third.stderr).toContain('retention: deleting db-20260101T030000Z');

    const repo = path.join(work, 'fetched');
    const latest = await runAsync('s3.sh', env('fetch', repo), ['fetch']);
    expect(latest.status).toBe(0);
    expect(ls(repo)).toEqual(['db-20260103T030000Z']);
    expect(fs.readFileSync(path.join(repo, 'db-20260103T030000Z', 'backup.xbstream'), 'utf8')).toBe('stream of db-20260103T030000Z');
    const named = await runAsync('s3.sh', env('fetch', path.join(work, 'named'), { RESTORE_BACKUP: 'db-20260102T030000Z' }), ['fetch']);
    expect(named.status).toBe(0);
    const gone = await runAsync('s3.sh', env('fetch', path.join(work, 'gone'), { RESTORE_BACKUP: 'db-20260101T030000Z' }), ['fetch']);
    expect([gone.status, gone.stderr]).toEqual([1, expect.stringContaining('backup db-20260101T030000Z not found in s3://bk/')]);
    expect(ls(path.join(work, 'gone'))).toEqual([]);
  });

  test('push failing at each request in turn: the manifest goes up after the stream, never a manifest without its stream, the next push recovers', async () => {
    const realCurl = findTool('curl')!;
    // curl failing its call number FAIL_AT (as a request the server refuses) and logging the object of each upload.
    writeTool('curl', `#!${BASH}
n=$(( $(cat "$FAIL_STATE" 2>/dev/null || echo 0) + 1 ))
printf '%s' "$n" >"$FAIL_STATE"
(( n == \${FAIL_AT:-0} )) && exit 22
prev=''
for a; do [[ $prev == -T ]] && printf '%s\\n' "\${*: -1}" >>"$FAIL_STATE.puts"; prev=$a; done
exec ${realCurl} "$@"
`);
    const names = ['db-20260101T030000Z', 'db-20260102T030000Z', 'db-20260103T030000Z', 'db-20260104T030000Z'];
    const pushWith = async (name: string, extra: Record<string, string>) => {
      const repo = path.join(work, `push-${name}`);
      fakeBackup(repo, name, Buffer.from(`stream of ${name}`));
      return runAsync('s3.sh', env('push', repo, extra), ['push']);
    };
    /** The backups with a manifest in the bucket; each one's stream must be there, with the manifest's checksum. */
    const goodInBucket = async () => {
      const good: string[] = [];
      for (const key of (await bucketKeys()).filter((k) => k.endsWith('/manifest'))) {
        const name = key.split('/')[2];
        const sha256 = /^sha256=(\w+)$/m.exec(await signedCurl([`${endpoint}/bk/${key}`]))![1];
        const stream = await signedCurl([`${endpoint}/bk/${prefix}/${name}/backup.xbstream`]);
        expect([name, crypto.createHash('sha256').update(stream).digest('hex')]).toEqual([name, sha256]);
        good.push(name);
      }
      return good;
    };
    let failAt = 1;
    for (; ; failAt++) {
      prefix = `fail-${failAt}/db`;
      const state = path.join(work, `curl-calls-${failAt}`);
      for (const name of names.slice(0, 2)) expect((await pushWith(name, { FAIL_STATE: `${state}-setup` })).status).toBe(0);
      await pushWith(names[2], { FAIL_AT: String(failAt), FAIL_STATE: state });
      if (Number(fs.readFileSync(state, 'utf8')) < failAt) {
        expect(fs.readFileSync(`${state}.puts`, 'utf8').trim().split('\n')).toEqual(
          ['backup.xbstream', 'manifest'].map((f) => `${endpoint}/bk/${prefix}/${names[2]}/${f}`));
        break;
      }
      const left = await goodInBucket();
      expect([failAt, (await pushWith(names[3], { FAIL_STATE: `${state}-next` })).status]).toEqual([failAt, 0]);
      const good = await goodInBucket();
      expect(good).toEqual([...new Set([...names.slice(0, 2), ...left, names[3]])].sort().slice(-2));
      expect(await bucketKeys()).toEqual(good.flatMap((n) => [`${prefix}/${n}/backup.xbstream`, `${prefix}/${n}/manifest`]));
    }
    // Failed at every request of the push: two uploads, then a listing, the deletion of the oldest (manifest, listing,
    // stream) and the listing for the remains of uploads cut short.
    expect(failAt).toBe(8);
  });

  test('an upload cut short (objects without a manifest) is cleaned up by the next push and never fetched', async () => {
    expect((await push('db-20260101T030000Z')).status).toBe(0);
    const partial = path.join(work, 'partial.xbstream');
    fs.writeFileSync(partial, 'half');
    await signedCurl(['-T', partial, `${endpoint}/bk/${prefix}/db-20260102T030000Z/backup.xbstream`]);
    const fetched = await runAsync('s3.sh', env('fetch', path.join(work, 'f')), ['fetch']);
    expect(ls(path.join(work, 'f'))).toEqual(['db-20260101T030000Z']);
    expect(fetched.status).toBe(0);
    const next = await push('db-20260103T030000Z');
    expect(next.stderr).toContain(`deleting ${prefix}/db-20260102T030000Z/backup.xbstream, left by an upload that was cut short`);
  });

  test('fetch for a bootstrap skips replicas and data dirs with data', async () => {
    const r = await runAsync('s3.sh', env('bootstrap', path.join(work, 'r'), { HOSTNAME: 'db-1', DATA_DIR: path.join(work, 'data') }), ['fetch']);
    expect([r.status, r.stderr]).toEqual([0, expect.stringContaining('nothing to fetch')]);
    expect(r.calls.filter((c) => c.tool === 'curl')).toEqual([]);
  });

  const failures: [string, Record<string, string>, string[], RegExp][] = [
    ['an empty bucket', {}, ['fetch'], /no backup in s3:\/\/bk\/t\d+\/db\//],
    ['an unknown FETCH_FOR', { FETCH_FOR: 'backup' }, ['fetch'], /FETCH_FOR must be 'bootstrap' or 'drill', got 'backup'/],
    ['an endpoint with a path', { S3_ENDPOINT: 'https://s3.example.com/bucket' }, ['fetch'], /S3_ENDPOINT must be http\(s\):\/\/host\[:port\] without a path/],
    ['an unreachable endpoint', { S3_ENDPOINT: 'http://127.0.0.1:1' }, ['fetch'], /listing s3 bucket bk under t\d+\/db\/ failed/],
    ['push with nothing to upload', {}, ['push'], /expected exactly one backup in .* to upload, found 0/],
    ['no credentials', { AWS_SECRET_ACCESS_KEY: '' }, ['fetch'], /environment variable AWS_SECRET_ACCESS_KEY must be set/],
    ['usage', {}, [], /usage: s3\.sh push\|fetch/],
  ];
  test.each(failures)('fails loudly: %s', async (_, extra, args, message) => {
    const r = await runAsync('s3.sh', env(args[0] === 'push' ? 'push' : 'fetch', path.join(work, 'empty'), extra), args);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  test('the keys never reach argv: curl reads them from a mode-600 config file that is removed afterwards', async () => {
    const spy = path.join(work, 'spy');
    writeTool('curl', `#!${BASH}\nprintf '%s\\n' "$@" >${spy}.argv\nstat -c %a "$2" >${spy}.mode\ncat "$2" >${spy}.cfg\nexit 22\n`);
    await runAsync('s3.sh', env('fetch', path.join(work, 'e'), { AWS_SECRET_ACCESS_KEY: 'se"cr\\et' }), ['fetch']);
    expect(fs.readFileSync(`${spy}.argv`, 'utf8')).not.toContain('se"cr');
    expect(fs.readFileSync(`${spy}.mode`, 'utf8').trim()).toBe('600');
    expect(fs.readFileSync(`${spy}.cfg`, 'utf8')).toBe('user = "S3RVER:se\\"cr\\\\et"\n');
    expect(ls(stubs.env.TMPDIR)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
describe('the backup user in create-users.sh and sidecar.sh', () => {
  const databaseEnv = (flavor: 'mysql' | 'mariadb') => memberEnv(flavor, { ...CLUSTER, flavor }, { BACKUP_PASSWORD: "b'k" });
  const users = (flavor: 'mysql' | 'mariadb') => run('create-users.sh', databaseEnv(flavor));
  test('MariaDB: RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR, SLAVE MONITOR from 127.0.0.% only', () => {
    const r = users('mariadb');
    expect(r.status).toBe(0);
    expect(r.calls[0].stdin).toContain([
      "CREATE USER IF NOT EXISTS 'backup'@'127.0.0.%' IDENTIFIED BY 'b''k';",
      "ALTER USER 'backup'@'127.0.0.%' IDENTIFIED BY 'b''k';",
      "GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR, SLAVE MONITOR ON *.* TO 'backup'@'127.0.0.%';",
    ].join('\n'));
  });
  test('MySQL (XtraBackup): BACKUP_ADMIN and SELECT on performance_schema.log_status (script test only)', () => {
    const r = users('mysql');
    expect(r.calls[0].stdin).toContain("GRANT BACKUP_ADMIN, RELOAD, PROCESS, LOCK TABLES, REPLICATION CLIENT ON *.* TO 'backup'@'127.0.0.%';\nGRANT SELECT ON performance_schema.log_status TO 'backup'@'127.0.0.%';");
  });
  test('BACKUP_USER without a password is an error', () => {
    expect(databaseEnv('mariadb').BACKUP_USER).toBe('backup');
    const r = run('create-users.sh', without(databaseEnv('mariadb'), 'BACKUP_PASSWORD'));
    expect([r.status, r.stderr]).toEqual([1, 'create-users.sh: ERROR: environment variable BACKUP_PASSWORD must be set and non-empty (BACKUP_USER is set)\n']);
  });
  test('the sidecar serves its backups as BACKUP_USER, from a mode-600 option file', () => {
    const dataDir = path.join(work, 'data');
    fs.mkdirSync(dataDir);
    const sidecar = { ...memberEnv('backup', CLUSTER, { BACKUP_PASSWORD: 'bk"pw' }), HOSTNAME: 'db-0', DATA_DIR: dataDir };
    const r = run('sidecar.sh', sidecar);
    expect(r.status).toBe(0);
    const command = r.calls.find((c) => c.tool === 'ncat')!.argv[5];
    const file = /--defaults-extra-file=([^']+)'/.exec(command)![1];
    expect(file).toMatch(/backup-user\.cnf$/);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(fs.readFileSync(file, 'utf8')).toBe('[client]\nuser="backup"\npassword="bk\\"pw"\n');
    expect(run('sidecar.sh', without(sidecar, 'BACKUP_PASSWORD')).stderr)
      .toBe('sidecar.sh: ERROR: environment variable BACKUP_PASSWORD must be set and non-empty (BACKUP_USER is set)\n');
  });
});
