/**
 * A Go text/template renderer for the actions the release charts have, following Go's lexer
 * (text/template/parse/lex.go): `{{`/`}}` delimiters, trim markers `{{- ` and ` -}}`, comments
 * `{{/* ... *\/}}`, interpreted ("...") and raw (`...`) strings, inside which `}}` does not end the action;
 * a field chain of `data` (`.Values.secondary.replicaCount`) and Helm's `add <integer> <field chain>`.
 * Any other action (another function, a pipeline, a field `data` lacks) throws.
 */
export function renderGoTemplate(template: string, data: Record<string, unknown> = {}): string {
  let out = '';
  let i = 0;
  let trimNext = false;
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    let text = template.slice(i, open === -1 ? template.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open === -1) {
      out += text;
      break;
    }
    let j = open + 2;
    if (template[j] === '-' && isSpace(template[j + 1])) {
      text = text.replace(/[ \t\r\n]+$/, '');
      j += 2;
    }
    out += text;
    const action = lexAction(template, j, data);
    out += action.value;
    trimNext = action.trimRight;
    i = action.end;
  }
  return out;
}

function lexAction(t: string, start: number, data: Record<string, unknown>): { value: string; end: number; trimRight: boolean } {
  let j = start;
  const skipSpace = () => { while (/[ \t\r\n]/.test(t[j] ?? '')) j++; };
  skipSpace();
  const close = (): { end: number; trimRight: boolean } => {
    skipSpace();
    if (t.startsWith('-}}', j) && /[ \t\r\n]/.test(t[j - 1])) return { end: j + 3, trimRight: true };
    if (t.startsWith('}}', j)) return { end: j + 2, trimRight: false };
    throw new Error(`unsupported action at ${start}: ${JSON.stringify(t.slice(start, start + 40))}`);
  };
  if (t.startsWith('/*', j)) {
    const endComment = t.indexOf('*/', j + 2);
    if (endComment === -1) throw new Error('unclosed comment');
    j = endComment + 2;
    return { value: '', ...close() };
  }
  if (t[j] === '`') {
    const endRaw = t.indexOf('`', j + 1);
    if (endRaw === -1) throw new Error('unterminated raw quoted string');
    const value = t.slice(j + 1, endRaw);
    j = endRaw + 1;
    return { value, ...close() };
  }
  if (t[j] === '"') {
    let value = '';
    j++;
    for (;;) {
      const c = t[j];
      if (c === undefined || c === '\n') throw new Error('unterminated quoted string');
      if (c === '"') { j++; break; }
      if (c === '\\') {
        const e = t[j + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };
        if (e in simple) { value += simple[e]; j += 2; continue; }
        const hex = { x: 2, u: 4, U: 8 }[e as 'x' | 'u' | 'U'];
        if (hex) { value += String.fromCodePoint(parseInt(t.slice(j + 2, j + 2 + hex), 16)); j += 2 + hex; continue; }
        throw new Error(`unknown escape \\${e}`);
      }
      value += c;
      j++;
    }
    return { value, ...close() };
  }
  const field = /^(?:add[ \t]+(\d+)[ \t]+)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/.exec(t.slice(j));
  if (field) {
    const value = field[2].split('.').slice(1).reduce<any>((v, key) => (v !== null && typeof v === 'object' ? v[key] : undefined), data);
    if (value === undefined) throw new Error(`no value for ${field[2]}`);
    j += field[0].length;
    return { value: String(field[1] === undefined ? value : Number(field[1]) + Number(value)), ...close() };
  }
  throw new Error(`unsupported action at ${start}: ${JSON.stringify(t.slice(start - 2, start + 40))}`);
}
