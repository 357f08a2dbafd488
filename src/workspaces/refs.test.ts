/**
 * The mirror's cached refs: this node's own pushes are applied to the cache at once (no fetch), other
 * nodes learn of them through the DB generation, and pushes made outside Overlook are caught by the
 * lease checks of the next push or by an explicit sync.
 */
import { stat, rename } from 'node:fs/promises';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitText } from './git/run.ts';
import { Workspaces } from './index.ts';
import { dev, newUser, ordersView, pushFiles, remoteHeads, setupEnv, workspaceError, wsSql, type Env } from './test-support.ts';

let env: Env;
let node2: Workspaces;
let alice = '';
let bob = '';
let main = '';
let feature = '';

beforeAll(async () => {
  env = await setupEnv();
  feature = await pushFiles(env.root, env.remote, 'feature', { 'views/orders.view.lkml': ordersView('feature') });
  main = (await remoteHeads(env.remote)).get('main') ?? '';
  alice = await newUser(env.store, 'Alice', 'A');
  bob = await newUser(env.store, 'Bob', 'B');
  await env.workspaces.createProject(dev(alice), { name: 'shop', git_remote_url: env.remote });
  node2 = new Workspaces(env.store, { dataDir: await mkdtemp(path.join(env.root, 'node2-')) });
});

afterAll(async () => {
  await node2.close();
  await env.cleanup();
});

async function mirrorOf(ws: Workspaces): Promise<string> {
  return (await ws.core.repo(await ws.project('shop'))).dir;
}

/** When the mirror last fetched (FETCH_HEAD is rewritten by every fetch); 0 before the first. */
async function lastFetch(dir: string): Promise<number> {
  return stat(path.join(dir, 'FETCH_HEAD')).then((s) => s.mtimeMs, () => 0);
}

async function mirrorHeads(dir: string): Promise<Map<string, string>> {
  const out = await gitText(['for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/heads/'], { gitDir: dir });
  return new Map(out.split('\n').filter((l) => l !== '').map((l) => l.split(' ') as [string, string]));
}

describe("this node's own pushes", () => {
  it('create, commit and hard reset show the new remote state at once, without a fetch', async () => {
    const ws = env.workspaces;
    const dir = await mirrorOf(ws);
    const fetched = await lastFetch(dir);
    const created = await ws.createBranch('shop', dev(alice), 'own-a');
    expect(created).toMatchObject({ name: 'own-a', ref: main, remote_ref: main, is_remote: true, ahead_count: 0, behind_count: 0 });
    expect(created.commit_at).toBe(Number(await gitText(['show', '-s', '--format=%ct', main], { gitDir: env.remote })));
    await ws.writeFile('shop', dev(alice), 'views/orders.view.lkml', ordersView('own'));
    const commit = await ws.commit('shop', dev(alice), 'own change');
    expect(await ws.currentBranch('shop', dev(alice))).toMatchObject({ ref: commit, remote_ref: commit, ahead_count: 0, behind_count: 0 });
    // Bob's copy of the branch stays where he took it: behind by Alice's commit.
    expect(await ws.updateBranch('shop', dev(bob), 'own-a')).toMatchObject({ ref: commit, remote_ref: commit });
    const reset = await ws.updateBranch('shop', dev(alice), 'own-a', main);
    expect(reset).toMatchObject({ ref: main, remote_ref: main, ahead_count: 0, behind_count: 0 });
    expect(await ws.findBranch('shop', dev(bob), 'own-a')).toMatchObject({ ref: commit, remote_ref: main, ahead_count: 1, behind_count: 0 });
    expect(await lastFetch(dir)).toBe(fetched);
    expect((await remoteHeads(env.remote)).get('own-a')).toBe(main);
  });

  it("the mirror's own refs catch up with the pushes (batched, compare-and-swap)", async () => {
    const ws = env.workspaces;
    await ws.createBranch('shop', dev(alice), 'own-b');
    await ws.updateBranch('shop', dev(alice), 'own-b', 'origin/feature');
    await ws.updateBranch('shop', dev(alice), 'own-a');
    await ws.deleteBranch('shop', dev(alice), 'own-b');
    await ws.core.repos.settled();
    const dir = await mirrorOf(ws);
    expect(await mirrorHeads(dir)).toEqual(await remoteHeads(env.remote));
    const repo = await ws.core.repo(await ws.project('shop'));
    expect(repo.branches).toEqual(await remoteHeads(env.remote));
  });

  it('checkout of a branch the caller has used asks no remote (works with the remote unreachable)', async () => {
    const ws = env.workspaces;
    const hidden = `${env.remote}.away`;
    await rename(env.remote, hidden);
    try {
      const view = await ws.updateBranch('shop', dev(alice), 'own-a');
      expect(view).toMatchObject({ name: 'own-a', ref: main, remote_ref: main, ahead_count: 0, behind_count: 0 });
      expect(await wsSql(ws, 'shop', dev(alice))).toBe("'prod'");
      // A branch never used needs the remote's head: that one does ask, and says so.
      const e = await workspaceError(ws.updateBranch('shop', dev(alice), 'feature'));
      expect([e.code, e.message.startsWith('Cannot reach the git repository of project "shop"')]).toEqual(['bad_request', true]);
    } finally {
      await rename(hidden, env.remote);
    }
    expect((await ws.updateBranch('shop', dev(alice), 'feature')).ref).toBe(feature);
  });
});

