// HTTP foundation: auth header forms, Looker-shaped errors for every failure class, body limits.
// ApiDeps is the in-memory test double from test-support.ts (the real store is built separately).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { requirePermission } from './auth-context.ts';
import { ApiError } from './errors.ts';
import { registerLookerRoute } from './route.ts';
import { assertMatchesSchema, assertResponseMatchesSpec } from './spec-validate.ts';
import { fakeDeps, logCapture } from './test-support.ts';

const deps = fakeDeps();
const logs = logCapture();
let app: FastifyInstance;
let token: string;
const DOCS = 'https://cloud.google.com/looker/docs/r/err/4.0';

beforeAll(async () => {
  token = deps.issue('7', ['develop']);
  app = buildApp(deps, {
    logger: { level: 'info', stream: logs.stream },
    plugins: [
      (api) => {
        registerLookerRoute(api, { operationId: 'me', handler: (req) => ({ id: req.auth?.userId, display_name: 'Ada' }) });
        registerLookerRoute<{ Body: { workspace_id?: string | null } }>(api, {
          operationId: 'update_session',
          handler: (req) => {
            requirePermission(req, 'develop');
            return { can: {}, workspace_id: req.body.workspace_id ?? null, sudo_user_id: null, echo: req.body };
          },
        });
        registerLookerRoute(api, {
          operationId: 'run_query',
          handler: (_req, reply) => {
            // A binary endpoint failing after choosing its content type must still answer JSON.
            reply.type('image/png').header('content-disposition', 'attachment; filename=x.png');
            throw new ApiError('not_found', { message: 'Query not found' });
          },
        });
        registerLookerRoute(api, {
          operationId: 'all_roles',
          handler: () => {
            throw new ApiError('too_many_requests', { headers: { 'retry-after': '30' } });
          },
        });
        registerLookerRoute(api, {
          operationId: 'role',
          handler: () => {
            throw new Error('boom: password=hunter2');
          },
        });
        registerLookerRoute(api, {
          operationId: 'login',
          auth: false,
          handler: (req) => ({ body: req.body, query: req.query, plainBody: [null, Object.prototype].includes(Object.getPrototypeOf(req.body ?? {}) as object | null) }),
        });
      },
    ],
  });
  await app.ready();
});
afterAll(() => app.close());

const auth = (scheme = 'Bearer') => ({ authorization: `${scheme} ${token}` });

describe('authentication', () => {
  it.each(['Bearer', 'bearer', 'token', 'Token', 'TOKEN'])('accepts the %s scheme', async (scheme) => {
    const res = await app.inject({ url: '/api/4.0/user', headers: auth(scheme) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: '7', display_name: 'Ada' });
  });

  it.each([
    ['no header', {}],
    ['unknown token', { authorization: 'Bearer nope' }],
    ['wrong scheme', { authorization: 'Basic eDp5' }],
    ['scheme only', { authorization: 'token' }],
  ])('401 in Looker shape for %s', async (_name, headers) => {
    const res = await app.inject({ url: '/api/4.0/user', headers });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({ message: 'Requires authentication.', documentation_url: `${DOCS}/401/get/user` });
    assertMatchesSchema('Error', res.json());
  });

  it('public routes need no token; missing permission is 403', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/4.0/login' })).statusCode).toBe(200);
    const other = deps.issue('8');
    const res = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers: { authorization: `token ${other}` }, payload: { workspace_id: 'dev' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ message: 'Requires permission: develop.', documentation_url: `${DOCS}/403/patch/session` });
  });
});

