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

export function validateValue(schema: OasSchema, value: unknown, options: ValidateOptions): ValidateResult {
  const issues: SchemaIssue[] = [];
  const out = check(schema, value, '', options, issues);
  return { value: out, issues };
}

function describe(path: string): string {
  return path === '' ? 'value' : `'${path}'`;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
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
/** Per schema object: the JS `typeof` a valid value has when nothing but its type constrains it; null otherwise. */
const plainScalars = new WeakMap<OasSchema, string | null>();

function plainScalarTypeof(schema: OasSchema): string | null {
  let t = plainScalars.get(schema);
  if (t === undefined) {
    t = schema.type !== undefined && CONSTRAINTS.every((k) => schema[k] === undefined) ? SCALAR_TYPEOF[schema.type] ?? null : null;
    plainScalars.set(schema, t);
  }
  return t;
}

/**
 * Most members of a request are scalars that already have their schema's type: they are accepted
 * as they are without building their path (the common case of every request body).
 */
function isPlainValid(schema: OasSchema, value: unknown): boolean {
  const t = plainScalarTypeof(schema);
  if (t === null || typeof value !== t) return false;
  if (t !== 'number') return true;
  return schema.type === 'integer' ? Number.isInteger(value) : Number.isFinite(value);
}

function check(schema: OasSchema, value: unknown, path: string, options: ValidateOptions, issues: SchemaIssue[]): unknown {
  if (schema.$ref !== undefined) {
    // OpenAPI 3.0 cannot mark a `$ref` nullable, yet Looker answers `null` for absent nested objects
    // (e.g. `User.credentials_email`), so null is accepted wherever a referenced object may appear.
    if (value === null) return value;
    return check(resolveRef(schema.$ref), value, path, options, issues);
  }
  if (value === null) {
    if (schema.nullable === true || effectiveType(schema) === undefined || effectiveType(schema) === 'any') return value;
    issues.push({ path, code: 'invalid', message: `${describe(path)} must not be null.` });
    return value;
  }
  const type = effectiveType(schema);
  let v: unknown = value;
  if (options.coerce === true && type !== undefined) v = type === 'array' ? coerceArray(v) : coerceScalar(type, v);
  if (options.numbersAsStrings === true && type === 'string' && typeof v === 'number' && Number.isFinite(v)) v = String(v);
  const before = issues.length;
  switch (type) {
    case undefined:
    case 'any':
      break;
    case 'string':
      if (typeof v !== 'string') issues.push(typeIssue(path, type));
      else checkString(schema, v, path, issues);
      break;
    case 'integer':
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v) || (type === 'integer' && !Number.isInteger(v))) issues.push(typeIssue(path, type));
      else checkNumber(schema, v, path, issues);
      break;
    case 'boolean':
      if (typeof v !== 'boolean') issues.push(typeIssue(path, type));
      break;
    case 'array':
      if (!Array.isArray(v)) issues.push(typeIssue(path, type));
      else v = checkArray(schema, v, path, options, issues);
      break;
    case 'object':
      if (!isPlainObject(v)) issues.push(typeIssue(path, type));
      else v = checkObject(schema, v, path, options, issues);
      break;
    default:
      throw new Error(`Unsupported schema type '${type}' at ${describe(path)}`);
  }
  if (issues.length === before && schema.enum !== undefined && !schema.enum.includes(v)) {
    issues.push({ path, code: 'invalid', message: `${describe(path)} must be one of: ${schema.enum.map(String).join(', ')}.` });
  }
  return v;
}

function typeIssue(path: string, type: string): SchemaIssue {
  return { path, code: 'invalid', message: `${describe(path)} must be ${ARTICLE[type] ?? type}.` };
}

function checkString(schema: OasSchema, v: string, path: string, issues: SchemaIssue[]): void {
  const min = schema.minLength, max = schema.maxLength, pattern = schema.pattern;
  if (typeof min === 'number' && v.length < min) issues.push({ path, code: 'invalid', message: `${describe(path)} must have at least ${min} characters.` });
  if (typeof max === 'number' && v.length > max) issues.push({ path, code: 'invalid', message: `${describe(path)} must have at most ${max} characters.` });
  if (typeof pattern === 'string' && !new RegExp(pattern, 'u').test(v)) issues.push({ path, code: 'invalid', message: `${describe(path)} has an invalid format.` });
}

function checkNumber(schema: OasSchema, v: number, path: string, issues: SchemaIssue[]): void {
  const min = schema.minimum, max = schema.maximum;
  if (typeof min === 'number' && v < min) issues.push({ path, code: 'invalid', message: `${describe(path)} must be at least ${min}.` });
  if (typeof max === 'number' && v > max) issues.push({ path, code: 'invalid', message: `${describe(path)} must be at most ${max}.` });
}

function checkArray(schema: OasSchema, v: unknown[], path: string, options: ValidateOptions, issues: SchemaIssue[]): unknown[] {
  const min = schema.minItems, max = schema.maxItems;
  if (typeof min === 'number' && v.length < min) issues.push({ path, code: 'invalid', message: `${describe(path)} must have at least ${min} items.` });
  if (typeof max === 'number' && v.length > max) issues.push({ path, code: 'invalid', message: `${describe(path)} must have at most ${max} items.` });
  const items = schema.items;
  if (!items) return v;
  return v.map((item, i) => (isPlainValid(items, item) ? item : check(items, item, `${path}[${i}]`, options, issues)));
}

function checkObject(
  schema: OasSchema, v: Record<string, unknown>, path: string, options: ValidateOptions, issues: SchemaIssue[],
): Record<string, unknown> {
  const props = schema.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    const prop = props[name];
    const ignored = options.mode === 'request' && prop !== undefined && isReadOnly(prop);
    if (!ignored && (!(name in v) || v[name] === undefined)) {
      issues.push({ path: join(path, name), code: 'missing_field', message: `'${join(path, name)}' is required.` });
    }
  }
  for (const [key, item] of Object.entries(v)) {
    // Assigning `out.__proto__` would swap the prototype of the object handed to handlers.
    if (key === '__proto__') continue;
    const prop = Object.hasOwn(props, key) ? props[key] : undefined;
    if (prop !== undefined) {
      if (options.mode === 'request' && isReadOnly(prop)) continue;
      if (options.mode === 'response' && prop['x-looker-write-only'] === true) {
        const childPath = join(path, key);
        issues.push({ path: childPath, code: 'invalid', message: `${describe(childPath)} is write-only and must not be returned.` });
        continue;
      }
      out[key] = isPlainValid(prop, item) ? item : check(prop, item, join(path, key), options, issues);
      continue;
    }
    const childPath = join(path, key);
    const extra = schema.additionalProperties;
    if (typeof extra === 'object') out[key] = check(extra, item, childPath, options, issues);
    else if (extra === false || (extra === undefined && options.rejectUnknown === true && schema.properties !== undefined)) {
      issues.push({ path: childPath, code: 'invalid', message: `${describe(childPath)} is not a known property.` });
    } else out[key] = item;
  }
  return out;
}

function isReadOnly(schema: OasSchema): boolean {
  return schema.readOnly === true;
}
