import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from './index.ts';
import {
  dev, newUser, ordersView, prod, pushFiles, remoteFile, remoteHeads, setupEnv, workspaceError, wsSql, type Env,
} from './test-support.ts';

let env: Env;
let alice = '';
let bob = '';
let main = '';
let feature = '';
let alicePersonal = '';
let bobPersonal = '';

beforeAll(async () => {
  env = await setupEnv();
  feature = await pushFiles(env.root, env.remote, 'feature', { 'views/orders.view.lkml': ordersView('feature') });
  main = (await remoteHeads(env.remote)).get('main') ?? '';
  alice = await newUser(env.store, 'Alice', 'Ådmin');
  bob = await newUser(env.store, 'Bob', 'Builder');
  await env.workspaces.createProject(dev(alice), { name: 'shop', git_remote_url: env.remote });
  await env.workspaces.deployRefToProduction('shop', prod(alice), { branch: 'main' });
  alicePersonal = (await env.workspaces.currentBranch('shop', dev(alice))).name;
  bobPersonal = (await env.workspaces.currentBranch('shop', dev(bob))).name;
});

afterAll(async () => {
  await env.cleanup();
});

async function current(caller: Caller): Promise<string> {
  return (await env.workspaces.currentBranch('shop', caller)).name;
}

describe('reading branches', () => {
  it('personal branches are made on first dev use, pushed to the remote at production', async () => {
    expect(alicePersonal).toMatch(/^dev-alice-admin-[a-z0-9]{4}$/);
    expect(bobPersonal).toMatch(/^dev-bob-builder-[a-z0-9]{4}$/);
    const heads = await remoteHeads(env.remote);
    expect(heads.get(alicePersonal)).toBe(main);
    expect(heads.get(bobPersonal)).toBe(main);
    expect(await env.store.projects.devCopy(alice, 'shop')).toMatchObject({
      user_id: alice, project_id: 'shop', personal_branch: alicePersonal, current_branch: alicePersonal,
    });
  });

  it('production: the production branch at the deployed commit, read-only', async () => {
    expect(await env.workspaces.currentBranch('shop', prod(bob))).toMatchObject({
      name: 'main', ref: main, remote_ref: main, is_production: true, readonly: true, personal: false,
      is_local: true, is_remote: true, ahead_count: 0, behind_count: 0, owner_name: null, error: null,
    });
  });

  it('lists every branch with personal/readonly/owner as the caller sees them', async () => {
    const asBob = await env.workspaces.allBranches('shop', dev(bob));
    const pick = (name: string) => asBob.find((b) => b.name === name);
    expect(asBob.map((b) => b.name)).toEqual([alicePersonal, bobPersonal, 'feature', 'main'].sort());
    expect(pick(alicePersonal)).toMatchObject({ personal: true, readonly: true, owner_name: 'Alice Ådmin', is_remote: true });
    expect(pick(bobPersonal)).toMatchObject({ personal: true, readonly: false, owner_name: 'Bob Builder', is_local: true, ref: main });
    expect(pick('main')).toMatchObject({ is_production: true, readonly: true, personal: false });
    expect(pick('feature')).toMatchObject({ readonly: false, personal: false, ref: feature, is_local: false, is_remote: true });
    expect(pick('feature')?.commit_at).toEqual(expect.any(Number));
    // In production every branch is read-only.
    expect((await env.workspaces.allBranches('shop', prod(bob))).every((b) => b.readonly)).toBe(true);
    // Spectacles' --use-personal-branch picks the one personal, writable entry.
    expect(asBob.filter((b) => b.personal && !b.readonly).map((b) => b.name)).toEqual([bobPersonal]);
  });

  it('find_git_branch answers 404 for an unknown branch', async () => {
    expect((await env.workspaces.findBranch('shop', dev(bob), 'feature')).ref).toBe(feature);
    const e = await workspaceError(env.workspaces.findBranch('shop', dev(bob), 'nope'));
    expect([e.code, e.message]).toEqual(['not_found', 'Branch nope not found in project shop.']);
  });
});

