/**
 * The env a MySQL container script requires, read from the scripts themselves: the variables
 * named by the `require_env` calls it can reach (the helper is described in
 * lib/mysql/scripts/common.sh; create-users.sh has its own copy).
 *
 * How a script is read:
 * - comments and the literal text of quoted strings are blanked (code inside `$(...)` is kept);
 * - a function is a definition `name() {` / `name() (` at column 0 up to the `}` / `)` at column 0,
 *   in the script or in a file it sources (`source "$(dirname ...)/<file>"`);
 * - from the script's top level (and the top level of what it sources), every function whose name
 *   appears as a word is reachable, transitively. Branches are not followed separately: a
 *   requirement anywhere in a reachable function counts, so a condition must be written into the
 *   call (`require_env --when NAME[=VALUE] ...`), which is kept with the requirement;
 * - a script whose first argument names one of its own functions runs it (s3.sh's `"$COMMAND"`);
 * - a `require_env` call is a line of its own; any other use of the name is an error here, so a
 *   call cannot be missed.
 * Calls hidden in single-quoted strings (`trap '...'`) are not seen; none of them require env.
 */
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.resolve(__dirname, '..', '..', 'lib', 'mysql');
/** The directories of the scripts; the cluster's scripts ConfigMap holds both, side by side. */
export const SCRIPT_DIRS = [path.join(LIB, 'scripts'), path.join(LIB, 'backup', 'scripts')];

/** One variable a script requires. */
export interface Requirement {
  readonly name: string;
  /** Set is enough (`--may-be-empty`). */
  readonly mayBeEmpty: boolean;
  /** Required only when this variable is non-empty (`--when NAME`) or has `value` (`--when NAME=VALUE`). */
  readonly when?: { readonly name: string; readonly value?: string };
}

/** The path of script `file` (a file name, as in the ConfigMap). */
export function scriptPath(file: string): string {
  const found = SCRIPT_DIRS.map((d) => path.join(d, file)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`no script ${file} in ${SCRIPT_DIRS.join(' or ')}`);
  return found;
}

/** The `.sh` files of the script directories. */
export function allScripts(): string[] {
  return SCRIPT_DIRS.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.sh'))).sort();
}

/** `text` with comments and the literal parts of quoted strings replaced by spaces (newlines kept). */
export function blankLiterals(text: string): string {
  let out = '';
  let i = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  // Code until `)` at depth 0 when `inSubstitution`, else to the end.
  const code = (inSubstitution: boolean): void => {
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') {
        out += blank(text.slice(i, i + 2));
        i += 2;
      } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
        const end = text.indexOf('\n', i);
        const stop = end < 0 ? text.length : end;
        out += blank(text.slice(i, stop));
        i = stop;
      } else if (c === "'" || (c === '$' && text[i + 1] === "'")) {
        const start = i;
        i += c === '$' ? 2 : 1;
        while (i < text.length && text[i] !== "'") i += c === '$' && text[i] === '\\' ? 2 : 1;
        i += 1;
        out += blank(text.slice(start, i));
      } else if (c === '"') {
        out += ' ';
        i += 1;
        doubleQuoted();
      } else if (c === '$' && text[i + 1] === '(') {
        out += '$(';
        i += 2;
        code(true);
      } else if (c === '(') {
        depth += 1;
        out += c;
        i += 1;
      } else if (c === ')') {
        out += c;
        i += 1;
        if (depth === 0 && inSubstitution) return;
        depth -= 1;
      } else {
        out += c;
        i += 1;
      }
    }
  };
  const doubleQuoted = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') {
        out += blank(text.slice(i, i + 2));
        i += 2;
      } else if (c === '"') {
        out += ' ';
        i += 1;
        return;
      } else if (c === '$' && text[i + 1] === '(') {
        out += '$(';
        i += 2;
        code(true);
      } else {
        out += blank(c);
        i += 1;
      }
    }
  };
  code(false);
  return out;
}

interface ParsedFile {
  /** Lines outside function definitions. */
  readonly topLevel: string[];
  readonly functions: Map<string, string[]>;
  /** Files it sources, by name. */
  readonly sources: string[];
}

const parsedFiles = new Map<string, ParsedFile>();

function parseFile(file: string): ParsedFile {
  let parsed = parsedFiles.get(file);
  if (!parsed) {
    parsed = parseText(file, fs.readFileSync(scriptPath(file), 'utf8'));
    parsedFiles.set(file, parsed);
  }
  return parsed;
}

