// The memo of repeated JSON bodies: the same text gives the same frozen value (and validated value),
// failures are refused alike every time, and only the scope it is installed in is affected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { BodyMemo, installBodyMemo, MEMO_ENTRIES, MEMO_MAX_CHARS } from './body-memo.ts';
import { registerLookerRoute } from './route.ts';
import { fakeDeps } from './test-support.ts';

const deps = fakeDeps();
let app: FastifyInstance;
let token = '';
/** Bodies the handlers saw, in order. */
const seen: unknown[] = [];
let memo: BodyMemo | undefined;

beforeAll(async () => {
  token = deps.issue('7', ['access_data']);
  app = buildApp(deps, {
    plugins: [
      (api) => {
        void api.register((scope, _options, done) => {
          memo = installBodyMemo(scope);
          registerLookerRoute<{ Body: unknown }>(scope, {
            operationId: 'create_query',
            numbersAsStrings: true,
            handler: (request) => {
              seen.push(request.body);
              return { ok: true };
            },
          });
          scope.post('/memo/raw', { config: { lookerAuth: false } }, (request) => {
            seen.push(request.body);
            return { ok: true };
          });
          done();
        });
        // A sibling scope keeps Fastify's own parser: fresh, mutable bodies.
        api.post('/plain/raw', { config: { lookerAuth: false } }, (request) => {
          seen.push(request.body);
          return { ok: true };
        });
      },
    ],
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

async function post(url: string, payload: string): Promise<{ status: number; body: unknown }> {
  const res = await app.inject({ method: 'POST', url, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, payload });
  return { status: res.statusCode, body: res.json() };
}

describe('body memo', () => {
  it('answers the same text with the same deep-frozen value, other text with its own', async () => {
    seen.length = 0;
    const text = JSON.stringify({ a: [1, { b: 'x' }], c: { d: true } });
    await post('/memo/raw', text);
    await post('/memo/raw', text);
    await post('/memo/raw', JSON.stringify({ a: [2] }));
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toEqual({ a: [1, { b: 'x' }], c: { d: true } });
    expect(Object.isFrozen(seen[0])).toBe(true);
    const body = seen[0] as { a: [number, { b: string }]; c: { d: boolean } };
    expect(Object.isFrozen(body.a) && Object.isFrozen(body.a[1]) && Object.isFrozen(body.c)).toBe(true);
    expect(seen[2]).toEqual({ a: [2] });
    expect(seen[2]).not.toBe(seen[0]);
  });

  it('validates a repeated body once: the route sees the same frozen, validated value', async () => {
    seen.length = 0;
    const text = JSON.stringify({ model: 'shop', view: 'orders', fields: ['orders.id'], limit: 10 });
    expect((await post('/api/4.0/queries', text)).status).toBe(200);
    expect((await post('/api/4.0/queries', text)).status).toBe(200);
    // numbersAsStrings applied: the validated value, not the parsed one, is what the route sees.
    expect(seen[0]).toEqual({ model: 'shop', view: 'orders', fields: ['orders.id'], limit: '10' });
    expect(seen[1]).toBe(seen[0]);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('refuses invalid bodies the same way every time', async () => {
    const invalid = JSON.stringify({ model: 'shop', view: 'orders', fields: 'orders.id' });
    for (let i = 0; i < 2; i++) {
      const res = await post('/api/4.0/queries', invalid);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ errors: [{ field: 'fields', code: 'invalid', message: "'fields' must be an array." }] });
    }
    for (let i = 0; i < 2; i++) {
      expect((await post('/memo/raw', '{"a":')).status).toBe(400);
      expect((await post('/memo/raw', '{"__proto__":{"x":1}}')).status).toBe(400);
    }
    const empty = await app.inject({ method: 'POST', url: '/memo/raw', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
  });

  it('leaves other scopes alone', async () => {
    seen.length = 0;
    const text = JSON.stringify({ a: 1 });
    await post('/plain/raw', text);
    await post('/plain/raw', text);
    expect(seen[0]).toEqual({ a: 1 });
    expect(seen[0]).not.toBe(seen[1]);
    expect(Object.isFrozen(seen[0])).toBe(false);
  });

  it('remembers small bodies only, and a bounded number of them', async () => {
    seen.length = 0;
    const large = JSON.stringify({ pad: 'x'.repeat(MEMO_MAX_CHARS) });
    await post('/memo/raw', large);
    await post('/memo/raw', large);
    expect(seen[0]).not.toBe(seen[1]);
    seen.length = 0;
    for (let i = 0; i <= MEMO_ENTRIES; i++) await post('/memo/raw', JSON.stringify({ i }));
    expect(memo?.size).toBe(MEMO_ENTRIES);
    const [first, last] = [seen[0], seen[MEMO_ENTRIES]];
    seen.length = 0;
    // The oldest was forgotten (parsed again), the newest is still known.
    await post('/memo/raw', JSON.stringify({ i: MEMO_ENTRIES }));
    await post('/memo/raw', JSON.stringify({ i: 0 }));
    expect(seen[0]).toBe(last);
    expect(seen[1]).toEqual({ i: 0 });
    expect(seen[1]).not.toBe(first);
  });
});
