/**
 * The database server of an emulated pod: Debian's `mariadbd`, and the first-start
 * initialization the official mariadb image's entrypoint would do (the image is not available
 * here, so its docker-entrypoint.sh is emulated, reduced to what the replication relies on).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Background, run, StopWaiting, waitUntil } from './processes';
import { sqlString } from './sql';

/** Binaries the harness and the scripts need, with the Debian package of each. */
const REQUIRED_TOOLS: Record<string, string> = {
  'mariadbd': 'mariadb-server',
  'mariadb-install-db': 'mariadb-server',
  'mariadb': 'mariadb-client',
  'mariadb-admin': 'mariadb-client',
  'mariadb-backup': 'mariadb-backup',
  'mbstream': 'mariadb-backup',
  'ncat': 'ncat',
  'getent': 'libc-bin',
};

/** PATH for everything the harness runs: the test's own, plus the sbin directories (Debian puts mariadbd in /usr/sbin). */
export function toolPath(): string {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const d of ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin']) {
    if (!dirs.includes(d)) dirs.push(d);
  }
  return dirs.join(':');
}

/** Absolute paths of the required tools; throws, naming the packages to install, when one is missing. */
export function findTools(pathEnv: string): Record<string, string> {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const tool of Object.keys(REQUIRED_TOOLS)) {
    const hit = pathEnv.split(':').map((d) => path.join(d, tool)).find((p) => {
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    if (hit) found[tool] = hit;
    else missing.push(tool);
  }
  if (missing.length) {
    const packages = [...new Set(missing.map((t) => REQUIRED_TOOLS[t]))];
    throw new Error(`${missing.join(', ')} not found: install ${packages.join(', ')}. The replication e2e test runs real `
      + 'MariaDB servers and needs `apt-get install mariadb-server mariadb-backup mariadb-client ncat` '
      + `(CI installs them in .ci/run). Searched ${pathEnv}`);
  }
  return found;
}

/** Where an emulated member's server keeps its files and listens. */
export interface ServerLayout {
  /** The data volume, as mounted at the image's data directory. */
  readonly dataDir: string;
  /** The conf emptyDir, as mounted at the image's conf.d (init-config wrote it). */
  readonly confDir: string;
  /** Socket and pid file. */
  readonly runDir: string;
  /** The pod's own address. */
  readonly address: string;
  readonly port: number;
}

/**
 * Writes the server's only option file (mariadbd runs with `--defaults-file`, so nothing from
 * /etc/mysql applies). It provides what the image's my.cnf and the pod network would: data dir,
 * socket, pid file, the pod address and port; and, like the image's `!includedir
 * /etc/mysql/conf.d/`, includes the conf dir, so the member's own settings (server-id.cnf,
 * common.cnf, primary.cnf or replica.cnf) come from the manifests.
 */
export function writeServerOptionFile(file: string, layout: ServerLayout): void {
  fs.mkdirSync(layout.runDir, { recursive: true });
  fs.writeFileSync(file, [
    '# e2e harness: what the mariadb image (my.cnf) and the pod network provide',
    '[mysqld]',
    `datadir=${layout.dataDir}`,
    `socket=${path.join(layout.runDir, 'mysqld.sock')}`,
    `pid-file=${path.join(layout.runDir, 'mysqld.pid')}`,
    `bind-address=${layout.address}`,
    `port=${layout.port}`,
    `!includedir ${layout.confDir}`,
    '',
  ].join('\n'));
}

/** mariadbd refuses to run as root unless told to (CI runs as root). */
function userOption(): string[] {
  return process.getuid?.() === 0 ? ['--user=root'] : [];
}

/** Starts mariadbd with `optionFile`; output goes to `logFile`. */
export function startServer(name: string, tools: Record<string, string>, optionFile: string, logFile: string, env: NodeJS.ProcessEnv): Background {
  return new Background(name, logFile, [tools.mariadbd, `--defaults-file=${optionFile}`, ...userOption()], env);
}

/**
 * Connects as root over the socket without a password (only right after mariadb-install-db), like
 * the entrypoint's `mariadb --protocol=socket -uroot -hlocalhost`. The explicit host matters: the
 * container env has MYSQL_HOST, which the client would otherwise use, and the server would then
 * see root@127.0.0.1 instead of root@localhost.
 */
function socketClient(tools: Record<string, string>, layout: ServerLayout): string[] {
  return [tools.mariadb, '--no-defaults', '--protocol=socket', `--socket=${path.join(layout.runDir, 'mysqld.sock')}`,
    '--host=localhost', '--user=root'];
}

/** The SQL of the entrypoint's docker_setup_db, for the variables the manifests set. */
function setupSql(env: Record<string, string>): string {
  const root = sqlString(required(env, 'MYSQL_ROOT_PASSWORD'));
  const lines = [
    '-- securing system users is not binlogged',
    'SET @@SESSION.SQL_LOG_BIN=0;',
    "DROP USER IF EXISTS root@'127.0.0.1', root@'::1', ''@'localhost';",
    "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\\'', @@hostname, '\\', \\'\\'@\\'', @@hostname, '\\'');",
    `SET PASSWORD FOR 'root'@'localhost' = PASSWORD(${root});`,
    `CREATE USER 'root'@'%' IDENTIFIED BY ${root};`,
    "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;",
    "GRANT PROXY ON ''@'%' TO 'root'@'%' WITH GRANT OPTION;",
    'SET @@SESSION.SQL_LOG_BIN=1;',
    '-- the application database and user are binlogged',
  ];
  const db = env.MYSQL_DATABASE;
  if (db) lines.push(`CREATE DATABASE IF NOT EXISTS \`${db}\`;`);
  if (env.MYSQL_USER && env.MYSQL_PASSWORD) {
    lines.push(`CREATE USER '${env.MYSQL_USER}'@'%' IDENTIFIED BY ${sqlString(env.MYSQL_PASSWORD)};`);
    if (db) lines.push(`GRANT ALL ON \`${db.replace(/_/g, '\\_')}\`.* TO '${env.MYSQL_USER}'@'%';`);
  }
  return lines.join('\n') + '\n';
}

function required(env: Record<string, string>, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`the database container's env has no ${name}`);
  return v;
}

