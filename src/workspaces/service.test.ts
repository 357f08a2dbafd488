import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, gitText } from './git/run.ts';
import { makeRemote } from './git/test-helpers.ts';
import { Workspaces } from './index.ts';
import {
  MODEL, dev, newUser, ordersView, prod, pushFiles, remoteHeads, setupEnv, workspaceError, wsSql, type Env,
} from './test-support.ts';

let env: Env;
let alice = '';
let bob = '';
let carol = '';
let main = '';
let feature = '';

beforeAll(async () => {
  env = await setupEnv();
  feature = await pushFiles(env.root, env.remote, 'feature', { 'views/orders.view.lkml': ordersView('feature') });
  main = (await remoteHeads(env.remote)).get('main') ?? '';
  alice = await newUser(env.store, 'Alice', 'Ådmin');
  bob = await newUser(env.store, 'Bob', 'Builder');
  carol = await newUser(env.store, 'Carol', null);
  await env.workspaces.createProject(dev(alice), { name: 'shop', git_remote_url: env.remote });
});

afterAll(async () => {
  await env.cleanup();
});

describe("the issue's scenario: one view, prod vs feature", () => {
  it('before the first deploy production has no models, dev already sees the production branch', async () => {
    const ws = env.workspaces;
    expect(await ws.models(prod(alice))).toEqual([]);
    expect(await ws.model(prod(alice), 'shop')).toBeNull();
    expect((await ws.project('shop')).deployed_commit).toBeNull();
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'prod'");
    // A user who never went to dev sees production's branch in dev too (no copy made by reading).
    expect(await wsSql(ws, 'shop', dev(carol))).toBe("'prod'");
    expect(await env.store.projects.devCopy(carol, 'shop')).toBeNull();
  });

  it('deploy_ref_to_production {branch: main} makes the models visible in production', async () => {
    const ws = env.workspaces;
    await ws.deployRefToProduction('shop', prod(alice), { branch: 'main' });
    const project = await ws.project('shop');
    expect(project.deployed_commit).toBe(main);
    expect(project.deployed_at).not.toBeNull();
    expect((await ws.models(prod(bob))).map((m) => [m.model.name, m.project.id])).toEqual([['shop', 'shop']]);
    expect(await wsSql(ws, 'shop', prod(alice))).toBe("'prod'");
    expect(await wsSql(ws, 'shop', prod(bob))).toBe("'prod'");
  });

  it('a dev caller on their personal branch sees prod until they write the overlay, then only they see the edit', async () => {
    const ws = env.workspaces;
    const branch = await ws.currentBranch('shop', dev(alice));
    expect(branch.name).toMatch(/^dev-alice-admin-[a-z0-9]{4}$/);
    expect(branch).toMatchObject({ ref: main, personal: true, readonly: false, is_production: false });
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'prod'");

    await ws.writeFile('shop', dev(alice), 'views/orders.view.lkml', ordersView('alice-edit'));
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'alice-edit'");
    expect(await wsSql(ws, 'shop', prod(alice))).toBe("'prod'");
    expect(await wsSql(ws, 'shop', prod(bob))).toBe("'prod'");
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'prod'");
  });

  it('another user in dev gets their own personal branch and their own edits', async () => {
    const ws = env.workspaces;
    const bobs = await ws.currentBranch('shop', dev(bob));
    const alices = await ws.currentBranch('shop', dev(alice));
    expect(bobs.name).toMatch(/^dev-bob-builder-[a-z0-9]{4}$/);
    expect(bobs.name).not.toBe(alices.name);
    await ws.writeFile('shop', dev(bob), 'views/orders.view.lkml', ordersView('bob-edit'));
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'bob-edit'");
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'alice-edit'");
    expect(await wsSql(ws, 'shop', prod(bob))).toBe("'prod'");
  });

  it('checking out feature shows feature; production callers are unaffected; the personal edit waits', async () => {
    const ws = env.workspaces;
    const view = await ws.updateBranch('shop', dev(alice), 'feature');
    expect(view).toMatchObject({ name: 'feature', ref: feature, remote_ref: feature, personal: false, readonly: false });
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'feature'");
    expect(await wsSql(ws, 'shop', prod(alice))).toBe("'prod'");
    expect(await wsSql(ws, 'shop', prod(carol))).toBe("'prod'");
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'bob-edit'");

    const personal = (await ws.allBranches('shop', dev(alice))).find((b) => b.personal && b.owner_name === 'Alice Ådmin');
    await ws.updateBranch('shop', dev(alice), personal?.name);
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'alice-edit'");
  });
});

