import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverlayFile } from '../store/index.ts';
import { ASSEMBLED_BYTES_PER_SOURCE_BYTE, ContentCache, approximateBytes, blobId } from './content.ts';
import { gitText } from './git/run.ts';
import type { ProjectRepo } from './repos.ts';
import { BASE_FILES, USERS_VIEW, dev, newUser, ordersView, prod, pushFiles, setupEnv, type Env } from './test-support.ts';

let env: Env;
let alice = '';
let bob = '';
let repo: ProjectRepo;
let main = '';

function overlay(path: string, content: string | null): OverlayFile {
  return { path, content, blob_id: content === null ? null : blobId(content), updated_at: '2024-01-01T00:00:00.000Z' };
}

beforeAll(async () => {
  env = await setupEnv({ ...BASE_FILES, 'README.md': '# shop\n' });
  alice = await newUser(env.store, 'Alice', 'Ådmin');
  bob = await newUser(env.store, 'Bob', 'Builder');
  await env.workspaces.createProject(dev(alice), { name: 'shop', git_remote_url: env.remote });
  const project = await env.workspaces.project('shop');
  repo = await env.workspaces.core.repo(project, true);
  main = repo.branches.get('main') ?? '';
});

afterAll(async () => {
  await env.cleanup();
});

describe('blobId', () => {
  it.each(['', 'view: x {}\n', 'dimension: ü { sql: \'日本\' ;; }\n', 'no trailing newline', 'a\r\nb\0c'])(
    'equals `git hash-object` for %j', async (text) => {
      expect(blobId(text)).toBe(await gitText(['hash-object', '--stdin'], { input: text }));
    },
  );

  it('equals the blob id git recorded for a committed file', async () => {
    const id = await gitText(['rev-parse', `${main}:views/orders.view.lkml`], { gitDir: repo.dir });
    expect(blobId(ordersView('prod'))).toBe(id);
  });
});

describe('snapshots', () => {
  it('lists every blob of the commit with its blob id, sorted by path, and keys by tree', async () => {
    const cache = new ContentCache();
    const snap = await cache.snapshot(repo, main);
    const tree = await gitText(['rev-parse', `${main}^{tree}`], { gitDir: repo.dir });
    expect(snap).toMatchObject({ projectId: 'shop', commit: main, tree, key: `shop@${tree}`, changes: [] });
    expect(snap.files).toEqual([
      { path: 'README.md', blob: blobId('# shop\n'), source: 'git' },
      { path: 'shop.model.lkml', blob: blobId(BASE_FILES['shop.model.lkml'] ?? ''), source: 'git' },
      { path: 'views/orders.view.lkml', blob: blobId(ordersView('prod')), source: 'git' },
      { path: 'views/users.view.lkml', blob: blobId(USERS_VIEW), source: 'git' },
    ]);
  });

  it('builds an overlay-free snapshot once per commit and project; overlays get their own each time', async () => {
    const cache = new ContentCache();
    const first = await cache.snapshot(repo, main);
    expect(await cache.snapshot(repo, main)).toBe(first);
    // Another project reading the same commit (one remote, two projects) keeps its own id and key.
    const other = await cache.snapshot({ ...repo, projectId: 'shop2' }, main);
    expect([other.projectId, other.key, other.files]).toEqual(['shop2', first.key.replace(/^shop@/, 'shop2@'), first.files]);
    const edit = [overlay('views/orders.view.lkml', ordersView('mine'))];
    const edited = await cache.snapshot(repo, main, edit);
    expect(edited).not.toBe(await cache.snapshot(repo, main, edit));
    expect(edited.key).not.toBe(first.key);
    expect(await cache.snapshot(repo, main)).toBe(first);
  });

  it('has no commit, an empty key and no files when there is nothing deployed', async () => {
    const snap = await new ContentCache().snapshot(repo, null);
    expect(snap).toMatchObject({ commit: null, tree: null, key: 'shop@empty', files: [], changes: [] });
  });

  it('gives two commits with the same tree the same key', async () => {
    const empty = await pushFiles(env.root, env.remote, 'same-tree', {}, { message: 'empty commit' });
    await env.workspaces.core.repo(await env.workspaces.project('shop'), true);
    const cache = new ContentCache();
    const a = await cache.snapshot(repo, main);
    const b = await cache.snapshot(repo, empty);
    expect(empty).not.toBe(main);
    expect(b.commit).toBe(empty);
    expect(b.key).toBe(a.key);
  });

  it('keys an overlay by what it changes, and reports adds, modifies and deletes', async () => {
    const cache = new ContentCache();
    const base = await cache.snapshot(repo, main);
    const edited = await cache.snapshot(repo, main, [
      overlay('views/orders.view.lkml', ordersView('mine')),
      overlay('views/new.view.lkml', 'view: new {}\n'),
      overlay('README.md', null),
    ]);
    expect(edited.key).toMatch(new RegExp(`^${base.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\+[0-9a-f]{40}$`));
    expect(edited.changes).toEqual([
      { path: 'README.md', action: 'delete' },
      { path: 'views/new.view.lkml', action: 'add' },
      { path: 'views/orders.view.lkml', action: 'modify' },
    ]);
    expect(edited.files.map((f) => [f.path, f.source])).toEqual([
      ['shop.model.lkml', 'git'], ['views/new.view.lkml', 'overlay'], ['views/orders.view.lkml', 'overlay'], ['views/users.view.lkml', 'git'],
    ]);
    expect(await cache.readText(repo, edited, 'views/orders.view.lkml')).toBe(ordersView('mine'));
    expect(await cache.readText(repo, edited, 'views/users.view.lkml')).toBe(USERS_VIEW);
    expect(await cache.readText(repo, edited, 'README.md')).toBeNull();
    expect(await cache.readText(repo, base, 'README.md')).toBe('# shop\n');

    const other = await cache.snapshot(repo, main, [overlay('views/orders.view.lkml', ordersView('theirs'))]);
    expect(other.key).not.toBe(edited.key);
    const same = await cache.snapshot(repo, main, [
      overlay('README.md', null), overlay('views/new.view.lkml', 'view: new {}\n'), overlay('views/orders.view.lkml', ordersView('mine')),
    ]);
    expect(same.key).toBe(edited.key);
  });

  it('treats an overlay entry equal to the committed content, or deleting a missing file, as no change', async () => {
    const cache = new ContentCache();
    const base = await cache.snapshot(repo, main);
    const noop = await cache.snapshot(repo, main, [overlay('views/orders.view.lkml', ordersView('prod')), overlay('views/gone.view.lkml', null)]);
    expect(noop.key).toBe(base.key);
    expect(noop.changes).toEqual([]);
    expect(noop.files).toEqual(base.files);
    expect(noop.overlayText.size).toBe(0);
  });
});

