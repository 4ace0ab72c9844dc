/**
 * Stub command-line tools for running the MySQL container scripts in tests.
 *
 * `createStubEnv()` makes a temporary directory with:
 * - `bin/`: one generic bash stub under each tool name (mysql, mariadb, ncat,
 *   perl, xtrabackup, ...; `perl` only records its argv), plus symlinks to the few real system tools the scripts
 *   and stubs need (cp, mv, find, tar, ...). `bin/` is the only PATH entry, so
 *   real database tools installed on the machine are never reached.
 * - `calls.log`: one line per stub call (tool and a call id); the call's argv,
 *   stdin (SQL clients) and --defaults-extra-file copy + mode are kept in
 *   `stub-state/calls/<id>.*`. `calls()` reads them back.
 *
 * Stub behaviour is chosen with STUB_* environment variables, see STUB_SCRIPT.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Tools replaced by the generic stub. */
export const STUBBED_TOOLS = [
  'mysql',
  'mysqladmin',
  'mariadb',
  'mariadb-admin',
  'xtrabackup',
  'mariadb-backup',
  'xbstream',
  'mbstream',
  'ncat',
  'getent',
  'sleep',
  'perl',
] as const;

/** Real tools the scripts (and the stub) use. */
const SYSTEM_TOOLS = [
  'bash', 'env', 'cat', 'cp', 'mv', 'rm', 'mkdir', 'rmdir', 'mktemp', 'chmod', 'find', 'ls',
  'dirname', 'basename', 'tar', 'stat', 'touch', 'grep', 'head', 'tr', 'wc', 'sed',
  'timeout',
];

/** Resolve a tool on the PATH of the test process. */
function which(tool: string): string {
  const r = spawnSync('bash', ['-c', 'command -v -- "$1"', 'which', tool], { encoding: 'utf8' });
  const found = r.stdout.trim();
  if (r.status !== 0 || !found.startsWith('/')) {
    throw new Error(`test prerequisite missing: ${tool} not found in PATH`);
  }
  return found;
}

export const BASH = which('bash');

/**
 * The generic stub. STUB_* env:
 *   STUB_LOG, STUB_STATE            where calls and counters are kept (set by createStubEnv)
 *   STUB_SERVER_DOWN=1              client `-e` queries fail (server unreachable)
 *   STUB_SERVER_DOWN_CALLS=n        ... only the first n of them
 *   STUB_SQL_FAIL=text              client fails when the SQL on stdin contains text
 *   STUB_SQL_REPLIES=dir            SQL on stdin: for each <n>.match in dir (in name order) whose text the SQL
 *                                   contains (and, with <n>.host, whose --host=<host> is given), print <n>.out
 *                                   (the first match only; {@link sqlReplies} writes them)
 *   STUB_ADMIN_FAIL=1               mysqladmin/mariadb-admin ping fails
 *   STUB_NCAT_MODE=stream|empty|fail  ncat --recv-only: send STUB_NCAT_STREAM, nothing, or fail
 *   STUB_NCAT_FAILS=n               the first n ncat --recv-only calls fail
 *   STUB_STREAM_FAIL=1              xbstream/mbstream -x fails
 *   STUB_PREPARE_FAIL=1             <backup tool> --prepare fails
 *   STUB_TOOL_SERVER, STUB_TOOL_VERSION  what <backup tool> --version names (MariaDB, 11.4.8)
 *   STUB_GETENT_FAIL=1              getent never resolves
 *   STUB_GETENT_FAILS=n             the first n getent calls fail
 * The fake backup stream is a tar archive; xbstream/mbstream -x untar it.
 * `--prepare` drops a `prepared-by-stub` file into the target dir.
 */
