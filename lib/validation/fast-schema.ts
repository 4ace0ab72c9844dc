import type { Format } from 'ajv';

/** Whether a value is valid against one definition: true or false, no errors. */
export type FastCheck = (data: unknown) => boolean;

/** JSON types as bits of {@link SchemaNode.types}. */
const STRING = 1;
const NUMBER = 2;
const INTEGER = 4;
const BOOLEAN = 8;
const NULL = 16;
const OBJECT = 32;
const ARRAY = 64;
const TYPE_BITS: Readonly<Record<string, number>> = {
  string: STRING, number: NUMBER, integer: INTEGER, boolean: BOOLEAN, null: NULL, object: OBJECT, array: ARRAY,
};

/** The schema keywords {@link FastSchemaCompiler} checks; any other (but annotations) makes a schema unsupported. */
const KEYWORDS = new Set(['$ref', 'type', 'enum', 'format', 'properties', 'required', 'additionalProperties', 'items']);
/** Keywords that only annotate. */
const ANNOTATION = /^(description|x-kubernetes-.*)$/;
const LOCAL_REF = '#/definitions/';

/** A schema, compiled: what {@link check} tests a value against. A `$ref` is the node of its definition. */
interface SchemaNode {
  /** Only {@link types} to test. */
  typesOnly: boolean;
  /** Allowed JSON types (bits), 0 for any. */
  types: number;
  /** `enum` (strings only). */
  values: ReadonlySet<string> | undefined;
  /** `format`: the type of value it checks and its test. */
  format: { readonly type: string; readonly def: { validate(value: any): boolean } } | undefined;
  /** `properties`, `required`, `additionalProperties`, for objects. */
  object: ObjectSchema | undefined;
  /** `items`, for arrays. */
  items: SchemaNode | undefined;
}

interface ObjectSchema {
  /** `properties`: the schema of each, and whether it is `required`. */
  readonly properties: ReadonlyMap<string, { readonly schema: SchemaNode; readonly required: boolean }>;
  /** How many properties are `required`. */
  readonly required: number;
  /** `additionalProperties`: false, a schema, or undefined (any). */
  readonly additional: SchemaNode | false | undefined;
}

/** A schema construct the compiler does not handle: the kinds that reach it are left to ajv. */
class Unsupported extends Error {}

/**
 * Compiles the Kubernetes definitions (as {@link loadDefinitions} makes them strict) into plain
 * yes/no checks: a tree of nodes per definition (shared between definitions, `$ref`s point at the
 * node of their definition), walked by one function, {@link check}, that returns false at the
 * first violation, reports nothing and allocates nothing. ajv's validators, one generated
 * function per definition, pass each `$ref` an options object and a path string, keep error
 * counts and spread the work over hundreds of functions, the big ones of which V8 optimizes late
 * or never; {@link check} gets all the work and is optimized after a few objects.
 *
 * A check accepts what ajv (`strict: false`, draft-07, the same formats) accepts: it implements
 * the keywords of the definitions (`type`, `enum`, `format`, `properties`, `required`,
 * `additionalProperties`, `items`, local `$ref`) with the conditions of the code ajv generates for
 * them (`integer` is `typeof x == "number" && !(x % 1) && !isNaN(x)`; a format only checks values
 * of its own type; a property is checked when it is not `undefined`; `required` means not
 * `undefined`). Any other keyword, a non-string enum or an unknown format makes {@link compile}
 * return undefined, and the caller uses ajv instead. Only the yes/no answer comes from here: the
 * findings of an invalid object always come from ajv.
 *
 * Objects are checked in one pass over the keys they have (`for…in`, as ajv's
 * `additionalProperties` loop), not by loading each of the dozens of properties a definition
 * lists (which is what makes ajv's checks slow). ajv looks a listed property up with `x[name]`,
 * which also sees non-enumerable and inherited properties, so that `for…in` sees the same: no
 * listed name may be a property of `Object.prototype`, and an object whose prototype is not
 * `Object.prototype` (or null) fails the check, as does one whose required properties are not all
 * among its enumerable keys; ajv then judges it. (Own non-enumerable properties, which neither
 * `for…in` nor `JSON.stringify` see, are not looked at.)
 */
export class FastSchemaCompiler {
  private readonly nodes = new Map<string, SchemaNode>();
  private readonly unsupported = new Set<string>();
  private readonly checks = new Map<string, FastCheck>();
  /** Definition nodes registered but not filled in yet (a `$ref` to one of them is fine, being one of them is not). */
  private readonly filling = new Set<SchemaNode>();

  constructor(private readonly definitions: Readonly<Record<string, any>>, private readonly formats: Readonly<Record<string, Format>>) {}

  /** The check of definition `name`, compiled with every definition it reaches on first use; undefined if unsupported. */
  public compile(name: string): FastCheck | undefined {
    let fast = this.checks.get(name);
    if (fast || this.unsupported.has(name)) {
      return fast;
    }
    const created: string[] = [];
    let root: SchemaNode;
    try {
      root = this.definition(name, created);
    } catch (e) {
      if (!(e instanceof Unsupported)) {
        throw e;
      }
      // Forget the nodes of this attempt: some may be incomplete.
      created.forEach(n => this.nodes.delete(n));
      this.filling.clear();
      this.unsupported.add(name);
      return undefined;
    }
    fast = data => check(root, data);
    this.checks.set(name, fast);
    return fast;
  }

