import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobId } from './content.ts';
import { gitText } from './git/run.ts';
import { freshClone } from './git/test-helpers.ts';
import {
  BASE_FILES, USERS_VIEW, dev, newUser, ordersView, prod, pushFiles, remoteFile, remoteHeads, setupEnv, workspaceError, wsSql,
  type Env,
} from './test-support.ts';

let env: Env;
let alice = '';
let bob = '';
let main = '';
let personal = '';

const ORDERS = 'views/orders.view.lkml';
const USERS = 'views/users.view.lkml';

beforeAll(async () => {
  env = await setupEnv();
  main = (await remoteHeads(env.remote)).get('main') ?? '';
  alice = await newUser(env.store, 'Alice', 'Ådmin');
  bob = await newUser(env.store, 'Bob', 'Builder');
  await env.workspaces.createProject(dev(alice), { name: 'shop', git_remote_url: env.remote });
  await env.workspaces.deployRefToProduction('shop', prod(alice), { branch: 'main' });
  personal = (await env.workspaces.currentBranch('shop', dev(alice))).name;
});

afterAll(async () => {
  await env.cleanup();
});

describe('overlay edits', () => {
  it('reads files of the caller\u2019s workspace with their blob id and source', async () => {
    expect(await env.workspaces.readFile('shop', prod(bob), ORDERS)).toEqual({
      path: ORDERS, content: ordersView('prod'), blob: blobId(ordersView('prod')), source: 'git',
    });
    const e = await workspaceError(env.workspaces.readFile('shop', dev(alice), 'views/none.view.lkml'));
    expect([e.code, e.message]).toEqual(['not_found', 'File views/none.view.lkml not found in project shop.']);
  });

  it('writes to the overlay: visible to this user in dev only, listed as changes', async () => {
    const ws = env.workspaces;
    const headsBefore = await remoteHeads(env.remote);
    await ws.writeFile('shop', dev(alice), ORDERS, ordersView('edited'));
    await ws.writeFile('shop', dev(alice), 'views/extra.view.lkml', 'view: extra {}\n');
    expect(await ws.readFile('shop', dev(alice), ORDERS)).toMatchObject({ content: ordersView('edited'), source: 'overlay' });
    expect(await ws.readFile('shop', prod(alice), ORDERS)).toMatchObject({ content: ordersView('prod'), source: 'git' });
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([
      { path: 'views/extra.view.lkml', action: 'add' }, { path: ORDERS, action: 'modify' },
    ]);
    expect((await ws.listFiles('shop', dev(bob))).changes).toEqual([]);
    expect((await ws.listFiles('shop', prod(alice))).files.map((f) => f.path)).toEqual(Object.keys(BASE_FILES).sort());
    // Nothing reached git.
    expect(await remoteHeads(env.remote)).toEqual(headsBefore);
    expect(headsBefore).toEqual(new Map([['main', main], [personal, main]]));
  });

  it('refuses unsafe and non-LookML paths before anything is stored', async () => {
    const ws = env.workspaces;
    for (const bad of ['../x.view.lkml', '/abs.view.lkml', 'notes.txt', 'views/.h.lkml']) {
      const e = await workspaceError(ws.writeFile('shop', dev(alice), bad, 'x'));
      expect([e.code, e.field]).toEqual(['invalid', 'path']);
    }
    const r = await workspaceError(ws.renameFile('shop', dev(alice), ORDERS, '../orders.view.lkml'));
    expect([r.code, r.field]).toEqual(['invalid', 'new_path']);
    expect((await env.store.projects.overlay(alice, 'shop', personal)).map((o) => o.path)).toEqual(['views/extra.view.lkml', ORDERS]);
  });

  it('deletes a committed file as an overlay tombstone, an overlay-only file by forgetting it', async () => {
    const ws = env.workspaces;
    await ws.deleteFile('shop', dev(alice), USERS);
    await ws.deleteFile('shop', dev(alice), 'views/extra.view.lkml');
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([
      { path: ORDERS, action: 'modify' }, { path: USERS, action: 'delete' },
    ]);
    expect((await workspaceError(ws.readFile('shop', dev(alice), USERS))).code).toBe('not_found');
    expect((await workspaceError(ws.deleteFile('shop', dev(alice), USERS))).code).toBe('not_found');
    expect(await ws.readFile('shop', prod(alice), USERS)).toMatchObject({ content: USERS_VIEW });
  });

  it('renames committed and overlay-only files, refusing an existing target', async () => {
    const ws = env.workspaces;
    await ws.discardChanges('shop', dev(alice), [USERS]);
    await ws.renameFile('shop', dev(alice), USERS, 'views/people.view.lkml');
    expect(await ws.readFile('shop', dev(alice), 'views/people.view.lkml')).toMatchObject({ content: USERS_VIEW, source: 'overlay' });
    await ws.renameFile('shop', dev(alice), 'views/people.view.lkml', 'views/persons.view.lkml');
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([
      { path: ORDERS, action: 'modify' }, { path: 'views/persons.view.lkml', action: 'add' }, { path: USERS, action: 'delete' },
    ]);
    const c = await workspaceError(ws.renameFile('shop', dev(alice), 'views/persons.view.lkml', ORDERS));
    expect([c.code, c.message]).toEqual(['conflict', `File ${ORDERS} already exists.`]);
    expect((await workspaceError(ws.renameFile('shop', dev(alice), 'views/nope.view.lkml', 'views/n2.view.lkml'))).code).toBe('not_found');
  });

  it('discards some paths or everything', async () => {
    const ws = env.workspaces;
    await ws.discardChanges('shop', dev(alice), [USERS, 'views/persons.view.lkml']);
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([{ path: ORDERS, action: 'modify' }]);
    await ws.discardChanges('shop', dev(alice));
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([]);
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'prod'");
  });

  it.each([
    ['writeFile', () => env.workspaces.writeFile('shop', prod(bob), ORDERS, 'x'), 'Editing files'],
    ['deleteFile', () => env.workspaces.deleteFile('shop', prod(bob), ORDERS), 'Deleting files'],
    ['renameFile', () => env.workspaces.renameFile('shop', prod(bob), ORDERS, 'views/o2.view.lkml'), 'Renaming files'],
    ['discardChanges', () => env.workspaces.discardChanges('shop', prod(bob)), 'Discarding changes'],
    ['commit', () => env.workspaces.commit('shop', prod(bob), 'msg'), 'Committing'],
    ['pull', () => env.workspaces.pull('shop', prod(bob)), 'Pulling from remote'],
  ])('%s is refused in production with dev_only', async (_name, op, what) => {
    const e = await workspaceError(op());
    expect([e.code, e.message]).toEqual(['dev_only', `${what} is only allowed in development mode. Call update_session with {"workspace_id":"dev"} first.`]);
  });
});