const STUB_SCRIPT = `#!${BASH}
tool=\${0##*/}
# count NAME: increments and prints a per-tool counter
count() {
  local f="$STUB_STATE/$tool.$1" n=0
  [[ -f "$f" ]] && n=$(<"$f")
  n=$((n + 1)); printf '%s' "$n" >"$f"; printf '%s' "$n"
}
has_arg() { local a; for a in "\${ARGS[@]}"; do [[ "$a" == "$1" ]] && return 0; done; return 1; }
ARGS=("$@")
# Record the call with as few processes as possible: files named by a unique id.
id="$EPOCHREALTIME.$$"
rec="$STUB_STATE/calls/$id"
printf '%s\\0' "$@" >"$rec.argv"
stdin=''
case "$tool" in
  mysql|mariadb) cat >"$rec.stdin"; stdin=$(<"$rec.stdin") ;;
esac
if [[ "\${1:-}" == --defaults-extra-file=* && -f "\${1#--defaults-extra-file=}" ]]; then
  cp -- "\${1#--defaults-extra-file=}" "$rec.defaults"
  stat -c %a -- "\${1#--defaults-extra-file=}" >"$rec.mode"
fi
printf '%s\\t%s\\n' "$tool" "$id" >>"$STUB_LOG"

case "$tool" in
  sleep) exit 0 ;;
  getent)
    n=$(count calls)
    if [[ -n "\${STUB_GETENT_FAIL:-}" ]] || (( n <= \${STUB_GETENT_FAILS:-0} )); then exit 2; fi
    echo "10.0.0.9        STREAM $2"; exit 0 ;;
  mysql|mariadb)
    if has_arg -e; then
      n=$(count queries)
      if [[ -n "\${STUB_SERVER_DOWN:-}" ]] || (( n <= \${STUB_SERVER_DOWN_CALLS:-0} )); then
        echo "ERROR 2003 (HY000): Can't connect to server (stub)" >&2; exit 1
      fi
      echo 1; exit 0
    fi
    if [[ -n "\${STUB_SQL_FAIL:-}" && "$stdin" == *"$STUB_SQL_FAIL"* ]]; then
      echo "ERROR 1227 (42000) at line 1: stub failure" >&2; exit 1
    fi
    if [[ -n "\${STUB_SQL_REPLIES:-}" ]]; then
      for m in "$STUB_SQL_REPLIES"/*.match; do
        [[ -f "$m" ]] || continue
        [[ "$stdin" == *"$(<"$m")"* ]] || continue
        [[ ! -f "\${m%.match}.host" ]] || has_arg "--host=$(<"\${m%.match}.host")" || continue
        cat -- "\${m%.match}.out"
        break
      done
    fi
    exit 0 ;;
  mysqladmin|mariadb-admin)
    [[ -n "\${STUB_ADMIN_FAIL:-}" ]] && { echo "error: 'Can't connect' (stub)" >&2; exit 1; }
    echo "mysqld is alive"; exit 0 ;;
  ncat)
    has_arg --listen && exit 0
    n=$(count recv)
    if (( n <= \${STUB_NCAT_FAILS:-0} )); then echo "Ncat: Connection refused. (stub)" >&2; exit 1; fi
    case "\${STUB_NCAT_MODE:-fail}" in
      stream) cat -- "$STUB_NCAT_STREAM" ;;
      empty) ;;
      *) echo "Ncat: Connection refused. (stub)" >&2; exit 1 ;;
    esac
    exit 0 ;;
  xbstream|mbstream)
    [[ -n "\${STUB_STREAM_FAIL:-}" ]] && { cat >/dev/null; echo "stream error (stub)" >&2; exit 1; }
    dir=.
    for ((i = 0; i < \${#ARGS[@]}; i++)); do [[ "\${ARGS[i]}" == -C ]] && dir=\${ARGS[i+1]}; done
    tmp="$STUB_STATE/stream.$$"
    cat >"$tmp"
    rc=0
    if [[ -s "$tmp" ]]; then tar -xf "$tmp" -C "$dir" || rc=$?; fi
    rm -f "$tmp"; exit $rc ;;
  xtrabackup|mariadb-backup)
    if has_arg --version; then
      echo "$tool based on \${STUB_TOOL_SERVER:-MariaDB} server \${STUB_TOOL_VERSION:-11.4.8} Linux (x86_64) (stub)" >&2; exit 0
    fi
    if has_arg --prepare; then
      [[ -n "\${STUB_PREPARE_FAIL:-}" ]] && { echo "prepare failed (stub)" >&2; exit 1; }
      for a in "$@"; do [[ "$a" == --target-dir=* ]] && touch "\${a#--target-dir=}/prepared-by-stub"; done
    fi
    exit 0 ;;
esac
exit 0
`;