describe('another node', () => {
  it('sees a push it did not make once the DB generation moved, on a plain checkout', async () => {
    const ws = env.workspaces;
    await ws.createBranch('shop', dev(alice), 'shared', main);
    expect(await node2.updateBranch('shop', dev(bob), 'shared')).toMatchObject({ ref: main, remote_ref: main });
    await ws.writeFile('shop', dev(alice), 'views/orders.view.lkml', ordersView('shared'));
    const commit = await ws.commit('shop', dev(alice), 'shared change');
    const dir2 = await mirrorOf(node2);
    const generation = (await node2.project('shop')).ref_generation;
    const seen = await node2.updateBranch('shop', dev(bob), 'shared');
    expect(seen).toMatchObject({ ref: main, remote_ref: commit, ahead_count: 0, behind_count: 1 });
    expect((await node2.core.repo(await node2.project('shop'))).generation).toBe(generation);
    expect((await mirrorHeads(dir2)).get('shared')).toBe(commit);
    // And serves Alice's commit from its own mirror.
    expect(await wsSql(node2, 'shop', dev(alice))).toBe("'shared'");
  });

  it("a hard reset on one node moves the other's view of the branch", async () => {
    await node2.updateBranch('shop', dev(bob), 'shared', 'origin/feature');
    // Alice's copy keeps her commit: one ahead of main, and the feature commit behind.
    expect(await env.workspaces.currentBranch('shop', dev(alice))).toMatchObject({ name: 'shared', remote_ref: feature, ahead_count: 1, behind_count: 1 });
    expect((await remoteHeads(env.remote)).get('shared')).toBe(feature);
  });
});

describe('pushes made outside Overlook (no generation bump)', () => {
  it('a hard reset to origin/B takes B as the remote has it, though the cache was behind', async () => {
    const ws = env.workspaces;
    await ws.createBranch('shop', dev(alice), 'ci-target');
    const moved = await pushFiles(env.root, env.remote, 'feature', { 'views/orders.view.lkml': ordersView('ci') });
    expect((await ws.core.repo(await ws.project('shop'))).branches.get('feature')).toBe(feature);
    const view = await ws.updateBranch('shop', dev(alice), 'ci-target', 'origin/feature');
    expect(view).toMatchObject({ ref: moved, remote_ref: moved, ahead_count: 0, behind_count: 0 });
    expect((await remoteHeads(env.remote)).get('ci-target')).toBe(moved);
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'ci'");
    feature = moved;
  });

  it('so does a new branch from origin/B, and a reset of B to origin/B', async () => {
    const ws = env.workspaces;
    const moved = await pushFiles(env.root, env.remote, 'feature', { 'views/orders.view.lkml': ordersView('ci-2') });
    expect((await ws.createBranch('shop', dev(alice), 'from-ci', 'origin/feature')).ref).toBe(moved);
    const again = await pushFiles(env.root, env.remote, 'from-ci', { 'views/orders.view.lkml': ordersView('ci-3') });
    expect(await ws.updateBranch('shop', dev(alice), 'from-ci', 'origin/from-ci')).toMatchObject({ ref: again, remote_ref: again });
    expect(await wsSql(ws, 'shop', dev(alice))).toBe("'ci-3'");
    feature = moved;
  });

  it('a hard reset to origin/B of a branch the cache has at B already asks the remote', async () => {
    const ws = env.workspaces;
    expect((await ws.createBranch('shop', dev(alice), 'at-feature', 'origin/feature')).ref).toBe(feature);
    const moved = await pushFiles(env.root, env.remote, 'feature', { 'views/orders.view.lkml': ordersView('ci-4') });
    expect(await ws.updateBranch('shop', dev(alice), 'at-feature', 'origin/feature')).toMatchObject({ ref: moved, remote_ref: moved });
    expect((await remoteHeads(env.remote)).get('at-feature')).toBe(moved);
    feature = moved;
  });

  it('a hard reset of a branch that moved outside still lands (its lease is renewed once)', async () => {
    const ws = env.workspaces;
    const outside = await pushFiles(env.root, env.remote, 'ci-target', { 'views/orders.view.lkml': ordersView('outside') });
    expect(await ws.updateBranch('shop', dev(alice), 'ci-target', main)).toMatchObject({ ref: main, remote_ref: main });
    expect((await remoteHeads(env.remote)).get('ci-target')).toBe(main);
    expect(outside).not.toBe(main);
  });

  it('creating a name that exists only on the remote is a conflict, and the cache learns the branch', async () => {
    const ws = env.workspaces;
    const made = await pushFiles(env.root, env.remote, 'made-outside', {});
    const e = await workspaceError(ws.createBranch('shop', dev(alice), 'made-outside'));
    expect([e.code, e.message]).toEqual(['conflict', 'Branch made-outside already exists.']);
    expect((await ws.core.repo(await ws.project('shop'))).branches.get('made-outside')).toBe(made);
    expect((await remoteHeads(env.remote)).get('made-outside')).toBe(made);
  });

  it('checking out a branch this node has never seen finds it on the remote', async () => {
    const ws = env.workspaces;
    const made = await pushFiles(env.root, env.remote, 'new-outside', { 'views/orders.view.lkml': ordersView('new-outside') });
    expect(await ws.updateBranch('shop', dev(bob), 'new-outside')).toMatchObject({ ref: made, remote_ref: made, is_local: true });
    expect(await wsSql(ws, 'shop', dev(bob))).toBe("'new-outside'");
  });
});