describe('deploy', () => {
  it('deploy_to_production pushes the dev branch to main fast-forward and every production caller sees it', async () => {
    const ws = env.workspaces;
    const commit = await ws.commit('shop', dev(alice), 'alice edits ws');
    await ws.deployToProduction('shop', dev(alice));
    expect((await ws.project('shop')).deployed_commit).toBe(commit);
    expect((await remoteHeads(env.remote)).get('main')).toBe(commit);
    for (const who of [alice, bob, carol]) expect(await wsSql(ws, 'shop', prod(who))).toBe("'alice-edit'");
  });

  it('refuses deploy_to_production from production and deploy_ref with neither or both targets', async () => {
    const ws = env.workspaces;
    const e = await workspaceError(ws.deployToProduction('shop', prod(alice)));
    expect([e.code, e.message]).toEqual(['dev_only', 'Deploying to production is only allowed in development mode. Call update_session with {"workspace_id":"dev"} first.']);
    expect((await workspaceError(ws.deployRefToProduction('shop', prod(alice), {}))).code).toBe('invalid');
    expect((await workspaceError(ws.deployRefToProduction('shop', prod(alice), { branch: 'main', ref: 'main' }))).code).toBe('invalid');
    const missing = await workspaceError(ws.deployRefToProduction('shop', prod(alice), { branch: 'nope' }));
    expect([missing.code, missing.message]).toEqual(['not_found', 'Branch nope not found on the remote.']);
    expect((await workspaceError(ws.deployRefToProduction('nope', prod(alice), { branch: 'main' }))).code).toBe('not_found');
  });

  it('deploys a ref (sha) without moving any branch', async () => {
    const ws = env.workspaces;
    const headsBefore = await remoteHeads(env.remote);
    await ws.deployRefToProduction('shop', prod(bob), { ref: feature.slice(0, 10) });
    expect((await ws.project('shop')).deployed_commit).toBe(feature);
    expect(await wsSql(ws, 'shop', prod(carol))).toBe("'feature'");
    expect(await remoteHeads(env.remote)).toEqual(headsBefore);
    await ws.deployRefToProduction('shop', prod(bob), { ref: 'origin/main' });
    expect(await wsSql(ws, 'shop', prod(carol))).toBe("'alice-edit'");
  });

  it('refuses a commit with LookML errors (validation_required by default) and production stays', async () => {
    const ws = env.workspaces;
    expect((await ws.project('shop')).validation_required).toBe(true);
    const before = (await ws.project('shop')).deployed_commit;
    const broken = await pushFiles(env.root, env.remote, 'broken', {
      'views/orders.view.lkml': "view: orders {\n  dimension: ws { sql: ${nope} ;; }\n}\n",
    });
    const e = await workspaceError(ws.deployRefToProduction('shop', prod(alice), { branch: 'broken' }));
    expect(e.code).toBe('lookml_errors');
    expect(e.message).toBe(`Commit ${broken.slice(0, 12)} has LookML errors; production was not changed.`);
    expect(e.diagnostics).toEqual([{
      code: 'model/unknown-reference', severity: 'error', file: 'views/orders.view.lkml', line: 2, column: 24,
      message: 'Unknown field ${nope}: view "orders" has no field "nope"; check the spelling or define the field',
      model: 'shop', explore: 'orders', field: 'orders.ws',
    }]);
    expect((await ws.project('shop')).deployed_commit).toBe(before);
    expect(await wsSql(ws, 'shop', prod(bob))).toBe("'alice-edit'");
  });

  it('deploy_to_production validates too, and leaves the production branch where it was', async () => {
    const ws = env.workspaces;
    const mainBefore = (await remoteHeads(env.remote)).get('main');
    await ws.updateBranch('shop', dev(carol), 'broken');
    const e = await workspaceError(ws.deployToProduction('shop', dev(carol)));
    expect(e.code).toBe('lookml_errors');
    expect(e.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual(['views/orders.view.lkml:2:24 model/unknown-reference']);
    expect((await remoteHeads(env.remote)).get('main')).toBe(mainBefore);
  });

  it('blocks warnings only when allow_warnings is false, and nothing when validation_required is false', async () => {
    const ws = env.workspaces;
    const warned = await pushFiles(env.root, env.remote, 'warned', {
      'shop.model.lkml': `${MODEL}include: "/nope/*.view"\n`, 'views/orders.view.lkml': ordersView('warned'),
    });
    await ws.deployRefToProduction('shop', prod(alice), { branch: 'warned' });
    expect(await wsSql(ws, 'shop', prod(alice))).toBe("'warned'");

    await ws.updateProject(dev(alice), 'shop', { allow_warnings: false });
    await ws.deployRefToProduction('shop', prod(alice), { branch: 'main' });
    const e = await workspaceError(ws.deployRefToProduction('shop', prod(alice), { ref: warned }));
    expect(e.diagnostics.map((d) => [d.code, d.severity, d.line, d.column])).toEqual([['model/include-not-found', 'warning', 4, 10]]);
    expect(await wsSql(ws, 'shop', prod(alice))).toBe("'alice-edit'");

    await ws.updateProject(dev(alice), 'shop', { validation_required: false, allow_warnings: true });
    await ws.deployRefToProduction('shop', prod(alice), { branch: 'broken' });
    expect((await ws.project('shop')).deployed_commit).toBe((await remoteHeads(env.remote)).get('broken'));
    await ws.updateProject(dev(alice), 'shop', { validation_required: true });
    await ws.deployRefToProduction('shop', prod(alice), { branch: 'main' });
  });

  it('refuses deploy_to_production when main has commits the dev branch lacks', async () => {
    const ws = env.workspaces;
    await ws.updateBranch('shop', dev(bob), 'feature');
    const deployed = (await ws.project('shop')).deployed_commit;
    const e = await workspaceError(ws.deployToProduction('shop', dev(bob)));
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/^Cannot deploy: the production branch main has commits that are not in feature\. Pull from production and try again\./);
    expect((await ws.project('shop')).deployed_commit).toBe(deployed);
  });

  it('refuses deploy_to_production when the dev copy is behind its remote branch', async () => {
    const ws = env.workspaces;
    await ws.updateBranch('shop', dev(bob), 'main');
    await ws.createBranch('shop', dev(bob), 'behind');
    await pushFiles(env.root, env.remote, 'behind', { 'views/orders.view.lkml': ordersView('behind') });
    const e = await workspaceError(ws.deployToProduction('shop', dev(bob)));
    expect([e.code, e.message]).toEqual(['bad_request', 'Branch behind is behind its remote; pull from remote before deploying.']);
    expect(await wsSql(ws, 'shop', prod(bob))).toBe("'alice-edit'");
  });

  it('two concurrent deploys on one node both settle, in order', async () => {
    const ws = env.workspaces;
    const a = await pushFiles(env.root, env.remote, 'race-a', { 'views/orders.view.lkml': ordersView('a') });
    const b = await pushFiles(env.root, env.remote, 'race-b', { 'views/orders.view.lkml': ordersView('b') });
    const results = await Promise.allSettled([
      ws.deployRefToProduction('shop', prod(alice), { branch: 'race-a' }),
      ws.deployRefToProduction('shop', prod(bob), { branch: 'race-b' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect([a, b]).toContain((await ws.project('shop')).deployed_commit);
    expect((await ws.project('shop')).deployed_commit).toBe(b);
    expect(await wsSql(ws, 'shop', prod(carol))).toBe("'b'");
  });

  it('two nodes deploying at once end at one commit that both serve', async () => {
    const node2 = new Workspaces(env.store, { dataDir: await mkdtemp(path.join(env.root, 'node2-')) });
    try {
      const c = await pushFiles(env.root, env.remote, 'race-c', { 'views/orders.view.lkml': ordersView('c') });
      const d = await pushFiles(env.root, env.remote, 'race-d', { 'views/orders.view.lkml': ordersView('d') });
      expect(await wsSql(node2, 'shop', prod(carol))).toBe("'b'");
      const results = await Promise.allSettled([
        env.workspaces.deployRefToProduction('shop', prod(alice), { branch: 'race-c' }),
        node2.deployRefToProduction('shop', prod(bob), { branch: 'race-d' }),
      ]);
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('conflict');
      }
      expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
      const deployed = (await env.workspaces.project('shop')).deployed_commit;
      expect([c, d]).toContain(deployed);
      const expected = deployed === c ? "'c'" : "'d'";
      expect(await wsSql(env.workspaces, 'shop', prod(carol))).toBe(expected);
      expect(await wsSql(node2, 'shop', prod(alice))).toBe(expected);
    } finally {
      await node2.close();
    }
  });
});

describe('two nodes over one store', () => {
  it('keep serving production after its branch is deleted and the remote garbage-collected', async () => {
    const gone = await pushFiles(env.root, env.remote, 'short-lived', { 'views/orders.view.lkml': ordersView('short') });
    await env.workspaces.deployRefToProduction('shop', prod(alice), { branch: 'short-lived' });
    await git(['push', '--quiet', env.remote, ':refs/heads/short-lived'], { gitDir: env.remote });
    await git(['gc', '--quiet', '--prune=now'], { gitDir: env.remote });
    // A node that never saw the commit clones the remote now: refs/overlook/deployed keeps it there.
    const fresh = new Workspaces(env.store, { dataDir: await mkdtemp(path.join(env.root, 'node3-')) });
    try {
      expect((await fresh.project('shop')).deployed_commit).toBe(gone);
      expect(await wsSql(fresh, 'shop', prod(carol))).toBe("'short'");
    } finally {
      await fresh.close();
    }
  });

  it('see the same dev overlays and commits, each through its own mirror', async () => {
    const node2 = new Workspaces(env.store, { dataDir: await mkdtemp(path.join(env.root, 'node2-')) });
    try {
      const dave = await newUser(env.store, 'Dave', 'Dev');
      const personal = (await node2.currentBranch('shop', dev(dave))).name;
      expect((await env.workspaces.currentBranch('shop', dev(dave))).name).toBe(personal);
      await env.workspaces.writeFile('shop', dev(dave), 'views/orders.view.lkml', ordersView('dave'));
      expect(await wsSql(node2, 'shop', dev(dave))).toBe("'dave'");
      const commit = await node2.commit('shop', dev(dave), 'dave on node2');
      expect(await env.workspaces.currentBranch('shop', dev(dave))).toMatchObject({ ref: commit, remote_ref: commit, ahead_count: 0 });
      expect(await wsSql(env.workspaces, 'shop', dev(dave))).toBe("'dave'");
      expect((await env.workspaces.listFiles('shop', dev(dave))).changes).toEqual([]);
    } finally {
      await node2.close();
    }
  });
});

describe('models per workspace', () => {
  it('a model that exists only on a dev branch is visible only in dev on that branch', async () => {
    const ws = env.workspaces;
    await pushFiles(env.root, env.remote, 'extra-model', {
      'extra.model.lkml': 'connection: "duckdb"\ninclude: "/views/users.view.lkml"\nexplore: users {}\n',
    });
    await ws.updateBranch('shop', dev(carol), 'extra-model');
    expect((await ws.models(dev(carol))).map((m) => m.model.name)).toEqual(['extra', 'shop']);
    expect((await ws.model(dev(carol), 'extra'))?.project.id).toBe('shop');
    expect(await ws.model(prod(carol), 'extra')).toBeNull();
    expect(await ws.model(dev(bob), 'extra')).toBeNull();
    expect((await ws.models(prod(carol))).map((m) => m.model.name)).toEqual(['shop']);
  });
});

describe('validation results', () => {
  it('are cached per scope and go stale when the workspace moves', async () => {
    const ws = env.workspaces;
    expect(await ws.validationResults('shop', prod(alice))).toBeNull();
    await ws.updateBranch('shop', dev(carol), 'broken');
    const first = await ws.validate('shop', dev(carol));
    expect(first.stale).toBe(false);
    expect(first.diagnostics.map((d) => d.code)).toEqual(['model/unknown-reference']);
    expect(await ws.validationResults('shop', dev(carol))).toMatchObject({ stale: false, workspaceKey: first.workspaceKey, diagnostics: first.diagnostics });
    expect(await ws.validationResults('shop', dev(bob))).toBeNull();
    await ws.writeFile('shop', dev(carol), 'views/orders.view.lkml', ordersView('fixed'));
    const stale = await ws.validationResults('shop', dev(carol));
    expect(stale).toMatchObject({ stale: true, workspaceKey: first.workspaceKey });
    expect((await ws.validate('shop', dev(carol))).diagnostics).toEqual([]);
    expect((await ws.validationResults('shop', dev(carol)))?.stale).toBe(false);
  });
});

describe('projects', () => {
  it('create_project is dev-only and checks the name, uniqueness and the remote before recording anything', async () => {
    const ws = env.workspaces;
    expect((await workspaceError(ws.createProject(prod(alice), { name: 'p1', git_remote_url: env.remote }))).code).toBe('dev_only');
    const name = await workspaceError(ws.createProject(dev(alice), { name: '../x', git_remote_url: env.remote }));
    expect([name.code, name.field]).toEqual(['invalid', 'name']);
    const dup = await workspaceError(ws.createProject(dev(alice), { name: 'shop', git_remote_url: env.remote }));
    expect([dup.code, dup.message]).toEqual(['conflict', 'A project named "shop" already exists.']);
    const remote = await workspaceError(ws.createProject(dev(alice), { name: 'p1', git_remote_url: path.join(env.root, 'missing.git') }));
    expect([remote.code, remote.field]).toEqual(['invalid', 'git_remote_url']);
    expect(remote.message).toMatch(/^Cannot read git remote /);
    expect((await workspaceError(ws.createProject(dev(alice), { name: 'p1', git_remote_url: '--upload-pack=touch' }))).field).toBe('git_remote_url');
    expect((await workspaceError(ws.project('p1'))).code).toBe('not_found');
    expect((await ws.allProjects()).map((p) => p.id)).toEqual(['shop']);
  });

  it('records nothing when the remote has no branch to copy, so a retry works once it has one', async () => {
    const ws = env.workspaces;
    const empty = path.join(env.root, 'empty.git');
    await git(['init', '--bare', '--quiet', '--initial-branch=main', empty]);
    const e = await workspaceError(ws.createProject(dev(alice), { name: 'empty', git_remote_url: empty }));
    expect([e.code, e.message]).toEqual(['bad_request', 'Project "empty" has no production branch to copy.']);
    expect((await workspaceError(ws.project('empty'))).code).toBe('not_found');
    await pushFiles(env.root, empty, 'main', { 'e.model.lkml': 'connection: "duckdb"\n' });
    expect((await ws.createProject(dev(alice), { name: 'empty', git_remote_url: empty })).id).toBe('empty');
    expect((await ws.listFiles('empty', dev(alice))).files.map((f) => f.path)).toEqual(['e.model.lkml']);
    await ws.deleteProject(dev(alice), 'empty');
  });

  it('takes a file:// remote, and defaults the production branch to the remote\u2019s default branch', async () => {
    const ws = env.workspaces;
    const dir = await mkdtemp(path.join(env.root, 'trunk-'));
    const trunkRemote = await makeRemote(dir, { 'shop2.model.lkml': 'connection: "duckdb"\n' });
    await pushFiles(dir, trunkRemote, 'trunk', { 'views/t.view.lkml': 'view: t {}\n' });
    await git(['symbolic-ref', 'HEAD', 'refs/heads/trunk'], { gitDir: trunkRemote });
    const project = await ws.createProject(dev(bob), { name: 'trunky', git_remote_url: pathToFileURL(trunkRemote).href });
    expect(project).toMatchObject({ id: 'trunky', hosted: false, git_production_branch_name: null, deployed_commit: null, validation_required: true });
    expect((await ws.currentBranch('trunky', prod(bob)))).toMatchObject({ name: 'trunk', is_production: true, is_local: false });
    expect((await ws.listFiles('trunky', dev(bob))).files.map((f) => f.path)).toEqual(['shop2.model.lkml', 'views/t.view.lkml']);
    await ws.updateProject(dev(bob), 'trunky', { git_production_branch_name: 'main' });
    expect((await ws.currentBranch('trunky', prod(bob))).name).toBe('main');
    await ws.deleteProject(dev(bob), 'trunky');
    expect((await remoteHeads(trunkRemote)).has('trunk')).toBe(true);
  });

  it('hosts a bare repo itself when there is no remote: edit, commit, deploy end to end', async () => {
    const ws = env.workspaces;
    const project = await ws.createProject(dev(carol), { name: 'hosted' });
    expect(project.hosted).toBe(true);
    expect(project.git_remote_url).toBe(path.join(env.dataDir, 'repos', 'hosted.git'));
    expect(await gitText(['log', '-1', '--format=%s', 'main'], { gitDir: project.git_remote_url })).toBe('Initial commit');
    expect((await ws.currentBranch('hosted', dev(carol))).name).toMatch(/^dev-carol-[a-z0-9]{4}$/);
    await ws.writeFile('hosted', dev(carol), 'hosted.model.lkml', 'connection: "duckdb"\ninclude: "/views/*.view.lkml"\nexplore: orders {}\n');
    await ws.writeFile('hosted', dev(carol), 'views/orders.view.lkml', ordersView('hosted'));
    await ws.commit('hosted', dev(carol), 'first LookML');
    await ws.deployToProduction('hosted', dev(carol));
    const { loaded } = await ws.load('hosted', prod(alice));
    expect(loaded.project.models.hosted?.views.orders?.fields.find((f) => f.name === 'ws')?.sql).toBe("'hosted'");
    expect((await ws.models(prod(alice))).map((m) => m.model.name)).toEqual(['hosted', 'shop']);
    await ws.deleteProject(dev(carol), 'hosted');
    expect(existsSync(project.git_remote_url)).toBe(false);
    expect((await ws.allProjects()).map((p) => p.id)).toEqual(['shop']);
    expect(await env.store.projects.devCopy(carol, 'hosted')).toBeNull();
  });

  it('update_project validates its fields and keeps the others', async () => {
    const ws = env.workspaces;
    const pr = await workspaceError(ws.updateProject(dev(alice), 'shop', { pull_request_mode: 'sometimes' }));
    expect([pr.code, pr.field]).toEqual(['invalid', 'pull_request_mode']);
    const br = await workspaceError(ws.updateProject(dev(alice), 'shop', { git_production_branch_name: 'a b' }));
    expect([br.code, br.field]).toEqual(['invalid', 'git_production_branch_name']);
    expect((await workspaceError(ws.updateProject(prod(alice), 'shop', { git_remote_url: '/elsewhere.git' }))).code).toBe('dev_only');
    expect((await workspaceError(ws.updateProject(dev(alice), 'shop', { git_remote_url: '' }))).field).toBe('git_remote_url');
    const updated = await ws.updateProject(prod(alice), 'shop', { pull_request_mode: 'required', git_release_mgmt_enabled: true, allow_warnings: false });
    expect(updated).toMatchObject({ pull_request_mode: 'required', git_release_mgmt_enabled: true, allow_warnings: false, validation_required: true, git_remote_url: env.remote });
    expect((await workspaceError(ws.updateProject(dev(alice), 'nope', {}))).code).toBe('not_found');
    expect((await workspaceError(ws.deleteProject(prod(alice), 'shop'))).code).toBe('dev_only');
  });
});