describe('create and checkout', () => {
  it('creates a branch with "/" from the current head, pushes it and checks it out', async () => {
    const view = await env.workspaces.createBranch('shop', dev(alice), 'team/feature-x');
    expect(view).toMatchObject({ name: 'team/feature-x', ref: main, remote_ref: main, is_local: true, is_remote: true, personal: false, readonly: false });
    expect((await remoteHeads(env.remote)).get('team/feature-x')).toBe(main);
    expect(await current(dev(alice))).toBe('team/feature-x');
  });

  it('creates unicode and hex-looking branches, from origin/B, a sha prefix or a branch', async () => {
    const ws = env.workspaces;
    expect((await ws.createBranch('shop', dev(alice), 'ünï/ブランチ', 'origin/feature')).ref).toBe(feature);
    expect((await remoteHeads(env.remote)).get('ünï/ブランチ')).toBe(feature);
    expect((await ws.createBranch('shop', dev(alice), '13950', feature.slice(0, 8))).ref).toBe(feature);
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'feature'");
    // A hex-looking name is a branch, both as a ref and as a checkout target.
    expect((await ws.createBranch('shop', dev(alice), 'from-hex', '13950')).ref).toBe(feature);
    expect((await ws.updateBranch('shop', dev(alice), '13950')).name).toBe('13950');
    expect(await current(dev(alice))).toBe('13950');
    expect((await ws.findBranch('shop', dev(bob), '13950')).remote_ref).toBe(feature);
  });

  it('a branch named like a commit-sha prefix wins over that commit when used as a ref', async () => {
    const ws = env.workspaces;
    const shaLike = feature.slice(0, 8);
    expect((await ws.createBranch('shop', dev(alice), shaLike, 'main')).ref).toBe(main);
    expect((await ws.createBranch('shop', dev(alice), 'via-sha-like', shaLike)).ref).toBe(main);
    expect((await ws.updateBranch('shop', dev(alice), 'via-sha-like', `origin/${shaLike}`)).ref).toBe(main);
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'prod'");
  });

  it('refuses a branch whose parent folder is a branch (feature → feature/sub) with a conflict', async () => {
    const e = await workspaceError(env.workspaces.createBranch('shop', dev(alice), 'feature/sub'));
    expect(e.code).toBe('conflict');
    expect((await remoteHeads(env.remote)).has('feature/sub')).toBe(false);
    expect(await current(dev(alice))).toBe('via-sha-like');
  });

  it('refuses bad names, existing names and unknown refs', async () => {
    const ws = env.workspaces;
    const bad = await workspaceError(ws.createBranch('shop', dev(alice), 'a..b'));
    expect([bad.code, bad.field, bad.message]).toEqual(['invalid', 'name', 'Branch name "a..b" is not valid: it must not contain "..", "@{" or "//".']);
    expect((await workspaceError(ws.createBranch('shop', dev(alice), 'with space'))).code).toBe('invalid');
    expect((await workspaceError(ws.createBranch('shop', dev(alice), '-f'))).code).toBe('invalid');
    const exists = await workspaceError(ws.createBranch('shop', dev(alice), 'feature'));
    expect([exists.code, exists.message]).toEqual(['conflict', 'Branch feature already exists.']);
    const ref = await workspaceError(ws.createBranch('shop', dev(alice), 'new-one', 'origin/nope'));
    expect([ref.code, ref.field]).toEqual(['invalid', 'ref']);
    expect((await workspaceError(ws.createBranch('shop', dev(alice), 'new-two', 'fffffff0'))).code).toBe('invalid');
    expect((await workspaceError(ws.updateBranch('shop', dev(alice), 'nope'))).code).toBe('not_found');
    expect((await remoteHeads(env.remote)).has('new-one')).toBe(false);
  });

  it("keeps each user's position on a shared branch: behind counts when the remote moves", async () => {
    const ws = env.workspaces;
    await ws.updateBranch('shop', dev(bob), 'feature');
    const moved = await pushFiles(env.root, env.remote, 'feature', { 'views/orders.view.lkml': ordersView('feature-2') });
    const seen = await ws.findBranch('shop', dev(bob), 'feature');
    expect(seen).toMatchObject({ ref: feature, remote_ref: moved, ahead_count: 0, behind_count: 1 });
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'feature'");
    await ws.resetToRemote('shop', dev(bob));
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'feature-2'");
    expect((await ws.findBranch('shop', dev(bob), 'feature')).behind_count).toBe(0);
    feature = moved;
  });
});

