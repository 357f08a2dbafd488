/**
 * Issue 4 end to end: git-backed projects and per-token workspaces through the unmodified official
 * @looker/sdk-node against a real listening server, with real git remotes made by the test.
 */
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import type { RunningServer } from '../../src/api/server.ts';
import { serve } from '../../src/cli/serve.ts';
import { git } from '../../src/workspaces/git/run.ts';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';
import { pgSchemaUrl } from './support.ts';

const ADMIN = { OVERLOOK_ADMIN_EMAIL: 'root@example.com', OVERLOOK_ADMIN_PASSWORD: 'correct horse battery', OVERLOOK_ADMIN_CLIENT_ID: 'adminclient', OVERLOOK_ADMIN_CLIENT_SECRET: 'admin-secret-0123456789' };

const MODEL = 'connection: "demo"\ninclude: "*.view.lkml"\nexplore: t {}\n';
const view = (value: string): string => `view: t {\n  sql_table_name: t ;;\n  dimension: ws {\n    sql: '${value}' ;;\n  }\n}\n`;

/** Pushes `files` as a new commit on `branch` (made from `from`) of the remote, the way a user would. */
async function pushBranch(root: string, remote: string, branch: string, files: Record<string, string>, from = 'main'): Promise<void> {
  const work = await mkdtemp(join(root, 'push-'));
  await git(['clone', '--quiet', '--branch', from, remote, work]);
  if (branch !== from) await git(['checkout', '--quiet', '-b', branch], { cwd: work });
  for (const [p, content] of Object.entries(files)) await writeFile(join(work, p), content);
  await git(['add', '-A'], { cwd: work });
  await git(['commit', '--quiet', '-m', `update ${branch}`], { cwd: work });
  await git(['push', '--quiet', 'origin', branch], { cwd: work });
  await rm(work, { recursive: true, force: true });
}

const targets: { name: 'sqlite' | 'postgres' }[] = [{ name: 'sqlite' }, { name: 'postgres' }];

