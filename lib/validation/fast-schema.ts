import type { Format } from 'ajv';

/** Whether a value is valid against one definition: true or false, no errors. */
export type FastCheck = (data: unknown) => boolean;

/** The schema keywords {@link FastSchemaCompiler} checks; any other (but annotations) makes a schema unsupported. */
const KEYWORDS = new Set(['$ref', 'type', 'enum', 'format', 'properties', 'required', 'additionalProperties', 'items']);
/** Keywords that only annotate. */
const ANNOTATION = /^(description|x-kubernetes-.*)$/;
const LOCAL_REF = '#/definitions/';
/** An object schema with up to this many properties tells them apart by `===`, a longer one by a `Map` and `switch`. */
const MAX_INLINE_NAMES = 8;

/** A schema construct the compiler does not handle: the kinds that reach it are left to ajv. */
class Unsupported extends Error {}

/**
 * Compiles the Kubernetes definitions (as {@link loadDefinitions} makes them strict) into plain
 * boolean checks: one JavaScript function per definition, which returns false at the first
 * violation, reports nothing, allocates nothing and calls the function of a `$ref` directly.
 *
 * A check accepts exactly what ajv (`strict: false`, draft-07, the same formats) accepts: it
 * implements the keywords of the definitions (`type`, `enum`, `format`, `properties`, `required`,
 * `additionalProperties`, `items`, local `$ref`) with the conditions of the code ajv generates
 * for them (e.g. `integer` is `typeof x == "number" && !(x % 1) && !isNaN(x)`; a format only
 * checks values of its own type; a property is checked when it is not `undefined`). Any other
 * keyword, a non-string enum or an unknown format makes {@link compile} return undefined, and the
 * caller uses ajv instead. Only the yes/no answer comes from here: the findings of an invalid
 * object always come from ajv.
 */
export class FastSchemaCompiler {
  /** Compiled checks by definition index, shared by the generated code (`R[i](x)`). */
  private readonly checks: FastCheck[] = [];
  private readonly indexOf = new Map<string, number>();
  private readonly unsupported = new Set<string>();

  constructor(private readonly definitions: Readonly<Record<string, any>>, private readonly formats: Readonly<Record<string, Format>>) {}

  /** The check of definition `name`, compiled with every definition it reaches on first use; undefined if unsupported. */
  public compile(name: string): FastCheck | undefined {
    const index = this.indexOf.get(name);
    if (index !== undefined && this.checks[index]) {
      return this.checks[index];
    }
    if (this.unsupported.has(name)) {
      return undefined;
    }
    const batch = new Batch(this, this.definitions, this.formats);
    try {
      batch.add(name);
      batch.link(this.checks);
    } catch (e) {
      if (e instanceof Unsupported) {
        this.unsupported.add(name);
        return undefined;
      }
      throw e;
    }
    return this.checks[this.indexOf.get(name)!];
  }

  /** The index of definition `name` in the shared table, assigned on first request; whether it is compiled already. */
  public slot(name: string): { index: number; compiled: boolean } {
    let index = this.indexOf.get(name);
    if (index === undefined) {
      index = this.indexOf.size;
      this.indexOf.set(name, index);
    }
    return { index, compiled: this.checks[index] !== undefined };
  }

  /** Whether definition `name` is known to be unsupported. */
  public isUnsupported(name: string): boolean {
    return this.unsupported.has(name);
  }
}

/** The definitions compiled together: the ones a kind reaches that are not compiled yet. */
class Batch {
  private readonly functions: string[] = [];
  private readonly pending: string[] = [];
  private readonly added = new Set<string>();
  /** Indexes of the listed properties of an object schema by name, `M[i]` in the generated code. */
  private readonly maps: Array<ReadonlyMap<string, number>> = [];
  private variables = 0;

  constructor(private readonly compiler: FastSchemaCompiler, private readonly definitions: Readonly<Record<string, any>>, private readonly formats: Readonly<Record<string, Format>>) {}