function parseText(file: string, original: string): ParsedFile {
  const sources = [...original.matchAll(/^\s*source "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/([\w.-]+)"/gm)].map((m) => m[1]);
  const lines = blankLiterals(original).split('\n');
  const topLevel: string[] = [];
  const functions = new Map<string, string[]>();
  for (let n = 0; n < lines.length; n++) {
    const def = /^([A-Za-z_]\w*)\(\)\s*([{(])\s*$/.exec(lines[n]);
    if (!def) {
      topLevel.push(lines[n]);
      continue;
    }
    const close = def[2] === '{' ? '}' : ')';
    const body: string[] = [];
    for (n++; n < lines.length && lines[n].trimEnd() !== close; n++) body.push(lines[n]);
    if (n === lines.length) throw new Error(`${file}: function ${def[1]} has no '${close}' at column 0`);
    functions.set(def[1], body);
  }
  return { topLevel, functions, sources };
}

/** `file` and what it sources, transitively, in order. */
function withSources(file: string, seen: string[] = []): string[] {
  if (seen.includes(file)) return seen;
  seen.push(file);
  for (const s of parseFile(file).sources) withSources(s, seen);
  return seen;
}

/** Names that may be function calls: words not part of a variable, an option, a path or a case pattern. */
function words(lines: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const line of lines) {
    const code = line.replace(/^(\s*)((?:[\w.*?+-]+\s*\|\s*)*[\w.*?+-]+)\)/, (_, indent: string, pattern: string) => indent + ' '.repeat(pattern.length + 1));
    for (const m of code.matchAll(/(?<![\w$!{./-])[A-Za-z_]\w*(?![\w-])/g)) found.add(m[0]);
  }
  return found;
}

function parseCall(file: string, line: string): Requirement[] {
  const argv = line.trim().split(/\s+/).slice(1);
  let mayBeEmpty = false;
  let when: Requirement['when'];
  while (argv[0]?.startsWith('--')) {
    const option = argv.shift()!;
    if (option === '--may-be-empty') {
      mayBeEmpty = true;
    } else if (option === '--when') {
      const m = /^([A-Z][A-Z0-9_]*)(?:=([\w.-]+))?$/.exec(argv.shift() ?? '');
      if (!m) throw new Error(`${file}: cannot read the condition of '${line.trim()}'`);
      when = m[2] === undefined ? { name: m[1] } : { name: m[1], value: m[2] };
    } else {
      throw new Error(`${file}: unknown require_env option in '${line.trim()}'`);
    }
  }
  if (argv.length === 0 || argv.some((a) => !/^[A-Z][A-Z0-9_]*$/.test(a))) {
    throw new Error(`${file}: '${line.trim()}' must name plain variables (one call per line, no quoting, no expansions)`);
  }
  return argv.map((name) => ({ name, mayBeEmpty, ...(when ? { when } : {}) }));
}

/** What `bash <script> <args>` requires from its env, in the order of the calls. */
export function requirements(script: string, args: readonly string[] = []): Requirement[] {
  const files = withSources(script);
  const parsed = new Map(files.map((f) => [f, parseFile(f)]));
  const definedIn = new Map<string, string>();
  for (const f of files) for (const name of parsed.get(f)!.functions.keys()) definedIn.set(name, f);
  for (const f of files) {
    const { topLevel, functions } = parsed.get(f)!;
    for (const line of [...topLevel, ...[...functions.values()].flat()]) {
      const uses = line.match(/(?<![\w-])require_env(?![\w-])/g)?.length ?? 0;
      if (uses > 1 || (uses === 1 && !/^\s*require_env(\s|$|\(\) [{(]$)/.test(line))) {
        throw new Error(`${f}: require_env must be called on a line of its own: '${line.trim()}'`);
      }
    }
  }

  const chunks: Array<{ file: string; lines: string[] }> = files.map((f) => ({ file: f, lines: parsed.get(f)!.topLevel }));
  const reached = new Set<string>();
  const reach = (name: string) => {
    if (reached.has(name) || !definedIn.has(name)) return;
    reached.add(name);
    const file = definedIn.get(name)!;
    chunks.push({ file, lines: parsed.get(file)!.functions.get(name)! });
  };
  if (args[0] !== undefined && parsed.get(script)!.functions.has(args[0])) reach(args[0]);
  const found: Requirement[] = [];
  for (let k = 0; k < chunks.length; k++) {
    const { file, lines } = chunks[k];
    for (const w of words(lines)) reach(w);
    for (const line of lines) if (/^\s*require_env\s/.test(line)) found.push(...parseCall(file, line));
  }
  return found;
}
