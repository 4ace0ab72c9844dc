import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The layers of lib/, lowest first: a file may import its own folder, a lower layer or a folder
 * of its own layer (none does today), never a higher one. README's "Layout" lists them in this order.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['rules'],
  ['common'],
  ['validation'],
  ['release'],
  ['credentials'],
  ['monitoring'],
  ['workloads', 'stateful-app', 'deployment-app'],
  ['mysql'],
  ['wordpress', 'harbor'],
];

/** Files that still import upward, each with the reason (none today: keep the map for a deliberate exception). */
const ALLOWED_UPWARD: Readonly<Record<string, string>> = {};

/** Files whose type-only imports may still be plain imports, each with the reason (none today). */
const TYPE_IMPORTS_PENDING: Readonly<Record<string, string>> = {};

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

const files = sourceFiles(LIB).map(f => ({ file: path.relative(ROOT, f).split(path.sep).join('/'), source: parse(f) }));

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

/**
 * The layer of a file or folder under lib/ (the files at lib/'s top, the public API lib/index.ts and the
 * package's command lib/cli.ts, are above every layer), or undefined for a folder no layer lists.
 */
function layerOf(relative: string): number | undefined {
  const parts = relative.split('/');
  if (parts.length === 2 && (/^index(\.ts)?$/.test(parts[1]) || parts[1].endsWith('.ts'))) return LAYERS.length; // lib/index.ts, lib/cli.ts
  const i = LAYERS.findIndex(l => l.includes(parts[1]));
  return i < 0 ? undefined : i;
}

/** Each relative import (and re-export) of a file, resolved to lib/... */
function importsOf(file: string, source: ts.SourceFile): Array<{ target: string; line: number }> {
  const found: Array<{ target: string; line: number }> = [];
  for (const stmt of source.statements) {
    const spec = (ts.isImportDeclaration(stmt) || ts.isExportDeclaration(stmt)) ? stmt.moduleSpecifier : undefined;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec.text));
    found.push({ target, line: source.getLineAndCharacterOfPosition(stmt.getStart()).line + 1 });
  }
  return found;
}

/** Whether `node` sits where only a type can be: inside a type, or in an interface's or an `implements` heritage clause. */
function inTypePosition(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return true;
    if (ts.isHeritageClause(n)) return n.token === ts.SyntaxKind.ImplementsKeyword || ts.isInterfaceDeclaration(n.parent);
    if (ts.isImportDeclaration(n) || ts.isExportSpecifier(n)) return true;
  }
  return false;
}

/** Whether `node` is the name a declaration or a property access gives, not a reference to an import. */
function isDeclaredName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return false;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === node;
  if (ts.isQualifiedName(parent)) return parent.right === node;
  return 'name' in parent && (parent as { name?: ts.Node }).name === node;
}

/** Names a file imports as values (no `type` modifier) but uses only as types: they must be imported with `import type`. */
function typeOnlyValueImports(source: ts.SourceFile): string[] {
  const imported: string[] = [];
  for (const stmt of source.statements) {
    if (!ts.isImportDeclaration(stmt) || !stmt.importClause || stmt.importClause.isTypeOnly) continue;
    const bindings = stmt.importClause.namedBindings;
    if (stmt.importClause.name) imported.push(stmt.importClause.name.text);
    if (bindings && ts.isNamedImports(bindings)) imported.push(...bindings.elements.filter(e => !e.isTypeOnly).map(e => e.name.text));
    if (bindings && ts.isNamespaceImport(bindings)) imported.push(bindings.name.text);
  }
  const valueUses = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !isDeclaredName(node) && !inTypePosition(node)) valueUses.add(node.text);
    if (ts.isShorthandPropertyAssignment(node)) valueUses.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return imported.filter(name => !valueUses.has(name));
}

describe('layers of lib/', () => {
  test('every folder of lib/ belongs to a layer', () => {
    const folders = fs.readdirSync(LIB, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name);
    expect(folders.filter(f => layerOf(`lib/${f}/x.ts`) === undefined)).toEqual([]);
  });

  test('no import runs up a layer', () => {
    const upward: string[] = [];
    for (const { file, source } of files) {
      if (ALLOWED_UPWARD[file]) continue;
      const own = layerOf(file)!;
      for (const { target, line } of importsOf(file, source)) {
        if (!target.startsWith('lib/')) continue; // imports/ (generated CRD classes) sits below every layer
        const layer = layerOf(target);
        if (layer !== undefined && layer > own) upward.push(`${file}:${line} imports ${target} (layer ${layer} above ${own})`);
      }
    }
    expect(upward).toEqual([]);
  });

  test('the allow-list names only files that still import upward', () => {
    for (const file of Object.keys(ALLOWED_UPWARD)) {
      const source = files.find(f => f.file === file)?.source;
      if (!source) continue;
      const own = layerOf(file)!;
      expect(importsOf(file, source).some(i => i.target.startsWith('lib/') && (layerOf(i.target) ?? -1) > own)).toBe(true);
    }
  });

  test('an import used only as a type says `import type`', () => {
    const offenders = files.filter(f => !TYPE_IMPORTS_PENDING[f.file])
      .flatMap(({ file, source }) => typeOnlyValueImports(source).map(name => `${file}: ${name}`));
    expect(offenders).toEqual([]);
  });

  test('the checks catch what they look for (an upward import, a type-only value import)', () => {
    const probe = ts.createSourceFile('lib/common/probe-x.ts',
      "import { Harbor } from '../harbor/harbor';\nimport { A, B } from './a';\nimport type { C } from './c';\nexport const x: A = B; export function f(h: Harbor): C { return h as unknown as C; }\n",
      ts.ScriptTarget.ES2022, true);
    expect(importsOf('lib/common/probe-x.ts', probe).map(i => layerOf(i.target)! > layerOf('lib/common/probe-x.ts')!)).toEqual([true, false, false]);
    expect(typeOnlyValueImports(probe)).toEqual(['Harbor', 'A']);
  });
});
