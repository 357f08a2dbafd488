// Looker wire conventions: fields=, path tolerance, 204s, request ids, /versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { registerLookerRoute } from './route.ts';
import { assertResponseMatchesSpec, validateResponse } from './spec-validate.ts';
import { fakeDeps } from './test-support.ts';

const deps = fakeDeps();
let app: FastifyInstance;
let headers: { authorization: string };

const USERS = [
  { id: '1', first_name: 'Ada', email: 'ada@x', role_ids: ['2'], credentials_email: { email: 'ada@x', created_at: 't1', is_disabled: false }, sessions: [{ id: 's1', ip_address: '::1', browser: 'ff' }] },
  { id: '2', first_name: 'Bob', email: 'bob@x', role_ids: [], credentials_email: null, sessions: [] },
];

beforeAll(async () => {
  headers = { authorization: `token ${deps.issue('1')}` };
  app = buildApp(deps, {
    plugins: [
      (api) => {
        registerLookerRoute(api, { operationId: 'all_users', handler: () => USERS });
        registerLookerRoute(api, { operationId: 'create_user', handler: () => USERS[0] });
        registerLookerRoute<{ Params: { project_id: string } }>(api, { operationId: 'project', handler: (req) => ({ id: req.params.project_id, name: 'p' }) });
        registerLookerRoute<{ Params: { project_id: string; branch_name: string } }>(api, {
          operationId: 'find_git_branch',
          handler: (req) => ({ name: req.params.branch_name, project_id: req.params.project_id }),
        });
        registerLookerRoute(api, { operationId: 'logout', handler: (_req, reply) => reply.code(204).send() });
        registerLookerRoute(api, { operationId: 'delete_git_branch', handler: (_req, reply) => reply.code(204).type('application/json').send('') });
        registerLookerRoute(api, { operationId: 'render_task_results', handler: (_req, reply) => reply.code(202).header('retry-after', '1').send() });
      },
    ],
  });
  await app.ready();
});
afterAll(() => app.close());

describe('fields=', () => {
  it('keeps only the listed top-level properties (spaces tolerated, unknown ignored)', async () => {
    const res = await app.inject({ url: '/api/4.0/users?fields=id,%20first_name,%20nope', headers });
    expect(res.json()).toEqual([{ id: '1', first_name: 'Ada' }, { id: '2', first_name: 'Bob' }]);
  });

  it('narrows nested objects and arrays with name(sub,…)', async () => {
    const res = await app.inject({ url: `/api/4.0/users?fields=${encodeURIComponent('id,credentials_email(email),sessions(id,browser)')}`, headers });
    expect(res.json()).toEqual([
      { id: '1', credentials_email: { email: 'ada@x' }, sessions: [{ id: 's1', browser: 'ff' }] },
      { id: '2', credentials_email: null, sessions: [] },
    ]);
    assertResponseMatchesSpec('all_users', 200, res.json());
  });

  it('applies to POSTs that declare fields, and only where the spec declares it', async () => {
    const post = await app.inject({ method: 'POST', url: '/api/4.0/users?fields=id', headers, payload: {} });
    expect(post.json()).toEqual({ id: '1' });
    const branch = await app.inject({ url: '/api/4.0/projects/p/git_branch/main?fields=name', headers });
    expect(branch.json()).toEqual({ name: 'main', project_id: 'p' });
  });

  it('an empty list returns everything; a malformed one is 400 before the handler runs', async () => {
    expect(await app.inject({ url: '/api/4.0/users?fields=', headers }).then((r) => r.json<unknown[]>()[0])).toEqual(USERS[0]);
    const bad = await app.inject({ url: '/api/4.0/users?fields=id,sessions(id', headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ message: "Invalid 'fields' parameter: missing ')' for 'sessions'", documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/400/get/users' });
  });
});

describe('paths', () => {
  it.each([
    ['/api/4.0/projects/a%2Fb', 'a/b'],
    ['//api/4.0/projects/a%2Fb', 'a/b'],
    ['/api/4.0//projects///a%2Fb', 'a/b'],
    ['/api/4.0/projects/a%2Fb/', 'a/b'],
    ['/api/4.0/projects/x%20y;z', 'x y;z'],
    ['/api/4.0/projects/%E2%9C%93', '✓'],
  ])('%s → project_id %j', async (url, id) => {
    const res = await app.inject({ url, headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id, name: 'p' });
  });

  it('a %2F inside one param never spills into the next', async () => {
    const res = await app.inject({ url: '/api/4.0/projects/p/git_branch/feature%2Fx%2Fy', headers });
    expect(res.json()).toEqual({ name: 'feature/x/y', project_id: 'p' });
  });
});

describe('empty responses', () => {
  it('204 has no body and no content type, even if the handler set one', async () => {
    for (const [method, url] of [['DELETE', '/api/4.0/logout'], ['DELETE', '/api/4.0/projects/p/git_branch/b']] as const) {
      const res = await app.inject({ method, url, headers });
      expect(res.statusCode).toBe(204);
      expect(res.headers['content-type']).toBeUndefined();
      expect(res.body).toBe('');
    }
  });

  it('202 without a body has no content type', async () => {
    const res = await app.inject({ url: '/api/4.0/render_tasks/9/results', headers });
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers['retry-after']).toBe('1');
  });
});

describe('request ids', () => {
  it('generates one per request and echoes it', async () => {
    const a = await app.inject({ url: '/api/4.0/versions' });
    const b = await app.inject({ url: '/api/4.0/versions' });
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('reuses a sane incoming x-request-id, replaces a hostile one, also on errors', async () => {
    expect((await app.inject({ url: '/api/4.0/user', headers: { 'x-request-id': 'lb-42.a:b' } })).headers['x-request-id']).toBe('lb-42.a:b');
    const hostile = await app.inject({ url: '/api/4.0/versions', headers: { 'x-request-id': 'a b\u0001<script>' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('/versions', () => {
  it('matches the ApiVersion schema and points at our OpenAPI document', async () => {
    const res = await app.inject({ url: '/api/4.0/versions', headers: { host: 'bi.example:8443' } });
    expect(res.statusCode).toBe(200);
    expect(validateResponse('versions', 200, res.json(), { rejectUnknown: true })).toEqual([]);
    const current = { version: '4.0', full_version: '4.0.26.12', status: 'current', swagger_url: 'http://bi.example:8443/api/4.0/openapi.json' };
    expect(res.json()).toEqual({
      looker_release_version: '26.12.3',
      current_version: current,
      supported_versions: [current],
      api_server_url: 'http://bi.example:8443',
      web_server_url: 'http://bi.example:8443',
    });
  });

  it('uses the configured public URL and supports fields=', async () => {
    const other = buildApp(fakeDeps(), { publicUrl: 'https://looker.corp/' });
    const res = await other.inject({ url: '/api/4.0/versions?fields=api_server_url,current_version(swagger_url)' });
    expect(res.json()).toEqual({ api_server_url: 'https://looker.corp', current_version: { swagger_url: 'https://looker.corp/api/4.0/openapi.json' } });
    await other.close();
  });
});