describe('hard reset (update_git_branch with ref)', () => {
  it('resets to origin/B and force-pushes, dropping uncommitted changes on that branch', async () => {
    const ws = env.workspaces;
    await ws.createBranch('shop', dev(alice), 'scratch');
    await ws.writeFile('shop', dev(alice), 'views/orders.view.lkml', ordersView('scratch-edit'));
    const view = await ws.updateBranch('shop', dev(alice), 'scratch', 'origin/feature');
    expect(view).toMatchObject({ name: 'scratch', ref: feature, ahead_count: 0, behind_count: 0 });
    expect((await remoteHeads(env.remote)).get('scratch')).toBe(feature);
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'feature-2'");
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([]);
    // Backwards too (a real force-push): to a full sha.
    await ws.updateBranch('shop', dev(alice), 'scratch', main);
    expect((await remoteHeads(env.remote)).get('scratch')).toBe(main);
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'prod'");
  });

  it('refuses the production branch and other users\u2019 personal branches; allows your own', async () => {
    const ws = env.workspaces;
    const p = await workspaceError(ws.updateBranch('shop', dev(alice), 'main', 'origin/feature'));
    expect([p.code, p.message]).toEqual(['forbidden', 'The production branch main cannot be changed from development mode; deploy to production instead.']);
    const o = await workspaceError(ws.updateBranch('shop', dev(alice), bobPersonal, 'origin/feature'));
    expect([o.code, o.message]).toEqual(['forbidden', `Branch ${bobPersonal} is another developer's personal branch and is read-only for you.`]);
    const heads = await remoteHeads(env.remote);
    expect([heads.get('main'), heads.get(bobPersonal)]).toEqual([main, main]);
    await ws.updateBranch('shop', dev(alice), alicePersonal, 'origin/feature');
    expect((await remoteHeads(env.remote)).get(alicePersonal)).toBe(feature);
    await ws.updateBranch('shop', dev(alice), alicePersonal, main);
  });

  it("checking out another user's personal branch is allowed, writing to it is not", async () => {
    const ws = env.workspaces;
    const view = await ws.updateBranch('shop', dev(alice), bobPersonal);
    expect(view).toMatchObject({ personal: true, readonly: true, owner_name: 'Bob Builder' });
    const w = await workspaceError(ws.writeFile('shop', dev(alice), 'views/orders.view.lkml', ordersView('x')));
    expect([w.code, w.message]).toEqual(['forbidden', `Branch ${bobPersonal} is another developer's personal branch and is read-only for you.`]);
    expect((await workspaceError(ws.deleteFile('shop', dev(alice), 'views/orders.view.lkml'))).code).toBe('forbidden');
    expect((await workspaceError(ws.commit('shop', dev(alice), 'm'))).code).toBe('forbidden');
    await ws.updateBranch('shop', dev(alice), 'main');
    const m = await workspaceError(ws.writeFile('shop', dev(alice), 'views/orders.view.lkml', ordersView('x')));
    expect([m.code, m.message]).toEqual(['forbidden', 'The production branch main is read-only in development mode.']);
    await ws.updateBranch('shop', dev(alice), alicePersonal);
  });
});

describe('delete', () => {
  it('refuses the current, a personal, the production branch, and one another developer has checked out', async () => {
    const ws = env.workspaces;
    const cur = await workspaceError(ws.deleteBranch('shop', dev(alice), alicePersonal));
    expect([cur.code, cur.message]).toEqual(['bad_request', `Branch ${alicePersonal} is checked out; check out another branch before deleting it.`]);
    const pers = await workspaceError(ws.deleteBranch('shop', dev(alice), bobPersonal));
    expect([pers.code, pers.message]).toEqual(['bad_request', `Branch ${bobPersonal} is a personal branch and cannot be deleted.`]);
    const prodBranch = await workspaceError(ws.deleteBranch('shop', dev(alice), 'main'));
    expect([prodBranch.code, prodBranch.message]).toEqual(['bad_request', 'The production branch main cannot be deleted.']);
    const other = await workspaceError(ws.deleteBranch('shop', dev(alice), 'feature'));
    expect([other.code, other.message]).toEqual(['bad_request', 'Branch feature is checked out by another developer.']);
    expect((await workspaceError(ws.deleteBranch('shop', dev(alice), 'nope'))).code).toBe('not_found');
    const heads = await remoteHeads(env.remote);
    for (const b of [alicePersonal, bobPersonal, 'main', 'feature']) expect(heads.has(b)).toBe(true);
  });

  it('deletes a branch on the remote and forgets every copy of it', async () => {
    const ws = env.workspaces;
    await ws.updateBranch('shop', dev(alice), 'scratch');
    await ws.writeFile('shop', dev(alice), 'views/new.view.lkml', 'view: new {}\n');
    await ws.updateBranch('shop', dev(alice), alicePersonal);
    await ws.deleteBranch('shop', dev(alice), 'scratch');
    expect((await remoteHeads(env.remote)).has('scratch')).toBe(false);
    expect(await env.store.projects.branchHead(alice, 'shop', 'scratch')).toBeNull();
    expect(await env.store.projects.overlay(alice, 'shop', 'scratch')).toEqual([]);
    expect((await ws.allBranches('shop', dev(alice))).map((b) => b.name)).not.toContain('scratch');
    expect((await workspaceError(ws.findBranch('shop', dev(alice), 'scratch'))).code).toBe('not_found');
  });
});