describe('authentication answered synchronously', () => {
  it('serves a caller the deps resolve without a promise, 401s a null one and 500s a throw', async () => {
    const sync = buildApp({
      authenticate: (raw) => {
        if (raw === 'boom') throw new Error('store down');
        return raw === 'cached' ? { userId: '9', tokenHash: 'h', permissions: new Set<string>() } : null;
      },
    }, {
      plugins: [(api) => { registerLookerRoute(api, { operationId: 'me', handler: (req) => ({ id: req.auth?.userId }) }); }],
    });
    await sync.ready();
    try {
      const ok = await sync.inject({ url: '/api/4.0/user', headers: { authorization: 'token cached' } });
      expect([ok.statusCode, ok.json()]).toEqual([200, { id: '9' }]);
      const unknown = await sync.inject({ url: '/api/4.0/user', headers: { authorization: 'token other' } });
      expect([unknown.statusCode, unknown.json()]).toEqual([401, { message: 'Requires authentication.', documentation_url: `${DOCS}/401/get/user` }]);
      const failed = await sync.inject({ url: '/api/4.0/user', headers: { authorization: 'token boom' } });
      expect(failed.statusCode).toBe(500);
      expect(failed.headers['content-type']).toBe('application/json; charset=utf-8');
    } finally {
      await sync.close();
    }
  });
});

