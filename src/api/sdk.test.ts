// End-to-end through the unmodified official @looker/sdk-node against a real listening server.
// Login/logout are not part of the foundation yet: minimal stand-ins are registered here, backed by
// the in-memory ApiDeps test double, only to let the SDK authenticate the way it does against Looker.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import { requireAuth } from './auth-context.ts';
import { ApiError } from './errors.ts';
import { registerLookerRoute } from './route.ts';
import { startServer } from './server.ts';
import type { RunningServer } from './server.ts';
import { assertResponseMatchesSpec } from './spec-validate.ts';
import { fakeDeps } from './test-support.ts';

const deps = fakeDeps();
const dir = mkdtempSync(join(tmpdir(), 'overlook-api-sdk-'));
let server: RunningServer;
const seen: { method: string; url: string; authorization: string | undefined; contentType: string | undefined }[] = [];

function sdkFor(baseUrl: string, clientSecret = 'secret-1'): Looker40SDK {
  const ini = join(dir, `looker-${seen.length}-${clientSecret}.ini`);
  writeFileSync(ini, `[Looker]\nbase_url=${baseUrl}\nclient_id=client-1\nclient_secret=${clientSecret}\nverify_ssl=false\n`);
  // Empty env prefix: only the ini file counts, whatever LOOKERSDK_* the environment has.
  return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
}

beforeAll(async () => {
  // sdk-rtl 21.6.5 logs an AbortSignal notice on every request (see looker-sdk-runtime.md).
  vi.spyOn(console, 'debug').mockImplementation(() => undefined);
  server = await startServer({
    port: 0,
    deps,
    handleSignals: false,
    plugins: [
      (api) => {
        api.addHook('onRequest', (req, _reply, done) => {
          seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, contentType: req.headers['content-type'] });
          done();
        });
        registerLookerRoute<{ Body: Record<string, string | undefined> }>(api, {
          operationId: 'login',
          auth: false,
          handler: (req) => {
            if (req.body.client_id !== 'client-1' || req.body.client_secret !== 'secret-1') throw new ApiError('not_found');
            return { access_token: deps.issue('42', ['develop']), token_type: 'Bearer', expires_in: 3600, refresh_token: null };
          },
        });
        registerLookerRoute(api, {
          operationId: 'logout',
          handler: (req, reply) => {
            for (const [t, a] of deps.tokens) if (a.tokenHash === requireAuth(req).tokenHash) deps.tokens.delete(t);
            return reply.code(204).send();
          },
        });
        registerLookerRoute(api, { operationId: 'me', handler: (req) => ({ id: requireAuth(req).userId, first_name: 'Ada', email: 'ada@example.com' }) });
        registerLookerRoute<{ Params: { project_id: string } }>(api, { operationId: 'project', handler: (req) => ({ id: req.params.project_id, name: 'thelook', pull_request_mode: 'off' }) });
        registerLookerRoute<{ Body: { workspace_id?: string | null } }>(api, { operationId: 'update_session', handler: (req) => ({ can: {}, workspace_id: req.body.workspace_id ?? null, sudo_user_id: null }) });
      },
    ],
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('official @looker/sdk-node', () => {
  it('reads /versions', async () => {
    const sdk = sdkFor(server.url);
    const versions = await sdk.ok(sdk.versions());
    expect(versions.current_version?.version).toBe('4.0');
    expect(versions.api_server_url).toBe(server.url);
    assertResponseMatchesSpec('versions', 200, versions);
  });

  it('logs in with a form body, then sends Bearer tokens to generated and raw methods', async () => {
    const sdk = sdkFor(server.url);
    const me = await sdk.ok(sdk.me());
    expect(me).toEqual({ id: '42', first_name: 'Ada', email: 'ada@example.com' });
    const raw = await sdk.ok(sdk.get<{ id: string }, unknown>('/user'));
    expect(raw.id).toBe('42');
    const login = seen.filter((s) => s.url === '/api/4.0/login');
    expect(login.at(-1)).toMatchObject({ method: 'POST', authorization: undefined, contentType: 'application/x-www-form-urlencoded' });
    expect(seen.at(-1)?.authorization).toMatch(/^Bearer tok-42-\d+$/);
  });

  it('sends %2F-encoded path params and fields= that the server honours', async () => {
    const sdk = sdkFor(server.url);
    expect(await sdk.ok(sdk.project('team/thelook'))).toEqual({ id: 'team/thelook', name: 'thelook', pull_request_mode: 'off' });
    expect(await sdk.ok(sdk.project('a b', 'id, name'))).toEqual({ id: 'a b', name: 'thelook' });
    expect(seen.at(-1)?.url).toBe('/api/4.0/projects/a%20b?fields=id%2C%20name');
  });

  it('works with a trailing slash in base_url (duplicate slashes)', async () => {
    const sdk = sdkFor(`${server.url}/`);
    expect((await sdk.ok(sdk.me())).id).toBe('42');
    expect(seen.at(-1)?.url).toBe('//api/4.0/user');
  });

  it('parses our 404, 401 and 422 bodies as {ok:false, error:{message, documentation_url}}', async () => {
    const sdk = sdkFor(server.url);
    const missing = await sdk.get('/no_such_thing');
    expect(missing).toEqual({ ok: false, error: { message: 'Not found', documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/404/get/no_such_thing' } });

    const invalid = await sdk.update_session({ workspace_id: 7 as unknown as string });
    expect(invalid.ok).toBe(false);
    await expect(sdk.ok(sdk.update_session({ workspace_id: 7 as unknown as string }))).rejects.toMatchObject({
      message: 'Validation Failed',
      errors: [{ field: 'workspace_id', code: 'invalid', message: "'workspace_id' must be a string." }],
    });
    expect((await sdk.ok(sdk.update_session({ workspace_id: 'dev' }))).workspace_id).toBe('dev');

    // The SDK keeps a revoked token until its local expiry: it must surface our 401 body intact.
    deps.tokens.clear();
    expect(await sdk.me()).toEqual({ ok: false, error: { message: 'Requires authentication.', documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/401/get/user' } });
  });

  it('a 204 logout is a success for the session', async () => {
    const sdk = sdkFor(server.url);
    expect((await sdk.ok(sdk.me())).id).toBe('42');
    expect(deps.tokens.size).toBe(1);
    await sdk.authSession.logout();
    expect(deps.tokens.size).toBe(0);
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/4.0/logout' });
  });

  it('a failed login surfaces the server message', async () => {
    const sdk = sdkFor(server.url, 'wrong');
    expect(await sdk.me()).toEqual({ ok: false, error: { type: 'sdk_error', message: 'Not found' } });
  });
});