describe('loading', () => {
  it('parses LookML only, and shares one loaded project per key (concurrent loads included)', async () => {
    const cache = new ContentCache();
    const snap = await cache.snapshot(repo, main);
    const [a, b] = await Promise.all([cache.load(repo, snap), cache.load(repo, snap)]);
    expect(a).toBe(b);
    expect(await cache.load(repo, await cache.snapshot(repo, main))).toBe(a);
    expect(a.key).toBe(snap.key);
    expect(a.files.map((f) => f.path)).toEqual(['shop.model.lkml', 'views/orders.view.lkml', 'views/users.view.lkml']);
    expect(a.project.models.shop?.views.orders?.fields.find((f) => f.name === 'ws')?.sql).toBe("'prod'");
    expect(a.diagnostics()).toBe(a.diagnostics());
  });

  it('reuses the parsed file of an unchanged blob across workspaces with different keys', async () => {
    const cache = new ContentCache();
    const base = await cache.load(repo, await cache.snapshot(repo, main));
    const editedSnap = await cache.snapshot(repo, main, [overlay('views/orders.view.lkml', ordersView('mine'))]);
    const edited = await cache.load(repo, editedSnap);
    expect(edited.key).not.toBe(base.key);
    expect(edited).not.toBe(base);
    const file = (l: typeof base, p: string) => l.files.find((f) => f.path === p);
    expect(file(edited, 'views/users.view.lkml')).toBe(file(base, 'views/users.view.lkml'));
    expect(file(edited, 'shop.model.lkml')).toBe(file(base, 'shop.model.lkml'));
    expect(file(edited, 'views/orders.view.lkml')).not.toBe(file(base, 'views/orders.view.lkml'));
    expect(edited.project.models.shop?.views.orders?.fields.find((f) => f.name === 'ws')?.sql).toBe("'mine'");
    // The overlay content, once committed elsewhere, is the same blob: its parse is reused too.
    const committed = await pushFiles(env.root, env.remote, 'mine', { 'views/orders.view.lkml': ordersView('mine') });
    await env.workspaces.core.repo(await env.workspaces.project('shop'), true);
    const fromGit = await cache.load(repo, await cache.snapshot(repo, committed));
    expect(file(fromGit, 'views/orders.view.lkml')).toBe(file(edited, 'views/orders.view.lkml'));
  });

  it('re-parses a blob that moved to another path (parsed files carry their path)', async () => {
    const cache = new ContentCache();
    const base = await cache.load(repo, await cache.snapshot(repo, main));
    const moved = await cache.load(repo, await cache.snapshot(repo, main, [
      overlay('views/users.view.lkml', null), overlay('views/people.view.lkml', USERS_VIEW),
    ]));
    const people = moved.files.find((f) => f.path === 'views/people.view.lkml');
    expect(people?.path).toBe('views/people.view.lkml');
    expect(people).not.toBe(base.files.find((f) => f.path === 'views/users.view.lkml'));
  });

  it('evicts least recently used workspaces beyond maxWorkspaces', async () => {
    const cache = new ContentCache({ maxWorkspaces: 1 });
    const snapA = await cache.snapshot(repo, main);
    const snapB = await cache.snapshot(repo, main, [overlay('views/orders.view.lkml', ordersView('b'))]);
    const a = await cache.load(repo, snapA);
    await cache.load(repo, snapB);
    const again = await cache.load(repo, snapA);
    expect(again).not.toBe(a);
    // ...but the parsed files survive, since they are cached separately.
    expect(again.files.find((f) => f.path === 'views/users.view.lkml')).toBe(a.files.find((f) => f.path === 'views/users.view.lkml'));
  });

  it('weighs a workspace built from scratch by its LookML source, a delta by what it built itself, and evicts beyond maxWorkspaceBytes', async () => {
    const lookml = Object.entries(BASE_FILES).reduce((n, [, text]) => n + Buffer.byteLength(text), 0);
    const probe = new ContentCache();
    const base = await probe.load(repo, await probe.snapshot(repo, main));
    // README.md is no LookML: it is neither parsed nor counted.
    expect([base.sourceBytes, base.ownSourceBytes]).toEqual([lookml, lookml]);
    expect(approximateBytes(base)).toBe(lookml * ASSEMBLED_BYTES_PER_SOURCE_BYTE);
    const edits = ['b', 'c', 'd'].map((v) => [overlay('views/orders.view.lkml', ordersView(v))]);
    const delta = await probe.load(repo, await probe.snapshot(repo, main, edits[0]));
    // It rebuilt the orders view (and copied the explore that reads it), not the users view.
    expect(delta.ownSourceBytes).toBeLessThan(delta.sourceBytes);
    expect(delta.ownSourceBytes).toBeGreaterThanOrEqual(Buffer.byteLength(ordersView('b')));
    expect(approximateBytes(delta)).toBe(Math.round(delta.ownSourceBytes * ASSEMBLED_BYTES_PER_SOURCE_BYTE));

    // Room for production and two deltas: the third evicts the least recently used one, a delta,
    // since assembling each dev copy over production uses production again.
    const cache = new ContentCache({ maxWorkspaces: 100, maxWorkspaceBytes: approximateBytes(base) + 2 * approximateBytes(delta) + 1 });
    const prodSnap = await cache.snapshot(repo, main);
    const production = await cache.load(repo, prodSnap);
    const snaps = await Promise.all(edits.map((e) => cache.snapshot(repo, main, e)));
    const loaded = [];
    for (const snap of snaps) loaded.push(await cache.load(repo, snap));
    expect(loaded.map(approximateBytes)).toEqual(loaded.map(() => approximateBytes(delta)));
    expect(cache.workspaceStats).toEqual({ count: 3, approximateBytes: approximateBytes(base) + 2 * approximateBytes(delta) });
    expect(await cache.load(repo, prodSnap)).toBe(production);
    expect(await cache.load(repo, snaps[2]!)).toBe(loaded[2]);
    expect(await cache.load(repo, snaps[0]!)).not.toBe(loaded[0]);
    // One workspace over the whole bound is still kept (the newest always is).
    const tiny = new ContentCache({ maxWorkspaceBytes: 1 });
    const one = await tiny.load(repo, snaps[0]!);
    expect(await tiny.load(repo, snaps[0]!)).toBe(one);
    expect(tiny.workspaceStats.count).toBe(1);
  });
});