describe("Spectacles' branch manager, path B (spectacles-flow.md §2)", () => {
  async function run(caller: Caller, ref: string, inside: () => Promise<void>): Promise<void> {
    const ws = env.workspaces;
    const initial = await ws.currentBranch('shop', caller);
    const tmp = `tmp_spectacles_${Math.random().toString(16).slice(2, 12).padEnd(10, '0')}`;
    const created = await ws.createBranch('shop', caller, tmp);
    expect(created.ref).toBe(initial.ref);
    await ws.updateBranch('shop', caller, tmp, ref);
    try {
      await inside();
    } finally {
      await ws.updateBranch('shop', caller, initial.name);
      await ws.deleteBranch('shop', caller, tmp);
    }
    expect(await current(caller)).toBe(initial.name);
    expect((await remoteHeads(env.remote)).has(tmp)).toBe(false);
  }

  it('temp branch → hard reset to origin/B → checkout back → delete; production never moves', async () => {
    const ws = env.workspaces;
    await ws.updateBranch('shop', dev(bob), bobPersonal);
    await ws.writeFile('shop', dev(bob), 'views/orders.view.lkml', ordersView('bob-wip'));
    const deployed = (await ws.project('shop')).deployed_commit;
    await run(dev(bob), 'origin/feature', async () => {
      expect(await wsSql(ws, 'shop', dev(bob))).toBe("'feature-2'");
      expect((await ws.validate('shop', dev(bob))).diagnostics).toEqual([]);
      expect(await wsSql(ws, 'shop', prod(bob))).toBe("'prod'");
    });
    // Back where they were, uncommitted work included.
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'bob-wip'");
    expect((await ws.project('shop')).deployed_commit).toBe(deployed);
  });

  it('path C: the same with a commit sha (also the production commit, as path D does)', async () => {
    const ws = env.workspaces;
    await run(dev(alice), feature, async () => {
      expect(await wsSql(ws, 'shop', dev(alice))).toBe("'feature-2'");
    });
    const prodSha = (await ws.currentBranch('shop', prod(alice))).ref ?? '';
    await run(dev(alice), prodSha, async () => {
      expect(await wsSql(ws, 'shop', dev(alice))).toBe("'prod'");
    });
  });

  it('--use-personal-branch: reset_to_remote then hard reset of the personal branch', async () => {
    const ws = env.workspaces;
    const personal = (await ws.allBranches('shop', dev(alice))).filter((b) => b.personal && !b.readonly);
    expect(personal.map((b) => b.name)).toEqual([alicePersonal]);
    await ws.updateBranch('shop', dev(alice), alicePersonal);
    await ws.resetToRemote('shop', dev(alice));
    await ws.updateBranch('shop', dev(alice), alicePersonal, 'origin/feature');
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'feature-2'");
    expect(await remoteFile(env.remote, alicePersonal, 'views/orders.view.lkml')).toBe(ordersView('feature-2'));
  });
});

describe('resets and dev-only rules', () => {
  it('reset_project_to_production moves only this user\u2019s copy back to the deployed commit', async () => {
    const ws = env.workspaces;
    await ws.writeFile('shop', dev(alice), 'views/users.view.lkml', 'view: users {}\n');
    await ws.resetToProduction('shop', dev(alice));
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'prod'");
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([]);
    // Not pushed: the remote personal branch is still where the hard reset put it.
    expect((await remoteHeads(env.remote)).get(alicePersonal)).toBe(feature);
    expect(await ws.findBranch('shop', dev(alice), alicePersonal)).toMatchObject({ ref: main, remote_ref: feature });
  });

  it.each([
    ['createBranch', () => env.workspaces.createBranch('shop', prod(alice), 'p1'), 'Creating a git branch'],
    ['updateBranch', () => env.workspaces.updateBranch('shop', prod(alice), 'feature'), 'Changing the git branch'],
    ['deleteBranch', () => env.workspaces.deleteBranch('shop', prod(alice), 'feature'), 'Deleting a git branch'],
    ['resetToProduction', () => env.workspaces.resetToProduction('shop', prod(alice)), 'Resetting to production'],
    ['resetToRemote', () => env.workspaces.resetToRemote('shop', prod(alice)), 'Resetting to remote'],
  ])('%s is refused in production with dev_only', async (_name, op, what) => {
    const e = await workspaceError(op());
    expect([e.code, e.message]).toEqual(['dev_only', `${what} is only allowed in development mode. Call update_session with {"workspace_id":"dev"} first.`]);
  });

  it('a production caller never gets a dev copy made', async () => {
    const carol = await newUser(env.store, 'Carol', 'C');
    await workspaceError(env.workspaces.createBranch('shop', prod(carol), 'p2'));
    expect(await env.store.projects.devCopy(carol, 'shop')).toBeNull();
    expect([...(await remoteHeads(env.remote)).keys()].some((b) => b.startsWith('dev-carol'))).toBe(false);
  });
});