describe('commit', () => {
  it('refuses an empty message, no changes, and changes with LookML errors', async () => {
    const ws = env.workspaces;
    expect((await workspaceError(ws.commit('shop', dev(alice), '  '))).field).toBe('message');
    const none = await workspaceError(ws.commit('shop', dev(alice), 'nothing'));
    expect([none.code, none.message]).toEqual(['bad_request', 'There are no uncommitted changes to commit.']);
    await ws.writeFile('shop', dev(alice), ORDERS, "view: orders {\n  dimension: ws { sql: ${nope} ;; }\n}\n");
    const bad = await workspaceError(ws.commit('shop', dev(alice), 'broken'));
    expect(bad.code).toBe('lookml_errors');
    expect(bad.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual([`${ORDERS}:2:24 model/unknown-reference`]);
    expect((await remoteHeads(env.remote)).get(personal)).toBe(main);
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([{ path: ORDERS, action: 'modify' }]);
  });

  it('commits the overlay on the branch head, pushes it and clears the overlay', async () => {
    const ws = env.workspaces;
    await ws.writeFile('shop', dev(alice), ORDERS, ordersView('committed'));
    await ws.deleteFile('shop', dev(alice), USERS);
    await ws.writeFile('shop', dev(alice), 'views/ünï.view.lkml', 'view: uni {}\n');
    const commit = await ws.commit('shop', dev(alice), 'Alice\u2019s change');
    expect((await remoteHeads(env.remote)).get(personal)).toBe(commit);
    const clone = await freshClone(env.root, env.remote, personal);
    expect(await clone.read(ORDERS)).toBe(ordersView('committed'));
    expect(await clone.read('views/ünï.view.lkml')).toBe('view: uni {}\n');
    expect(await clone.exists(USERS)).toBe(false);
    expect(await gitText(['log', '-1', '--format=%P|%an|%ae|%s'], { cwd: clone.dir })).toBe(`${main}|Alice Ådmin|user-${alice}@overlook.invalid|Alice\u2019s change`);
    expect(await env.store.projects.overlay(alice, 'shop', personal)).toEqual([]);
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([]);
    expect(await ws.currentBranch('shop', dev(alice))).toMatchObject({ ref: commit, remote_ref: commit, ahead_count: 0, behind_count: 0 });
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'committed'");
    expect(await wsSql(ws, 'shop', prod(bob))).toBe("'prod'");
    expect((await remoteHeads(env.remote)).get('main')).toBe(main);
  });

  it('is refused when the remote branch moved meanwhile, keeping the changes', async () => {
    const ws = env.workspaces;
    await ws.createBranch('shop', dev(alice), 'shared');
    const theirs = await pushFiles(env.root, env.remote, 'shared', { 'views/theirs.view.lkml': 'view: theirs {}\n' });
    await ws.writeFile('shop', dev(alice), ORDERS, ordersView('mine'));
    const e = await workspaceError(ws.commit('shop', dev(alice), 'mine'));
    expect([e.code, e.message]).toEqual(['conflict', 'Branch shared has new commits on the remote; pull from remote, then commit. Your changes are kept.']);
    expect((await remoteHeads(env.remote)).get('shared')).toBe(theirs);
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([{ path: ORDERS, action: 'modify' }]);
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'mine'");
    await ws.discardChanges('shop', dev(alice));
  });

  it('keeps overlays per branch: switching branches never mixes them', async () => {
    const ws = env.workspaces;
    await ws.writeFile('shop', dev(alice), ORDERS, ordersView('on-shared'));
    await ws.updateBranch('shop', dev(alice), personal);
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'committed'");
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([]);
    await ws.updateBranch('shop', dev(alice), 'shared');
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'on-shared'");
    await ws.discardChanges('shop', dev(alice));
  });
});

describe('pull', () => {
  it('is up to date when nothing moved; keeps uncommitted changes on top unless the remote changed the same file', async () => {
    const ws = env.workspaces;
    await ws.updateBranch('shop', dev(bob), 'shared');
    const head = (await remoteHeads(env.remote)).get('shared');
    expect(await ws.pull('shop', dev(bob))).toEqual({ status: 'up_to_date', head });
    await ws.writeFile('shop', dev(bob), ORDERS, ordersView('bob'));
    expect(await ws.pull('shop', dev(bob))).toEqual({ status: 'up_to_date', head });
    // The remote changes another file: fast-forward, Bob's edit stays uncommitted on top.
    const other = await pushFiles(env.root, env.remote, 'shared', { 'views/other.view.lkml': 'view: other {}\n' });
    expect(await ws.pull('shop', dev(bob))).toEqual({ status: 'fast_forward', head: other });
    expect((await ws.listFiles('shop', dev(bob))).changes).toEqual([{ path: ORDERS, action: 'modify' }]);
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'bob'");
    // The remote changes the file Bob edited: refused, nothing moves, the edit is kept.
    await pushFiles(env.root, env.remote, 'shared', { [ORDERS]: ordersView('remote') });
    const e = await workspaceError(ws.pull('shop', dev(bob)));
    expect([e.code, e.message]).toEqual(['conflict', `The remote changed ${ORDERS}, which you also changed; commit or discard your changes to it first. Nothing was changed.`]);
    expect((await ws.currentBranch('shop', dev(bob))).ref).toBe(other);
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'bob'");
    await ws.discardChanges('shop', dev(bob));
  });

  it('fast-forwards to the remote without pushing anything', async () => {
    const ws = env.workspaces;
    const moved = await pushFiles(env.root, env.remote, 'shared', { [ORDERS]: ordersView('shared-2') });
    expect(await wsSql(ws, 'shop', dev(bob))).not.toBe("'shared-2'");
    expect(await ws.pull('shop', dev(bob))).toEqual({ status: 'fast_forward', head: moved });
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'shared-2'");
    expect((await remoteHeads(env.remote)).get('shared')).toBe(moved);
  });

  it('merges a diverged remote branch, pushes the merge, and keeps both sides', async () => {
    const ws = env.workspaces;
    // Bob commits on shared; production moves on main; Bob resets to production: his copy and the remote diverged.
    await ws.writeFile('shop', dev(bob), 'views/bob.view.lkml', 'view: bob {}\n');
    const bobs = await ws.commit('shop', dev(bob), 'bob view');
    const prodMove = await pushFiles(env.root, env.remote, 'main', { 'views/main.view.lkml': 'view: main_only {}\n' });
    await ws.deployRefToProduction('shop', prod(bob), { branch: 'main' });
    await ws.resetToProduction('shop', dev(bob));
    expect(await ws.findBranch('shop', dev(bob), 'shared')).toMatchObject({ ref: prodMove, remote_ref: bobs });
    const result = await ws.pull('shop', dev(bob));
    expect(result.status).toBe('merged');
    expect((await remoteHeads(env.remote)).get('shared')).toBe(result.head);
    expect(await gitText(['log', '-1', '--format=%P|%s', result.head], { gitDir: env.remote })).toBe(`${prodMove} ${bobs}|Merge remote branch shared`);
    expect(await remoteFile(env.remote, result.head, 'views/bob.view.lkml')).toBe('view: bob {}\n');
    expect(await remoteFile(env.remote, result.head, 'views/main.view.lkml')).toBe('view: main_only {}\n');
    expect(await remoteFile(env.remote, result.head, USERS)).toBeNull();
    expect(await remoteFile(env.remote, result.head, ORDERS)).toBe(ordersView('shared-2'));
    expect(await ws.currentBranch('shop', dev(bob))).toMatchObject({ ref: result.head, remote_ref: result.head, ahead_count: 0, behind_count: 0 });
  });

  it('reports a conflict and changes nothing', async () => {
    const ws = env.workspaces;
    await ws.writeFile('shop', dev(bob), ORDERS, ordersView('bob-side'));
    const bobs = await ws.commit('shop', dev(bob), 'bob side');
    const prodMove = await pushFiles(env.root, env.remote, 'main', { [ORDERS]: ordersView('main-side') });
    await ws.deployRefToProduction('shop', prod(bob), { branch: 'main' });
    await ws.resetToProduction('shop', dev(bob));
    const e = await workspaceError(ws.pull('shop', dev(bob)));
    expect([e.code, e.message]).toEqual(['conflict', `Pulling shared conflicts in ${ORDERS}; nothing was changed.`]);
    expect(await ws.findBranch('shop', dev(bob), 'shared')).toMatchObject({ ref: prodMove, remote_ref: bobs });
    expect((await remoteHeads(env.remote)).get('shared')).toBe(bobs);
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'main-side'");
    expect((await ws.listFiles('shop', dev(bob))).changes).toEqual([]);
  });
});