  /** The node of definition `name`, compiled (with the definitions it reaches) unless it is already; `created` gets the new ones. */
  private definition(name: string, created: string[]): SchemaNode {
    let node = this.nodes.get(name);
    if (!node) {
      const schema = Object.prototype.hasOwnProperty.call(this.definitions, name) ? this.definitions[name] : undefined;
      if (schema === undefined || this.unsupported.has(name)) {
        throw new Unsupported(name);
      }
      // Registered before it is filled in, so that recursive definitions point at it.
      node = emptyNode();
      this.nodes.set(name, node);
      created.push(name);
      this.filling.add(node);
      const compiled = this.schema(schema, created);
      if (this.filling.has(compiled)) {
        throw new Unsupported(`${name} is a $ref to a definition that is not compiled yet`);
      }
      Object.assign(node, compiled);
      this.filling.delete(node);
    }
    return node;
  }

  private schema(schema: any, created: string[]): SchemaNode {
    const node = emptyNode();
    if (schema === true) {
      return node;
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
      return this.definition(refName(schema.$ref), created);
    }
    node.types = types(schema.type);
    if (schema.enum !== undefined) {
      if (!Array.isArray(schema.enum) || schema.enum.length === 0 || !schema.enum.every((e: unknown) => typeof e === 'string')) {
        throw new Unsupported('enum');
      }
      node.values = new Set(schema.enum);
    }
    if (schema.format !== undefined) {
      node.format = this.format(schema.format);
    }
    if (schema.properties !== undefined || schema.required !== undefined || schema.additionalProperties !== undefined) {
      node.object = this.object(schema, created);
    }
    if (schema.items !== undefined) {
      node.items = this.schema(schema.items, created);
    }
    node.typesOnly = node.types !== 0 && !node.values && !node.format && !node.object && !node.items;
    return node;
  }

  /** `format`: ajv checks a value with a format of the value's own type (`string` unless the format says `number`); undefined for a format that checks nothing. */
  private format(name: unknown): SchemaNode['format'] {
    const format = typeof name === 'string' && Object.prototype.hasOwnProperty.call(this.formats, name) ? this.formats[name] : undefined;
    if (format === true) {
      return undefined;
    }
    if (typeof format !== 'object' || format === null || format instanceof RegExp || typeof format.validate !== 'function' || format.async
      || (format.type !== undefined && format.type !== 'string' && format.type !== 'number')) {
      throw new Unsupported(`format ${String(name)}`);
    }
    return { type: format.type ?? 'string', def: format as { validate(value: any): boolean } };
  }

  private object(schema: any, created: string[]): ObjectSchema {
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
    return {
      properties: new Map(names.map(name => [name, { schema: this.schema(properties[name], created), required: required.includes(name) }])),
      required: required.length,
      additional: additional === false ? false : additional === undefined || additional === true ? undefined : this.schema(additional, created),
    };
  }
}

function emptyNode(): SchemaNode {
  return { typesOnly: false, types: 0, values: undefined, format: undefined, object: undefined, items: undefined };
}

function refName(ref: unknown): string {
  if (typeof ref !== 'string' || !ref.startsWith(LOCAL_REF) || /[~%]/.test(ref)) {
    throw new Unsupported(`$ref ${String(ref)}`);
  }
  return ref.slice(LOCAL_REF.length);
}

/** The `type` keyword as bits (0: no `type`). */
function types(type: unknown): number {
  if (type === undefined) {
    return 0;
  }
  const list = Array.isArray(type) ? type : [type];
  if (list.length === 0 || !list.every(t => typeof t === 'string' && Object.prototype.hasOwnProperty.call(TYPE_BITS, t)) || (list.includes('object') && list.includes('array'))) {
    throw new Unsupported(`type ${JSON.stringify(type)}`);
  }
  return list.reduce((bits: number, t: string) => bits | TYPE_BITS[t], 0);
}

/**
 * Whether `x` is valid against `node`. One function for all of it (types, enum, format, objects,
 * arrays), so that the work of every object goes to the same function, which V8 then optimizes
 * after a few objects.
 */
function check(node: SchemaNode, x: unknown): boolean {
  const types = node.types;
  if (types !== 0) {
    // ajv's type tests (`strictNumbers` is off under `strict: false`: numbers need not be finite).
    let typed: boolean;
    switch (typeof x) {
      case 'string': typed = (types & STRING) !== 0; break;
      case 'boolean': typed = (types & BOOLEAN) !== 0; break;
      case 'number': typed = (types & NUMBER) !== 0 || ((types & INTEGER) !== 0 && !(x % 1) && !isNaN(x)); break;
      case 'object': typed = x === null ? (types & NULL) !== 0 : Array.isArray(x) ? (types & ARRAY) !== 0 : (types & OBJECT) !== 0; break;
      default: typed = false;
    }
    if (!typed) {
      return false;
    }
    if (node.typesOnly) {
      return true;
    }
  }
  if (node.values !== undefined && !(typeof x === 'string' && node.values.has(x))) {
    return false;
  }
  if (node.format !== undefined && typeof x === node.format.type && !node.format.def.validate(x)) {
    return false;
  }
  const object = node.object;
  if (object !== undefined && x && typeof x === 'object' && !Array.isArray(x)) {
    const prototype = Object.getPrototypeOf(x);
    if (prototype !== Object.prototype && prototype !== null) {
      return false;
    }
    let required = 0;
    for (const key in x) {
      const value = (x as Record<string, unknown>)[key];
      const property = object.properties.get(key);
      if (property !== undefined) {
        if (value !== undefined) {
          if (property.required) {
            required++;
          }
          if (!check(property.schema, value)) {
            return false;
          }
        }
      } else if (object.additional === false || (object.additional !== undefined && !check(object.additional, value))) {
        return false;
      }
    }
    return required === object.required;
  }
  const items = node.items;
  if (items !== undefined && Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      if (!check(items, x[i])) {
        return false;
      }
    }
  }
  return true;
}