describe('errors', () => {
  it('unknown routes are 404 in Looker shape, without needing auth', async () => {
    const res = await app.inject({ url: '/api/4.0/no_such_thing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ message: 'Not found', documentation_url: `${DOCS}/404/get/no_such_thing` });
    expect((await app.inject({ url: '/elsewhere' })).json()).toEqual({ message: 'Not found', documentation_url: `${DOCS}/404/get/elsewhere` });
  });

  it('a known path with another method is 405 with Allow', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/api/4.0/session' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('PATCH');
    expect(res.json()).toEqual({ message: 'Method DELETE is not allowed on this resource.', documentation_url: `${DOCS}/405/delete/session` });
  });

  it('422 lists every invalid field in ValidationError shape', async () => {
    const res = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers: auth(), payload: { workspace_id: 5 } });
    expect(res.statusCode).toBe(422);
    const doc = `${DOCS}/422/patch/session`;
    expect(res.json()).toEqual({
      message: 'Validation Failed',
      errors: [{ field: 'workspace_id', code: 'invalid', message: "'workspace_id' must be a string.", documentation_url: doc }],
      documentation_url: doc,
    });
    assertResponseMatchesSpec('update_session', 422, res.json());
  });

  it('422 for a body of the wrong JSON type and for bad query parameters', async () => {
    const body = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers: { ...auth(), 'content-type': 'application/json' }, payload: '[1]' });
    expect(body.statusCode).toBe(422);
    expect(body.json<{ errors: unknown[] }>().errors).toEqual([expect.objectContaining({ field: 'body', code: 'invalid', message: 'value must be an object.' })]);
    const query = await app.inject({ url: '/api/4.0/queries/1/run/png?limit=ten&apply_formatting=maybe', headers: auth() });
    expect(query.statusCode).toBe(422);
    expect(query.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['limit', 'apply_formatting']);
  });

  it('read-only and unknown body fields are ignored, read-only ones stripped', async () => {
    const res = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers: auth(), payload: { workspace_id: 'dev', can: 'x', sudo_user_id: 9, extra: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ workspace_id: 'dev', echo: { workspace_id: 'dev', extra: true } });
  });

  it('malformed JSON, an empty JSON body and a missing required body are 400 in Looker shape', async () => {
    const headers = { ...auth(), 'content-type': 'application/json' };
    const bad = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers, payload: '{"workspace_id": ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(bad.json()).toEqual({ message: 'Request body is not valid JSON.', documentation_url: `${DOCS}/400/patch/session` });
    const poisoned = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers, payload: '{"__proto__": {"x": 1}}' });
    expect(poisoned.statusCode).toBe(400);
    const empty = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers, payload: '' });
    expect(empty.json()).toEqual({ message: 'Request body is not valid JSON.', documentation_url: `${DOCS}/400/patch/session` });
    const none = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers: auth() });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toEqual({ message: 'A request body is required.', documentation_url: `${DOCS}/400/patch/session` });
  });

  it('parses form bodies (login) and rejects malformed percent-escapes', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const ok = await app.inject({ method: 'POST', url: '/api/4.0/login', headers: form, payload: 'client_id=a%20b&client_secret=c%2Bd+e' });
    expect(ok.json()).toEqual({ body: { client_id: 'a b', client_secret: 'c+d e' }, query: {}, plainBody: true });
    const proto = await app.inject({ method: 'POST', url: '/api/4.0/login?__proto__=q', headers: form, payload: '__proto__=a&__proto__=b&client_id=x' });
    expect(proto.json()).toEqual({ body: { client_id: 'x' }, query: {}, plainBody: true });
    const bad = await app.inject({ method: 'POST', url: '/api/4.0/login', headers: form, payload: 'client_id=%ZZ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ message: 'Request body is not a valid application/x-www-form-urlencoded form.', documentation_url: `${DOCS}/400/post/login` });
  });

  it('413 for a body over 1 MiB, 415 for an unsupported content type', async () => {
    const big = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers: auth(), payload: { workspace_id: 'x'.repeat(1024 * 1024) } });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ message: 'Request body is too large (limit: 1048576 bytes).', documentation_url: `${DOCS}/413/patch/session` });
    const xml = await app.inject({ method: 'PATCH', url: '/api/4.0/session', headers: { ...auth(), 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toEqual({ message: 'Unsupported Content-Type: application/xml', documentation_url: `${DOCS}/415/patch/session` });
  });

  it('errors on binary endpoints are still JSON', async () => {
    const res = await app.inject({ url: '/api/4.0/queries/12/run/png', headers: auth() });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.json()).toEqual({ message: 'Query not found', documentation_url: `${DOCS}/404/get/queries/:query_id/run/:result_format` });
  });

  it('429 carries Retry-After', async () => {
    const res = await app.inject({ url: '/api/4.0/roles', headers: auth() });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.json()).toEqual({ message: 'Too many requests, please try again later.', documentation_url: `${DOCS}/429/get/roles` });
  });

  it('500 is generic for the client and fully logged on the server', async () => {
    const res = await app.inject({ url: '/api/4.0/roles/3', headers: { ...auth(), 'x-request-id': 'req-500' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ message: 'An internal server error occurred.', documentation_url: `${DOCS}/500/get/roles/:role_id` });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('at ');
    const logged = logs.lines.find((l) => l.reqId === 'req-500' && l.level === 50);
    expect(logged?.msg).toBe('request failed');
    expect(JSON.stringify(logged?.err)).toContain('boom: password=hunter2');
  });

  it('malformed percent-encoding in the path is a 400, not a 404 or 500', async () => {
    const res = await app.inject({ url: '/api/4.0/queries/%E0%A4%A/run/png', headers: auth() });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toBe('Malformed URL: invalid percent-encoding');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });
});

describe('registration', () => {
  it('rejects unknown operationIds, duplicates and schema keywords the validator would ignore', async () => {
    const a = buildApp(fakeDeps());
    expect(() => { registerLookerRoute(a, { operationId: 'no_such_op', handler: () => ({}) }); }).toThrow("Unknown Looker API operationId 'no_such_op'");
    expect(() => { registerLookerRoute(a, { operationId: 'versions', handler: () => ({}) }); }).toThrow("Looker operation 'versions' registered twice");
    registerLookerRoute(a, { operationId: 'me', schema: { querystring: { type: 'object', properties: { x: { type: 'string', oneOf: [] } } } }, handler: () => ({}) });
    await expect(a.ready()).rejects.toThrow("unsupported schema keyword 'oneOf'");
  });

  it('request logs never contain client secrets from the query string', async () => {
    await app.inject({ method: 'POST', url: '/api/4.0/login?client_id=abc&client_secret=s3cr3t' });
    const text = JSON.stringify(logs.lines);
    expect(text).toContain('client_secret=[REDACTED]');
    expect(text).not.toContain('s3cr3t');
  });
});
