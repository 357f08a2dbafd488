// A validator for the JSON-schema subset Looker's OpenAPI 3 spec uses (type, properties, items, $ref,
// nullable, enum, required, additionalProperties, readOnly / x-looker-write-only), plus the few
// constraints hand-written route schemas need. One implementation serves request validation (as
// Fastify's validator compiler, so 422 bodies come out in Looker's shape) and response checks in tests.
// Written here rather than borrowing Ajv: Ajv is only a transitive dependency of fastify, and the
// OpenAPI dialect (`nullable`, `type: any`, readOnly semantics) would need the same glue anyway.
import { resolveRef } from './spec.ts';
import type { OasSchema } from './spec.ts';

export interface SchemaIssue {
  /** Dotted path of the offending value (`dashboard_filters[0].name`); '' for the root. */
  path: string;
  code: 'missing_field' | 'invalid';
  message: string;
}

export interface ValidateOptions {
  /**
   * `request`: readOnly properties are ignored and stripped from the returned value (Looker ignores
   * them on writes). `response`: readOnly is fine, x-looker-write-only properties are an error.
   */
  mode: 'request' | 'response';
  /** Query/path values arrive as strings: convert them to the declared integer/number/boolean/array. */
  coerce?: boolean;
  /**
   * Take a JSON number where the schema says string, as that string. Looker's server does this for
   * query bodies (Spectacles sends `"limit": 0` to create_query); routes opt in.
   */
  numbersAsStrings?: boolean;
  /** Reject properties the schema does not declare (default: allowed, as OpenAPI says). */
  rejectUnknown?: boolean;
}

export interface ValidateResult {
  value: unknown;
  issues: SchemaIssue[];
}

const KNOWN_KEYWORDS = new Set([
  '$ref', 'type', 'format', 'nullable', 'readOnly', 'x-looker-write-only', 'properties', 'additionalProperties',
  'items', 'required', 'enum', 'description', 'title', 'default', 'deprecated', 'example',
  'minLength', 'maxLength', 'minimum', 'maximum', 'pattern', 'minItems', 'maxItems',
]);

/**
 * Fails fast (at route registration) on keywords this validator would silently ignore, so a
 * hand-written schema never looks stricter than it is. `x-` extensions are documentation only.
 */
export function assertSupportedSchema(schema: OasSchema, where: string): void {
  for (const key of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(key) && !key.startsWith('x-')) throw new Error(`${where}: unsupported schema keyword '${key}'`);
  }
  if (schema.$ref !== undefined) return;
  for (const [name, sub] of Object.entries(schema.properties ?? {})) assertSupportedSchema(sub, `${where}.${name}`);
  if (schema.items) assertSupportedSchema(schema.items, `${where}[]`);
  if (typeof schema.additionalProperties === 'object') assertSupportedSchema(schema.additionalProperties, `${where}{}`);
}

function describe(path: string): string {
  return path === '' ? 'value' : `'${path}'`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function effectiveType(schema: OasSchema): string | undefined {
  if (schema.type !== undefined) return schema.type;
  // Looker's component schemas omit `type: object` and only list properties.
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return 'object';
  return undefined;
}

const ARTICLE: Record<string, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', array: 'an array', object: 'an object',
};

function coerceScalar(type: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'integer' && /^-?\d+$/.test(value)) return Number(value);
  if (type === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function coerceArray(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // The SDK sends DelimArray params comma-joined and plain JS arrays as JSON text.
  if (value.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return (parsed as unknown[]).map((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v));
    } catch {
      return value;
    }
  }
  return value === '' ? [] : value.split(',').map((s) => s.trim());
}