  /** Generates the function of definition `name` and of every definition it reaches that is not compiled yet. */
  public add(name: string): void {
    this.pending.push(name);
    this.added.add(name);
    while (this.pending.length > 0) {
      const next = this.pending.pop()!;
      const schema = this.definitions[next];
      if (schema === undefined || this.compiler.isUnsupported(next)) {
        throw new Unsupported(next);
      }
      const { index } = this.compiler.slot(next);
      this.variables = 0;
      this.functions.push(`R[${index}] = function (x) {\n${this.schema(schema, 'x')}return true;\n};`);
    }
  }

  /** Creates the functions and stores them in `checks`. */
  public link(checks: FastCheck[]): void {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const define = new Function('R', 'M', 'F', 'OP', `'use strict';\n${this.functions.join('\n')}`);
    define(checks, this.maps, this.formats, Object.prototype);
  }

  /** Statements that `return false` when the value in variable `v` is not valid against `schema`. */
  private schema(schema: any, v: string): string {
    if (schema === true || (typeof schema === 'object' && schema !== null && Object.keys(schema).every(k => ANNOTATION.test(k)))) {
      return '';
    }
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new Unsupported(JSON.stringify(schema));
    }
    for (const keyword of Object.keys(schema)) {
      if (!KEYWORDS.has(keyword) && !ANNOTATION.test(keyword)) {
        throw new Unsupported(keyword);
      }
    }
    if (schema.$ref !== undefined) {
      if (Object.keys(schema).some(k => k !== '$ref' && KEYWORDS.has(k))) {
        throw new Unsupported('$ref with other keywords');
      }
      return `if (!R[${this.ref(schema.$ref)}](${v})) return false;\n`;
    }
    const types = this.types(schema.type);
    let code = '';
    if (types) {
      code += `if (!(${types.map(t => typeCondition(t, v)).join(' || ')})) return false;\n`;
    }
    if (schema.enum !== undefined) {
      if (!Array.isArray(schema.enum) || schema.enum.length === 0 || !schema.enum.every((e: unknown) => typeof e === 'string')) {
        throw new Unsupported('enum');
      }
      code += `if (!(${schema.enum.map((e: string) => `${v} === ${JSON.stringify(e)}`).join(' || ')})) return false;\n`;
    }
    if (schema.format !== undefined) {
      code += this.format(schema.format, v);
    }
    const objectCode = this.object(schema, v);
    if (objectCode) {
      code += types?.length === 1 && types[0] === 'object' ? objectCode : `if (${typeCondition('object', v)}) {\n${objectCode}}\n`;
    }
    if (schema.items !== undefined) {
      const w = this.variable();
      const itemCode = this.schema(schema.items, w);
      if (itemCode) {
        const loop = `for (let i${w} = 0; i${w} < ${v}.length; i${w}++) {\nconst ${w} = ${v}[i${w}];\n${itemCode}}\n`;
        code += types?.length === 1 && types[0] === 'array' ? loop : `if (Array.isArray(${v})) {\n${loop}}\n`;
      }
    }
    return code;
  }

  /** The `type` keyword as a list of JSON types (undefined: no `type`). */
  private types(type: unknown): string[] | undefined {
    if (type === undefined) {
      return undefined;
    }
    const types = Array.isArray(type) ? type : [type];
    if (types.length === 0 || !types.every(t => typeof t === 'string' && TYPES.has(t)) || (types.includes('object') && types.includes('array'))) {
      throw new Unsupported(`type ${JSON.stringify(type)}`);
    }
    return types;
  }

  /** `format`: ajv checks a value with a format of the value's own type (`string` unless the format says `number`). */
  private format(name: unknown, v: string): string {
    const format = typeof name === 'string' && Object.prototype.hasOwnProperty.call(this.formats, name) ? this.formats[name] : undefined;
    if (format === true) {
      return '';
    }
    if (typeof format !== 'object' || format === null || format instanceof RegExp || typeof format.validate !== 'function' || format.async
      || (format.type !== undefined && format.type !== 'string' && format.type !== 'number')) {
      throw new Unsupported(`format ${String(name)}`);
    }
    return `if (typeof ${v} === "${format.type ?? 'string'}" && !F[${JSON.stringify(name)}].validate(${v})) return false;\n`;
  }

  /**
   * `properties`, `additionalProperties` and `required`, for an object in `v`, in one pass over the
   * keys the object has (`for…in`, as ajv's `additionalProperties` loop): loading the dozens of
   * properties a definition lists but an object does not have is what makes ajv's checks slow.
   *
   * ajv checks a listed property when `v[name] !== undefined`, which also sees non-enumerable and
   * inherited properties. So that `for…in` sees the same: no listed name may be a property of
   * `Object.prototype`, an object whose prototype is not `Object.prototype` (or null) fails the fast
   * check (ajv then judges it), and so does one whose required properties are not all among its
   * enumerable keys.
   */
  private object(schema: any, v: string): string {
    const properties = schema.properties ?? {};
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
      throw new Unsupported('properties');
    }
    const names = Object.keys(properties);
    if (names.some(name => name in Object.prototype)) {
      throw new Unsupported('a property named like one of Object.prototype');
    }
    const required: readonly string[] = schema.required ?? [];
    if (!Array.isArray(required) || !required.every(r => typeof r === 'string' && names.includes(r)) || new Set(required).size !== required.length) {
      throw new Unsupported('required');
    }
    const additional = schema.additionalProperties;
    const k = this.variable();
    const w = this.variable();
    const count = this.variable();
    const byName = names.map(name => {
      const valueCode = this.schema(properties[name], w);
      const counted = required.includes(name) ? `${count}++;\n` : '';
      return { name, code: valueCode || counted ? `if (${w} !== undefined) {\n${counted}${valueCode}}\n` : '' };
    });
    const other = additional === false ? 'return false;\n'
      : additional === undefined || additional === true ? ''
        : this.schema(additional, w);
    const cases = byName.filter(c => c.code);
    if (cases.length === 0 && !other && required.length === 0 && names.length === 0) {
      return '';
    }
    let dispatch: string;
    if (names.length <= MAX_INLINE_NAMES) {
      // Listed names without checks still need a branch, so that they do not count as additional.
      dispatch = byName.map(c => `if (${k} === ${JSON.stringify(c.name)}) {\n${c.code}}`).join(' else ');
      dispatch = dispatch ? `${dispatch} else {\n${other}}\n` : other;
    } else {
      const index = this.maps.push(new Map(names.map((name, i) => [name, i]))) - 1;
      dispatch = `switch (M[${index}].get(${k})) {\n${byName.map((c, i) => `case ${i}: {\n${c.code}break;\n}\n`).join('')}default: {\n${other}}\n}\n`;
    }
    let code = `{\nconst p${k} = Object.getPrototypeOf(${v});\nif (p${k} !== OP && p${k} !== null) return false;\n}\n`;
    if (required.length > 0) {
      code += `let ${count} = 0;\n`;
    }
    code += `for (const ${k} in ${v}) {\nconst ${w} = ${v}[${k}];\n${dispatch}}\n`;
    if (required.length > 0) {
      code += `if (${count} !== ${required.length}) return false;\n`;
    }
    return code;
  }

  /** The table index of a `#/definitions/<name>` reference, queuing the definition if it is new. */
  private ref(ref: unknown): number {
    if (typeof ref !== 'string' || !ref.startsWith(LOCAL_REF) || /[~%]/.test(ref)) {
      throw new Unsupported(`$ref ${String(ref)}`);
    }
    const name = ref.slice(LOCAL_REF.length);
    const { index, compiled } = this.compiler.slot(name);
    if (!compiled && !this.added.has(name)) {
      this.added.add(name);
      this.pending.push(name);
    }
    return index;
  }

  private variable(): string {
    return `v${this.variables++}`;
  }
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

/** ajv's test of a JSON type (`strictNumbers` is off under `strict: false`, so numbers need not be finite). */
function typeCondition(type: string, v: string): string {
  switch (type) {
    case 'null': return `${v} === null`;
    case 'array': return `Array.isArray(${v})`;
    case 'object': return `(${v} && typeof ${v} === "object" && !Array.isArray(${v}))`;
    case 'integer': return `(typeof ${v} === "number" && !(${v} % 1) && !isNaN(${v}))`;
    default: return `typeof ${v} === "${type}"`;
  }
}
