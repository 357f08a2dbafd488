import { describe, expect, it } from 'vitest';
import { assertSupportedSchema, validateValue } from './schema-validate.ts';
import type { OasSchema } from './spec.ts';
import { responseSchema, validateResponse, validateSchema } from './spec-validate.ts';

const req = { mode: 'request' } as const;
const res = { mode: 'response' } as const;

describe('validateValue', () => {
  it('checks scalar types, nullable and enum', () => {
    expect(validateValue({ type: 'string' }, 'x', res).issues).toEqual([]);
    expect(validateValue({ type: 'integer' }, 1.5, res).issues).toEqual([{ path: '', code: 'invalid', message: 'value must be an integer.' }]);
    expect(validateValue({ type: 'string' }, null, res).issues).toEqual([{ path: '', code: 'invalid', message: 'value must not be null.' }]);
    expect(validateValue({ type: 'string', nullable: true }, null, res).issues).toEqual([]);
    expect(validateValue({ type: 'string', enum: ['a', 'b'] }, 'c', res).issues).toEqual([{ path: '', code: 'invalid', message: 'value must be one of: a, b.' }]);
    expect(validateValue({ type: 'any', format: 'any' }, { x: [1] }, res).issues).toEqual([]);
  });

  it('accepts members that already have their plain type as they are, and still checks the rest', () => {
    const schema: OasSchema = {
      properties: {
        n: { type: 'integer' }, x: { type: 'number' }, s: { type: 'string' }, b: { type: 'boolean' },
        short: { type: 'string', maxLength: 2 }, list: { type: 'array', items: { type: 'integer' } },
      },
    };
    const good = { n: 3, x: 1.5, s: 'a', b: false, short: 'ab', list: [1, 2] };
    expect(validateValue(schema, good, req)).toEqual({ value: good, issues: [] });
    expect(validateValue(schema, { n: 1.5, x: Number.POSITIVE_INFINITY, s: 1, b: 'no', short: 'abc', list: [1, 2.5, '3'] }, req).issues).toEqual([
      { path: 'n', code: 'invalid', message: "'n' must be an integer." },
      { path: 'x', code: 'invalid', message: "'x' must be a number." },
      { path: 's', code: 'invalid', message: "'s' must be a string." },
      { path: 'b', code: 'invalid', message: "'b' must be a boolean." },
      { path: 'short', code: 'invalid', message: "'short' must have at most 2 characters." },
      { path: 'list[1]', code: 'invalid', message: "'list[1]' must be an integer." },
      { path: 'list[2]', code: 'invalid', message: "'list[2]' must be an integer." },
    ]);
    // Leniencies still apply: query strings coerce, numbers may stand in for strings where asked.
    expect(validateValue(schema, { n: '7', list: '1,2' }, { mode: 'request', coerce: true })).toEqual({ value: { n: 7, list: [1, 2] }, issues: [] });
    expect(validateValue(schema, { s: 5 }, { mode: 'request', numbersAsStrings: true })).toEqual({ value: { s: '5' }, issues: [] });
  });

  it('reports nested paths, required fields and additionalProperties schemas', () => {
    const schema: OasSchema = {
      required: ['name'],
      properties: { name: { type: 'string' }, tags: { type: 'array', items: { properties: { v: { type: 'integer' } } } } },
      additionalProperties: false,
    };
    expect(validateValue(schema, { tags: [{ v: 1 }, { v: 'x' }], bogus: 1 }, res).issues).toEqual([
      { path: 'name', code: 'missing_field', message: "'name' is required." },
      { path: 'tags[1].v', code: 'invalid', message: "'tags[1].v' must be an integer." },
      { path: 'bogus', code: 'invalid', message: "'bogus' is not a known property." },
    ]);
    const map: OasSchema = { type: 'object', additionalProperties: { type: 'boolean' } };
    expect(validateValue(map, { run: true, see: 'yes' }, res).issues).toEqual([{ path: 'see', code: 'invalid', message: "'see' must be a boolean." }]);
  });

  it('request mode ignores and strips readOnly properties; response mode forbids write-only ones', () => {
    const schema: OasSchema = {
      properties: { id: { type: 'string', readOnly: true }, name: { type: 'string' }, password: { type: 'string', 'x-looker-write-only': true } },
      required: ['id'],
    };
    expect(validateValue(schema, { id: 5, name: 'n', password: 'p' }, req)).toEqual({ value: { name: 'n', password: 'p' }, issues: [] });
    expect(validateValue(schema, { id: '1', name: 'n', password: 'p' }, res).issues).toEqual([
      { path: 'password', code: 'invalid', message: "'password' is write-only and must not be returned." },
    ]);
  });

  it('coerces query strings: integers, booleans, comma lists and JSON arrays', () => {
    const schema: OasSchema = {
      type: 'object',
      properties: { limit: { type: 'integer' }, all: { type: 'boolean' }, ids: { type: 'array', items: { type: 'string' } }, n: { type: 'array', items: { type: 'integer' } } },
    };
    const out = validateValue(schema, { limit: '10', all: 'false', ids: '1, 2', n: '[3,4]' }, { mode: 'request', coerce: true });
    expect(out).toEqual({ value: { limit: 10, all: false, ids: ['1', '2'], n: [3, 4] }, issues: [] });
    expect(validateValue(schema, { limit: '1e3', all: '1' }, { mode: 'request', coerce: true }).issues.map((i) => i.path)).toEqual(['limit', 'all']);
    expect(validateValue({ type: 'integer' }, '10', req).issues).toHaveLength(1);
  });

  it('resolves spec $refs and accepts null for a referenced object', () => {
    expect(validateSchema('ApiSession', { can: {}, workspace_id: 'dev', sudo_user_id: null })).toEqual([]);
    expect(validateSchema('ApiSession', { can: { x: 1 }, workspace_id: 1 })).toEqual([
      { path: 'can.x', code: 'invalid', message: "'can.x' must be a boolean." },
      { path: 'workspace_id', code: 'invalid', message: "'workspace_id' must be a string." },
    ]);
    expect(validateValue({ $ref: '#/components/schemas/CredentialsEmail' }, null, res).issues).toEqual([]);
  });

  it('rejects schema keywords it does not implement', () => {
    expect(() => { assertSupportedSchema({ type: 'object', properties: { a: { anyOf: [] } } }, 'body'); }).toThrow("body.a: unsupported schema keyword 'anyOf'");
    expect(() => { assertSupportedSchema({ type: 'string', 'x-anything': 1, minLength: 1 }, 'q'); }).not.toThrow();
  });
});

describe('spec response checks', () => {
  it('looks up the schema by operationId and status', () => {
    expect(responseSchema('session', 200)).toEqual({ $ref: '#/components/schemas/ApiSession' });
    expect(() => responseSchema('session', 401)).toThrow('session: status 401 is not declared in the spec (declared: 200, 400, 404, 429)');
    expect(validateResponse('session', 200, { workspace_id: 'production', sudo_user_id: null, can: {} })).toEqual([]);
    expect(validateResponse('login', 200, { access_token: 't', token_type: 'Bearer', expires_in: '3600', refresh_token: null })).toEqual([
      { path: 'expires_in', code: 'invalid', message: "'expires_in' must be an integer." },
    ]);
  });

  it('requires Error fields and catches numeric ids', () => {
    expect(validateSchema('Error', { message: 'x' })).toEqual([{ path: 'documentation_url', code: 'missing_field', message: "'documentation_url' is required." }]);
    expect(validateResponse('me', 200, { id: 7 })).toEqual([{ path: 'id', code: 'invalid', message: "'id' must be a string." }]);
  });
});