const SCALAR_TYPEOF: Readonly<Record<string, string>> = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean' };
const CONSTRAINTS = ['$ref', 'enum', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum'] as const;

/** The JS `typeof` a valid value has when nothing but its type constrains it; null otherwise. */
function plainScalarTypeof(schema: OasSchema): string | null {
  return schema.type !== undefined && CONSTRAINTS.every((k) => schema[k] === undefined) ? SCALAR_TYPEOF[schema.type] ?? null : null;
}

/**
 * Where a validation is: the issues so far and the path down to the value being checked, as
 * segments (object keys, array indexes). The dotted path text is only built for an issue.
 */
interface Ctx {
  readonly issues: SchemaIssue[];
  readonly path: (string | number)[];
}

/** Checks one value against the schema it was compiled from; returns it (coerced, readOnly stripped). */
type Check = (value: unknown, ctx: Ctx) => unknown;

function pathText(ctx: Ctx): string {
  let text = '';
  for (const segment of ctx.path) text = typeof segment === 'number' ? `${text}[${segment}]` : text === '' ? segment : `${text}.${segment}`;
  return text;
}

function issue(ctx: Ctx, code: SchemaIssue['code'], message: (described: string, path: string) => string): void {
  const path = pathText(ctx);
  ctx.issues.push({ path, code, message: message(describe(path), path) });
}

/**
 * A member the schema asks for by `typeof` alone, already of that type (the common case of every
 * request body), is taken as it is; anything else goes through its compiled check.
 */
interface Member {
  readonly check: Check;
  /** plainScalarTypeof of the member's schema. */
  readonly plain: string | null;
  readonly integer: boolean;
}

function member(schema: OasSchema, compile: (s: OasSchema) => Check): Member {
  return { check: compile(schema), plain: plainScalarTypeof(schema), integer: schema.type === 'integer' };
}

function checkMember(m: Member, value: unknown, key: string | number, ctx: Ctx): unknown {
  const plain = m.plain;
  if (plain !== null && typeof value === plain) {
    if (plain !== 'number' || (m.integer ? Number.isInteger(value) : Number.isFinite(value))) return value;
  }
  ctx.path.push(key);
  const out = m.check(value, ctx);
  ctx.path.pop();
  return out;
}

/**
 * Schemas compiled into checks, once per schema object and option set: a request then runs straight
 * code instead of reading its schema (property lookups, `$ref`s) again.
 */
class Compiler {
  readonly #checks = new WeakMap<OasSchema, Check>();
  readonly #options: ValidateOptions;

  constructor(options: ValidateOptions) {
    this.#options = options;
  }

  compile(schema: OasSchema): Check {
    let check = this.#checks.get(schema);
    if (check === undefined) {
      // A schema can only reach itself through a `$ref`, and those are compiled on first use.
      check = this.#build(schema);
      this.#checks.set(schema, check);
    }
    return check;
  }

  #build(schema: OasSchema): Check {
    const ref = schema.$ref;
    if (ref !== undefined) {
      let target: Check | undefined;
      // OpenAPI 3.0 cannot mark a `$ref` nullable, yet Looker answers `null` for absent nested objects
      // (e.g. `User.credentials_email`), so null is accepted wherever a referenced object may appear.
      return (value, ctx) => (value === null ? value : (target ?? (target = this.compile(resolveRef(ref))))(value, ctx));
    }
    const options = this.#options;
    const type = effectiveType(schema);
    const nullable = schema.nullable === true || type === undefined || type === 'any';
    const coerce = options.coerce === true && type !== undefined ? type : null;
    const numbersAsStrings = options.numbersAsStrings === true && type === 'string';
    const allowed = schema.enum;
    const body = this.#body(schema, type);
    return (value, ctx) => {
      if (value === null) {
        if (!nullable) issue(ctx, 'invalid', (d) => `${d} must not be null.`);
        return value;
      }
      let v: unknown = value;
      if (coerce !== null) v = coerce === 'array' ? coerceArray(v) : coerceScalar(coerce, v);
      if (numbersAsStrings && typeof v === 'number' && Number.isFinite(v)) v = String(v);
      const before = ctx.issues.length;
      v = body(v, ctx);
      if (allowed !== undefined && ctx.issues.length === before && !allowed.includes(v)) {
        issue(ctx, 'invalid', (d) => `${d} must be one of: ${allowed.map(String).join(', ')}.`);
      }
      return v;
    };
  }

  #body(schema: OasSchema, type: string | undefined): Check {
    switch (type) {
      case undefined:
      case 'any':
        return (v) => v;
      case 'string': {
        const min = schema.minLength, max = schema.maxLength, pattern = schema.pattern;
        // Built on first use, so a bad pattern fails the values it is applied to, not the schema's loading.
        let re: RegExp | undefined;
        return (v, ctx) => {
          if (typeof v !== 'string') typeIssue(ctx, type);
          else {
            if (typeof min === 'number' && v.length < min) issue(ctx, 'invalid', (d) => `${d} must have at least ${min} characters.`);
            if (typeof max === 'number' && v.length > max) issue(ctx, 'invalid', (d) => `${d} must have at most ${max} characters.`);
            if (typeof pattern === 'string' && !(re ??= new RegExp(pattern, 'u')).test(v)) issue(ctx, 'invalid', (d) => `${d} has an invalid format.`);
          }
          return v;
        };
      }
      case 'integer':
      case 'number': {
        const min = schema.minimum, max = schema.maximum;
        return (v, ctx) => {
          if (typeof v !== 'number' || !Number.isFinite(v) || (type === 'integer' && !Number.isInteger(v))) typeIssue(ctx, type);
          else {
            if (typeof min === 'number' && v < min) issue(ctx, 'invalid', (d) => `${d} must be at least ${min}.`);
            if (typeof max === 'number' && v > max) issue(ctx, 'invalid', (d) => `${d} must be at most ${max}.`);
          }
          return v;
        };
      }
      case 'boolean':
        return (v, ctx) => {
          if (typeof v !== 'boolean') typeIssue(ctx, type);
          return v;
        };
      case 'array':
        return this.#array(schema);
      case 'object':
        return this.#object(schema);
      default:
        // Thrown when such a value is checked, as before compiling: a schema nobody sends to still loads.
        return (_v, ctx) => {
          throw new Error(`Unsupported schema type '${type}' at ${describe(pathText(ctx))}`);
        };
    }
  }

  #array(schema: OasSchema): Check {
    const min = schema.minItems, max = schema.maxItems;
    const items = schema.items === undefined ? null : member(schema.items, (s) => this.compile(s));
    return (value, ctx) => {
      if (!Array.isArray(value)) {
        typeIssue(ctx, 'array');
        return value;
      }
      const v: readonly unknown[] = value;
      if (typeof min === 'number' && v.length < min) issue(ctx, 'invalid', (d) => `${d} must have at least ${min} items.`);
      if (typeof max === 'number' && v.length > max) issue(ctx, 'invalid', (d) => `${d} must have at most ${max} items.`);
      if (items === null) return v;
      const out: unknown[] = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) out[i] = checkMember(items, v[i], i, ctx);
      return out;
    };
  }

  #object(schema: OasSchema): Check {
    const { mode, rejectUnknown } = this.#options;
    const props = new Map<string, Member & { readonly readOnly: boolean; readonly writeOnly: boolean }>();
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      props.set(name, { ...member(prop, (s) => this.compile(s)), readOnly: prop.readOnly === true, writeOnly: prop['x-looker-write-only'] === true });
    }
    // Required members a request may leave out: readOnly ones (Looker ignores them on writes).
    const required = (schema.required ?? []).filter((name) => !(mode === 'request' && props.get(name)?.readOnly === true));
    const extra = schema.additionalProperties;
    const extraMember = typeof extra === 'object' ? member(extra, (s) => this.compile(s)) : null;
    const rejectOthers = extra === false || (extra === undefined && rejectUnknown === true && schema.properties !== undefined);
    return (v, ctx) => {
      if (!isPlainObject(v)) {
        typeIssue(ctx, 'object');
        return v;
      }
      for (const name of required) {
        if (!(name in v) || v[name] === undefined) {
          ctx.path.push(name);
          issue(ctx, 'missing_field', (_d, path) => `'${path}' is required.`);
          ctx.path.pop();
        }
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        // Assigning `out.__proto__` would swap the prototype of the object handed to handlers.
        if (key === '__proto__') continue;
        const item = v[key];
        const prop = props.get(key);
        if (prop !== undefined) {
          if (prop.readOnly && mode === 'request') continue;
          if (prop.writeOnly && mode === 'response') {
            ctx.path.push(key);
            issue(ctx, 'invalid', (d) => `${d} is write-only and must not be returned.`);
            ctx.path.pop();
            continue;
          }
          out[key] = checkMember(prop, item, key, ctx);
        } else if (extraMember !== null) out[key] = checkMember(extraMember, item, key, ctx);
        else if (rejectOthers) {
          ctx.path.push(key);
          issue(ctx, 'invalid', (d) => `${d} is not a known property.`);
          ctx.path.pop();
        } else out[key] = item;
      }
      return out;
    };
  }
}

function typeIssue(ctx: Ctx, type: string): void {
  issue(ctx, 'invalid', (d) => `${d} must be ${ARTICLE[type] ?? type}.`);
}

/** One compiler per option set, so equal schemas under equal options share their checks. */
const compilers = new Map<string, Compiler>();

function compilerFor(options: ValidateOptions): Compiler {
  const key = `${options.mode}|${options.coerce === true}|${options.numbersAsStrings === true}|${options.rejectUnknown === true}`;
  let compiler = compilers.get(key);
  if (compiler === undefined) {
    compiler = new Compiler({ ...options });
    compilers.set(key, compiler);
  }
  return compiler;
}

/** A validator for one schema and option set, compiled once (route registration) and run per request. */
export function compileValidator(schema: OasSchema, options: ValidateOptions): (value: unknown) => ValidateResult {
  const check = compilerFor(options).compile(schema);
  return (value) => {
    const issues: SchemaIssue[] = [];
    const out = check(value, { issues, path: [] });
    return { value: out, issues };
  };
}

export function validateValue(schema: OasSchema, value: unknown, options: ValidateOptions): ValidateResult {
  return compileValidator(schema, options)(value);
}