describe.each(targets)('git-backed projects and per-token workspaces on $name', (target) => {
  let root: string;
  let remote: string;
  let server: RunningServer;
  let n = 0;
  const creds = new Map<string, { client_id: string; client_secret: string }>();

  function sdk(clientId: string, clientSecret: string): Looker40SDK {
    const ini = join(root, `sdk-${n++}.ini`);
    // The SDK reads the file in init40, so it must exist synchronously.
    writeFileSync(ini, `[Looker]\nbase_url=${server.url}\nclient_id=${clientId}\nclient_secret=${clientSecret}\nverify_ssl=false\n`);
    return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
  }
  const login = (who: string): Looker40SDK => {
    const c = creds.get(who)!;
    return sdk(c.client_id, c.client_secret);
  };
  const tokenOf = async (s: Looker40SDK): Promise<string> => {
    await s.ok(s.session());
    return (s.authSession as unknown as { activeToken: { access_token: string } }).activeToken.access_token;
  };
  const raw = async (s: Looker40SDK, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${server.url}/api/4.0${path}`, {
      method,
      headers: { authorization: `token ${await tokenOf(s)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) as unknown : null };
  };
  const wsValue = async (s: Looker40SDK): Promise<string | null | undefined> => {
    const explore = await s.ok(s.lookml_model_explore({ lookml_model_name: 'ws', explore_name: 't', fields: 'fields' }));
    return explore.fields?.dimensions?.find((d) => d.name === 't.ws')?.sql;
  };

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    root = await mkdtemp(join(tmpdir(), 'overlook-e2e-ws-'));
    await mkdir(join(root, 'remote-root'));
    remote = await makeRemote(join(root, 'remote-root'), { 'ws.model.lkml': MODEL, 't.view.lkml': view('prod') });
    await pushBranch(root, remote, 'feature', { 't.view.lkml': view('feature') });
    const databaseUrl = target.name === 'postgres' ? await pgSchemaUrl('e2e_api_workspaces') : undefined;
    server = await serve({
      port: 0, host: '127.0.0.1', dataDir: join(root, 'data'), adminEnv: ADMIN, handleSignals: false, log: () => undefined,
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
    });
    creds.set('admin', { client_id: ADMIN.OVERLOOK_ADMIN_CLIENT_ID, client_secret: ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET });
    const admin = login('admin');
    const roles = await admin.ok(admin.all_roles({}));
    const developerRole = roles.find((r) => r.name === 'Developer')!;
    for (const [first, last] of [['Dana', 'Ström'], ['Eve', 'Other']] as const) {
      const user = await admin.ok(admin.create_user({ first_name: first, last_name: last }));
      await admin.ok(admin.set_user_roles(user.id!, [developerRole.id!]));
      const cred = await admin.ok(admin.create_user_credentials_api3(user.id!));
      creds.set(first.toLowerCase(), { client_id: cred.client_id!, client_secret: cred.client_secret! });
    }
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('creates a project from dev mode only, and serves its models only after the first deploy', async () => {
    const admin = login('admin');
    const refused = await raw(admin, 'POST', '/projects', { name: 'shop', git_remote_url: remote });
    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toMatch(/development mode/);
    await admin.ok(admin.update_session({ workspace_id: 'dev' }));
    const project = await admin.ok(admin.create_project({ name: 'shop', git_remote_url: remote }));
    expect(project).toMatchObject({ id: 'shop', name: 'shop', uses_git: true, git_remote_url: remote, git_production_branch_name: 'main', has_production_counterpart: false, validation_required: true });
    // In dev the creator sees the project's models already; production has none yet.
    expect(await wsValue(admin)).toBe("'prod'");
    const prod = login('admin');
    const models = await prod.ok(prod.all_lookml_models({ fields: 'name,project_name,explores' }));
    expect(models.map((m) => m.name)).not.toContain('ws');
    const missing = await raw(prod, 'GET', '/lookml_models/ws');
    expect(missing.status).toBe(404);
    expect((missing.body as { message: string }).message).toMatch(/only in development mode/);

    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    expect(await wsValue(prod)).toBe("'prod'");
    const after = await prod.ok(prod.all_lookml_models({ fields: 'name,project_name,explores' }));
    expect(after.find((m) => m.name === 'ws')).toMatchObject({ name: 'ws', project_name: 'shop', explores: [{ name: 't' }] });
    expect((await prod.ok(prod.project('shop'))).has_production_counterpart).toBe(true);
  });

  it('gives each token its own workspace and each user their own dev copy', async () => {
    const dana = login('dana');
    const danaProd = login('dana');
    const eve = login('eve');
    await dana.ok(dana.update_session({ workspace_id: 'dev' }));
    await eve.ok(eve.update_session({ workspace_id: 'dev' }));

    const personal = await dana.ok(dana.git_branch('shop'));
    expect(personal.name).toMatch(/^dev-dana-strom-[a-z0-9]{4}$/);
    expect(personal).toMatchObject({ personal: true, readonly: false, is_production: false, is_remote: true });
    expect(await wsValue(dana)).toBe("'prod'");

    // An edit in Dana's overlay is visible to Dana's dev tokens only.
    const put = await raw(dana, 'PUT', '/projects/shop/ide/file', { path: 't.view.lkml', content: view('dana') });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ path: 't.view.lkml', source: 'overlay' });
    expect(await wsValue(dana)).toBe("'dana'");
    const danaDev2 = login('dana');
    await danaDev2.ok(danaDev2.update_session({ workspace_id: 'dev' }));
    expect(await wsValue(danaDev2)).toBe("'dana'");
    expect(await wsValue(danaProd)).toBe("'prod'");
    expect(await wsValue(eve)).toBe("'prod'");
    const eveBranch = await eve.ok(eve.git_branch('shop'));
    expect(eveBranch.name).toMatch(/^dev-eve-other-/);

    // Checking out a shared branch switches Dana's dev copy (all her dev tokens), not production.
    const feature = await dana.ok(dana.update_git_branch('shop', { name: 'feature' }));
    expect(feature).toMatchObject({ name: 'feature', personal: false, readonly: false });
    expect(await wsValue(dana)).toBe("'feature'");
    expect(await wsValue(danaDev2)).toBe("'feature'");
    expect(await wsValue(danaProd)).toBe("'prod'");
    await dana.ok(dana.update_session({ workspace_id: 'production' }));
    expect(await wsValue(dana)).toBe("'prod'");
    await dana.ok(dana.update_session({ workspace_id: 'dev' }));

    // Back on the personal branch the uncommitted edit is still there.
    await dana.ok(dana.update_git_branch('shop', { name: personal.name! }));
    expect(await wsValue(dana)).toBe("'dana'");
    const changes = await raw(dana, 'GET', '/projects/shop/ide/changes');
    expect(changes.body).toEqual([{ path: 't.view.lkml', action: 'modify' }]);
  });

  it('commits and deploys: every production token sees it; a commit with LookML errors is refused', async () => {
    const dana = login('dana');
    const prod = login('eve');
    await dana.ok(dana.update_session({ workspace_id: 'dev' }));
    const commit = await raw(dana, 'POST', '/projects/shop/ide/commit', { message: 'Dana was here' });
    expect(commit.status).toBe(200);
    expect((await raw(dana, 'GET', '/projects/shop/ide/changes')).body).toEqual([]);
    await dana.ok(dana.deploy_to_production('shop'));
    expect(await wsValue(prod)).toBe("'dana'");
    expect(await wsValue(login('admin'))).toBe("'dana'");

    await pushBranch(root, remote, 'broken', { 't.view.lkml': 'view: t {\n  dimension: ws {\n    sql: ${nope} ;;\n  }\n}\n' });
    const admin = login('admin');
    const refused = await raw(admin, 'POST', '/projects/shop/deploy_ref_to_production?branch=broken');
    expect(refused.status).toBe(422);
    const errors = (refused.body as { errors: { field: string; message: string }[] }).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => /^t\.view\.lkml:[23]:\d+$/.test(e.field))).toBe(true);
    expect(await wsValue(prod)).toBe("'dana'");
  });

  it('serializes concurrent deploys: production ends at one of them, the same for everyone', async () => {
    const admin = login('admin');
    const results = await Promise.all([
      raw(admin, 'POST', '/projects/shop/deploy_ref_to_production?branch=main'),
      raw(admin, 'POST', '/projects/shop/deploy_ref_to_production?branch=feature'),
    ]);
    for (const r of results) expect([204, 409]).toContain(r.status);
    // main is at Dana's commit since deploy_to_production fast-forwarded it; which deploy takes the
    // project lock last depends on arrival order, so either may be production.
    const seen = await wsValue(login('eve'));
    expect(["'dana'", "'feature'"]).toContain(seen);
    expect(await wsValue(login('dana'))).toBe(seen);
  });

  it("runs Spectacles' branch-manager sequence and restores the session", async () => {
    const ci = login('admin');
    expect((await ci.ok(ci.session())).workspace_id).toBe('production');
    await ci.ok(ci.update_session({ workspace_id: 'dev' }));
    expect((await ci.ok(ci.session())).workspace_id).toBe('dev');
    const before = await ci.ok(ci.git_branch('shop'));
    const tmp = 'tmp_spectacles_0a1b2c3d4e';
    const created = await ci.ok(ci.create_git_branch('shop', { name: tmp }));
    expect(created).toMatchObject({ name: tmp, ref: before.ref });
    const reset = await ci.ok(ci.update_git_branch('shop', { name: tmp, ref: 'origin/feature' }));
    expect(reset.name).toBe(tmp);
    expect(await wsValue(ci)).toBe("'feature'");
    const models = await ci.ok(ci.all_lookml_models({ fields: 'name,project_name,explores' }));
    expect(models.find((m) => m.name === 'ws')?.project_name).toBe('shop');
    await ci.ok(ci.update_git_branch('shop', { name: before.name! }));
    await ci.ok(ci.delete_git_branch('shop', tmp));
    const branches = await ci.ok(ci.all_git_branches('shop'));
    expect(branches.map((b) => b.name)).not.toContain(tmp);
    const ls = (await git(['ls-remote', '--heads', remote])).toString('utf8');
    expect(ls).not.toContain(tmp);
    await ci.ok(ci.update_session({ workspace_id: 'production' }));
    expect((await ci.ok(ci.session())).workspace_id).toBe('production');
    expect((await ci.ok(ci.git_branch('shop'))).name).toBe('main');
  });

  it("enforces Looker's branch rules", async () => {
    const dana = login('dana');
    const eve = login('eve');
    const inProd = await raw(dana, 'POST', '/projects/shop/git_branch', { name: 'nope' });
    expect(inProd.status).toBe(400);
    expect((inProd.body as { message: string }).message).toMatch(/development mode/);
    await dana.ok(dana.update_session({ workspace_id: 'dev' }));
    await eve.ok(eve.update_session({ workspace_id: 'dev' }));
    const personal = (await dana.ok(dana.git_branch('shop'))).name!;
    // Personal branches: not deletable, read-only for others (no hard reset by Eve).
    expect((await raw(eve, 'DELETE', `/projects/shop/git_branch/${encodeURIComponent(personal)}`)).status).toBe(400);
    expect((await raw(eve, 'PUT', '/projects/shop/git_branch', { name: personal, ref: 'origin/main' })).status).toBe(403);
    const eveView = (await eve.ok(eve.all_git_branches('shop'))).find((b) => b.name === personal);
    expect(eveView).toMatchObject({ personal: true, readonly: true, owner_name: 'Dana Ström' });
    // The current branch and the production branch cannot be deleted.
    expect((await raw(dana, 'DELETE', `/projects/shop/git_branch/${encodeURIComponent(personal)}`)).status).toBe(400);
    expect((await raw(dana, 'DELETE', '/projects/shop/git_branch/main')).status).toBe(400);
    // Odd but valid names work end to end.
    for (const name of ['team/x-1', '13950', 'ünïcödé-branch']) {
      const made = await dana.ok(dana.create_git_branch('shop', { name }));
      expect(made.name).toBe(name);
      expect((await dana.ok(dana.find_git_branch('shop', name))).name).toBe(name);
      await dana.ok(dana.update_git_branch('shop', { name: personal }));
      await dana.ok(dana.delete_git_branch('shop', name));
      expect((await raw(dana, 'GET', `/projects/shop/git_branch/${encodeURIComponent(name)}`)).status).toBe(404);
    }
    expect((await raw(dana, 'POST', '/projects/shop/git_branch', { name: 'bad..name' })).status).toBe(422);
    expect((await raw(dana, 'POST', '/projects/shop/git_branch', { name: 'feature' })).status).toBe(409);
  });

  it('validates the workspace: 204 before the first run, stale after an edit', async () => {
    const dana = login('dana');
    await dana.ok(dana.update_session({ workspace_id: 'dev' }));
    expect((await raw(dana, 'GET', '/projects/shop/validate')).status).toBe(204);
    const result = await dana.ok(dana.validate_project('shop'));
    expect(result.errors).toEqual([]);
    expect((await raw(dana, 'GET', '/projects/shop/validate')).body).toMatchObject({ stale: false });
    await raw(dana, 'PUT', '/projects/shop/ide/file', { path: 'extra.view.lkml', content: 'view: extra {\n  dimension: a {\n    sql: ${missing} ;;\n  }\n}\n' });
    expect((await raw(dana, 'GET', '/projects/shop/validate')).body).toMatchObject({ stale: true });
    const again = await dana.ok(dana.validate_project('shop'));
    expect(again.errors?.some((e) => e.file_path === 'extra.view.lkml' && (e.line_number === 2 || e.line_number === 3) && e.severity === 'error')).toBe(true);
    await raw(dana, 'POST', '/projects/shop/ide/discard', {});
    const manifest = await dana.ok(dana.manifest('shop'));
    expect(manifest.imports).toEqual([]);
  });

  it("names each validator error's model, explore and field, as Spectacles groups them", async () => {
    const dana = login('dana');
    await dana.ok(dana.update_session({ workspace_id: 'dev' }));
    await raw(dana, 'PUT', '/projects/shop/ide/file', { path: 'extra.view.lkml', content: 'view: extra {\n  dimension: a {\n    sql: ${missing} ;;\n  }\n}\n' });
    const unused = await dana.ok(dana.validate_project('shop'));
    // A view no explore uses: the model that includes it, and the field.
    expect(unused.errors?.map((e) => [e.file_path, e.line_number, e.model_id, e.explore, e.field_name])).toEqual([
      ['extra.view.lkml', 3, 'ws', null, 'extra.a'],
    ]);
    const model = `${MODEL}explore: extra {\n  join: t {\n    sql_on: \${extra.a} = \${t.nope} ;;\n  }\n}\n`;
    await raw(dana, 'PUT', '/projects/shop/ide/file', { path: 'ws.model.lkml', content: model });
    const result = await dana.ok(dana.validate_project('shop'));
    expect(result.errors?.map((e) => [e.file_path, e.line_number, e.severity, e.model_id, e.explore, e.field_name])).toEqual([
      ['extra.view.lkml', 3, 'error', 'ws', 'extra', 'extra.a'],
      ['ws.model.lkml', 6, 'error', 'ws', 'extra', null],
    ]);
    // The cached result (what Spectacles reads first) carries the same context.
    const cached = (await raw(dana, 'GET', '/projects/shop/validate')).body as { errors: { model_id: string; explore: string | null; field_name: string | null }[] };
    expect(cached.errors.map((e) => [e.model_id, e.explore, e.field_name])).toEqual([['ws', 'extra', 'extra.a'], ['ws', 'extra', null]]);
    await raw(dana, 'POST', '/projects/shop/ide/discard', {});
  });
});