/** One canned reply of the stub SQL client: `out` for SQL containing `match` (sent to `host`, when given). */
export interface SqlReply {
  readonly match: string;
  readonly out: string;
  readonly host?: string;
}

/** Writes `replies` into a new directory under `root` for STUB_SQL_REPLIES (first match wins); returns it. */
export function sqlReplies(root: string, replies: readonly SqlReply[]): string {
  const dir = fs.mkdtempSync(path.join(root, 'sql-replies-'));
  replies.forEach((r, i) => {
    const base = path.join(dir, String(i).padStart(3, '0'));
    fs.writeFileSync(`${base}.match`, r.match);
    fs.writeFileSync(`${base}.out`, r.out);
    if (r.host !== undefined) fs.writeFileSync(`${base}.host`, r.host);
  });
  return dir;
}

/** One recorded stub call. */
export interface StubCall {
  tool: string;
  argv: string[];
  /** What the tool read on stdin (SQL clients only). */
  stdin: string;
  /** The --defaults-extra-file given as first argument, as seen during the call. */
  defaults?: { mode: string; content: string };
}

export interface StubEnv {
  root: string;
  bin: string;
  /** Base env for running a script: PATH=bin only, TMPDIR inside root. */
  env: Record<string, string>;
  calls(): StubCall[];
  callsOf(tool: string): StubCall[];
  cleanup(): void;
}

/** Create a stub environment; `omit` leaves tools out (to test missing-tool errors). */
export function createStubEnv(options: { omit?: string[] } = {}): StubEnv {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mysql-scripts-test-'));
  const bin = path.join(root, 'bin');
  const state = path.join(root, 'stub-state');
  const tmp = path.join(root, 'tmp');
  for (const d of [bin, state, tmp]) fs.mkdirSync(d);
  const stub = path.join(root, 'stub.sh');
  fs.writeFileSync(stub, STUB_SCRIPT, { mode: 0o755 });
  for (const tool of STUBBED_TOOLS) {
    if (!options.omit?.includes(tool)) fs.symlinkSync(stub, path.join(bin, tool));
  }
  for (const tool of SYSTEM_TOOLS) {
    if (!options.omit?.includes(tool)) fs.symlinkSync(which(tool), path.join(bin, tool));
  }
  const log = path.join(root, 'calls.log');
  fs.writeFileSync(log, '');

  const callsDir = path.join(state, 'calls');
  fs.mkdirSync(callsDir);
  const read = (id: string, ext: string): string | undefined => {
    const f = path.join(callsDir, `${id}.${ext}`);
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined;
  };
  const calls = (): StubCall[] =>
    fs
      .readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((line) => {
        const [tool, id] = line.split('\t');
        const argv = (read(id, 'argv') ?? '').split('\0').slice(0, -1);
        const call: StubCall = { tool, argv, stdin: read(id, 'stdin') ?? '' };
        const content = read(id, 'defaults');
        if (content !== undefined) call.defaults = { mode: (read(id, 'mode') ?? '').trim(), content };
        return call;
      });

  return {
    root,
    bin,
    env: { PATH: bin, TMPDIR: tmp, STUB_LOG: log, STUB_STATE: state, LANG: 'C' },
    calls,
    callsOf: (tool) => calls().filter((c) => c.tool === tool),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
