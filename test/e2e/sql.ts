/**
 * SQL from the test to an emulated member, over TCP with the `mariadb` client.
 *
 * Credentials go in a private `[client]` option file (never on the command line), SQL on stdin.
 * Results come back as rows of column name → value (batch mode: tab-separated, with a header), so
 * each call may have at most one statement that returns rows.
 */
import * as fs from 'fs';
import * as path from 'path';
import { run } from './processes';

/** A database account. */
export interface Account {
  readonly user: string;
  readonly password: string;
}

/** Where a server listens. */
export interface SqlTarget {
  readonly host: string;
  readonly port: number;
}

export type Row = Record<string, string>;

/** The outcome of a statement that may fail on purpose. */
export interface SqlAttempt {
  readonly ok: boolean;
  readonly rows: Row[];
  /** The client's error output when `ok` is false. */
  readonly error: string;
}

/** Escapes a value for a double-quoted option-file value. */
function cnfValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Quotes `v` as an SQL string literal (default sql_mode: backslash escapes are on). */
export function sqlString(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function parseBatch(stdout: string): Row[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  if (lines.length === 0) return [];
  const header = lines[0].split('\t');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

export class SqlClient {
  private readonly optionFiles = new Map<string, string>();

  /** `dir` holds the option files; `env` is the client's environment (PATH). */
  constructor(private readonly dir: string, private readonly env: NodeJS.ProcessEnv) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private optionFile(account: Account): string {
    const key = `${account.user}\0${account.password}`;
    let file = this.optionFiles.get(key);
    if (!file) {
      file = path.join(this.dir, `client-${this.optionFiles.size}.cnf`);
      fs.writeFileSync(file, `[client]\nuser=${cnfValue(account.user)}\npassword=${cnfValue(account.password)}\n`, { mode: 0o600 });
      this.optionFiles.set(key, file);
    }
    return file;
  }

  /** Runs `sql`; reports a failure instead of throwing. */
  public async attempt(target: SqlTarget, account: Account, sql: string, database?: string): Promise<SqlAttempt> {
    const argv = [
      'mariadb', `--defaults-file=${this.optionFile(account)}`, '--protocol=TCP', `--host=${target.host}`,
      `--port=${target.port}`, '--connect-timeout=5', '--batch',
      ...(database ? [`--database=${database}`] : []),
    ];
    const r = await run(`mariadb client at ${target.host}:${target.port}`, argv, { env: this.env, input: sql, timeoutMs: 20000 });
    if (r.code === 0) return { ok: true, rows: parseBatch(r.stdout), error: '' };
    return { ok: false, rows: [], error: r.stderr.trim() || `exit status ${r.code}` };
  }

  /** Runs `sql` and returns its rows; throws with the client's error on failure. */
  public async query(target: SqlTarget, account: Account, sql: string, database?: string): Promise<Row[]> {
    const r = await this.attempt(target, account, sql, database);
    if (!r.ok) throw new Error(`SQL as ${account.user} on ${target.host}:${target.port} failed: ${r.error}\nSQL: ${sql}`);
    return r.rows;
  }

  /** The first column of the first row (throws when there is none). */
  public async value(target: SqlTarget, account: Account, sql: string, database?: string): Promise<string> {
    const rows = await this.query(target, account, sql, database);
    if (rows.length === 0) throw new Error(`no rows from ${sql} on ${target.host}:${target.port}`);
    return Object.values(rows[0])[0];
  }
}