describe('through the service', () => {
  it('production callers and a dev caller with no changes share one loaded project', async () => {
    const ws = env.workspaces;
    await ws.deployRefToProduction('shop', prod(alice), { branch: 'main' });
    const p1 = await ws.load('shop', prod(alice));
    const p2 = await ws.load('shop', prod(bob));
    const d = await ws.load('shop', dev(alice));
    const bobDev = await ws.load('shop', dev(bob));
    expect(p2.loaded).toBe(p1.loaded);
    expect(d.loaded).toBe(p1.loaded);
    expect(bobDev.loaded).toBe(p1.loaded);
    expect(d.ws.branch).toMatch(/^dev-alice-admin-[a-z0-9]{4}$/);
    expect(p1.ws.branch).toBe('main');
  });

  it('a dev edit builds a new workspace that still shares every untouched parsed file', async () => {
    const ws = env.workspaces;
    const before = (await ws.load('shop', prod(bob))).loaded;
    await ws.writeFile('shop', dev(alice), 'views/orders.view.lkml', ordersView('alice'));
    const after = (await ws.load('shop', dev(alice))).loaded;
    expect(after).not.toBe(before);
    expect(after.files.find((f) => f.path === 'views/users.view.lkml')).toBe(before.files.find((f) => f.path === 'views/users.view.lkml'));
    // Writing back the committed text makes the workspace production's again.
    await ws.writeFile('shop', dev(alice), 'views/orders.view.lkml', ordersView('prod'));
    expect((await ws.load('shop', dev(alice))).loaded).toBe(before);
    expect((await ws.listFiles('shop', dev(alice))).changes).toEqual([]);
  });
});