/**
 * What the mariadb image entrypoint does on a first start (empty data dir), emulated:
 * 1. docker_init_database_dir: `mariadb-install-db --auth-root-authentication-method=normal
 *    --skip-test-db --skip-log-bin` with the server's options (done by `installDatabase`, before
 *    the server starts);
 * 2. docker_temp_server_start: the image starts a socket-only temporary server and restarts it
 *    when done; here the one server the harness started is used;
 * 3. docker_setup_db, as root over the socket: drop root@127.0.0.1, root@::1, root@<hostname>
 *    and anonymous users (they would shadow root@'%' over TCP), set root@localhost's password,
 *    create root@'%' with every privilege (not binlogged); then create MYSQL_DATABASE and
 *    MYSQL_USER@'%' with all privileges on it (binlogged);
 * 4. docker_process_init_files: the image sources /docker-entrypoint-initdb.d/create-users.sh
 *    with its docker_process_sql; here the script is executed with the container's env instead
 *    (its standalone mode, connecting as root over TCP to MYSQL_HOST:MYSQL_PORT).
 */
export async function initializeLikeImageEntrypoint(
  tools: Record<string, string>, layout: ServerLayout, server: Background, initdbDir: string, env: Record<string, string>,
): Promise<void> {
  await waitUntil(`${server.name} to accept root on its socket`, async () => {
    if (!server.running) throw new StopWaiting(`${server.name} exited during the first start`);
    const r = await run('socket login', [...socketClient(tools, layout), '-e', 'SELECT 1'], { env, timeoutMs: 10000 });
    if (r.code !== 0) throw new Error(r.stderr.trim());
    return true;
  }, { timeoutMs: 60000, detail: () => server.describe() });

  const setup = await run('entrypoint setup SQL', [...socketClient(tools, layout), '--database=mysql', '--binary-mode'],
    { env, input: setupSql(env), timeoutMs: 30000 });
  if (setup.code !== 0) throw new Error(`the entrypoint's setup SQL failed:\n${setup.stderr}`);

  for (const file of fs.readdirSync(initdbDir).filter((f) => f.endsWith('.sh')).sort()) {
    const r = await run(file, ['bash', path.join(initdbDir, file)], { env, timeoutMs: 30000 });
    if (r.code !== 0) throw new Error(`/docker-entrypoint-initdb.d/${file} failed (exit status ${r.code}):\n${r.stderr}`);
  }
}

/** docker_init_database_dir: creates the system tables in the empty data dir. */
export async function installDatabase(tools: Record<string, string>, optionFile: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await run('mariadb-install-db', [
    tools['mariadb-install-db'], `--defaults-file=${optionFile}`, ...userOption(),
    '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-log-bin',
  ], { env, timeoutMs: 120000 });
  if (r.code !== 0) throw new Error(`mariadb-install-db failed (exit status ${r.code}):\n${r.stderr}\n${r.stdout}`);
}
