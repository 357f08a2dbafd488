import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { commitFiles, deleteRef, pushRef, updateRef } from './commit.ts';
import { defaultBranch, ensureMirror, fetchMirror, listBranches, resolveRef } from './mirror.ts';
import { lsTree, openObjectReader, treeOf } from './objects.ts';
import { git, gitText } from './run.ts';
import { ALICE, freshClone, makeRemote, tempRoot } from './test-helpers.ts';

const MODEL = 'connection: "duckdb"\ninclude: "/views/*.view.lkml"\nexplore: orders {}\n';
const ORDERS = 'view: orders {\n  dimension: ws { sql: \'prod\' ;; }\n}\n';
const USERS = 'view: users {\n  dimension: id { type: number }\n}\n';

let root = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
let remote = '';
let mirror = '';

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempRoot());
  remote = await makeRemote(root, {
    'shop.model.lkml': MODEL,
    'views/orders.view.lkml': ORDERS,
    'views/users.view.lkml': USERS,
  });
  mirror = path.join(root, 'mirrors', 'shop.git');
  await ensureMirror(remote, mirror);
});

afterAll(async () => {
  await cleanup();
});

describe('mirror', () => {
  it('mirrors a local-path remote and reports its branches and default branch', async () => {
    const main = await resolveRef(mirror, 'main');
    expect(main).toMatch(/^[0-9a-f]{40}$/);
    expect(main).toBe(await gitText(['rev-parse', 'refs/heads/main'], { gitDir: remote }));
    expect(await listBranches(mirror)).toEqual([{ name: 'main', sha: main }]);
    expect(await defaultBranch(mirror)).toBe('main');
    expect(await gitText(['rev-parse', '--is-bare-repository'], { gitDir: mirror })).toBe('true');
  });

  it('mirrors a file:// URL too', async () => {
    const dir = path.join(root, 'mirrors', 'via-url.git');
    await ensureMirror(pathToFileURL(remote).href, dir);
    expect(await resolveRef(dir, 'refs/heads/main')).toBe(await resolveRef(mirror, 'main'));
    // Calling it again on an existing mirror fetches instead of recloning.
    await ensureMirror(pathToFileURL(remote).href, dir);
    expect(await listBranches(dir)).toHaveLength(1);
  });

  it('returns null for refs that do not exist and refuses option-like refs', async () => {
    expect(await resolveRef(mirror, 'no-such-branch')).toBeNull();
    expect(await resolveRef(mirror, '0123456789012345678901234567890123456789')).toBeNull();
    await expect(resolveRef(mirror, '--all')).rejects.toThrow('invalid ref');
  });

  it('fetch picks up new branches, deleted branches and a changed default branch', async () => {
    const main = (await resolveRef(remote, 'main')) ?? '';
    await git(['update-ref', 'refs/heads/feature/x', main], { gitDir: remote });
    await git(['update-ref', 'refs/heads/13950', main], { gitDir: remote });
    await git(['update-ref', 'refs/heads/dev-zoë-ünï-ab12', main], { gitDir: remote });
    await git(['symbolic-ref', 'HEAD', 'refs/heads/feature/x'], { gitDir: remote });
    await fetchMirror(mirror);
    expect((await listBranches(mirror)).map((b) => b.name)).toEqual([
      '13950',
      'dev-zoë-ünï-ab12',
      'feature/x',
      'main',
    ]);
    expect(await defaultBranch(mirror)).toBe('feature/x');
    expect(await resolveRef(mirror, 'refs/heads/13950')).toBe(main);

    await git(['update-ref', '-d', 'refs/heads/13950'], { gitDir: remote });
    await git(['symbolic-ref', 'HEAD', 'refs/heads/main'], { gitDir: remote });
    await fetchMirror(mirror);
    expect((await listBranches(mirror)).map((b) => b.name)).toEqual(['dev-zoë-ünï-ab12', 'feature/x', 'main']);
    expect(await defaultBranch(mirror)).toBe('main');
  });
  it('mirrors an empty remote (no commits yet) and repoints a mirror whose remote URL changed', async () => {
    const empty = path.join(root, 'empty.git');
    await git(['init', '--quiet', '--bare', '--initial-branch=main', empty]);
    const dir = path.join(root, 'mirrors', 'empty.git');
    await ensureMirror(empty, dir);
    expect(await listBranches(dir)).toEqual([]);
    expect(await resolveRef(dir, 'main')).toBeNull();
    // Same mirror directory, project now points at the shop remote.
    await ensureMirror(remote, dir);
    expect(await gitText(['config', '--get', 'remote.origin.url'], { gitDir: dir })).toBe(remote);
    expect((await listBranches(dir)).map((b) => b.name)).toContain('main');
  });
});

describe('objects', () => {
  it('lists a commit tree recursively and reads every file through one batch process', async () => {
    const main = (await resolveRef(mirror, 'main')) ?? '';
    const entries = await lsTree(mirror, main, { recursive: true });
    expect(entries.map((e) => [e.path, e.mode, e.type])).toEqual([
      ['shop.model.lkml', '100644', 'blob'],
      ['views/orders.view.lkml', '100644', 'blob'],
      ['views/users.view.lkml', '100644', 'blob'],
    ]);
    const top = await lsTree(mirror, main);
    expect(top.map((e) => [e.path, e.type])).toEqual([
      ['shop.model.lkml', 'blob'],
      ['views', 'tree'],
    ]);
    const reader = openObjectReader(mirror);
    try {
      const texts = await Promise.all(entries.map(async (e) => (await reader.readBlob(e.sha))?.toString('utf8')));
      expect(texts).toEqual([MODEL, ORDERS, USERS]);
      const tree = await treeOf(mirror, main);
      expect(await reader.treeOf(main)).toBe(tree);
      expect(tree).toBe(await gitText(['rev-parse', `${main}^{tree}`], { gitDir: remote }));
      // A tree is not a blob, so readBlob declines it while readObject returns it.
      expect(await reader.readBlob(tree)).toBeNull();
      expect((await reader.readObject(tree))?.type).toBe('tree');
    } finally {
      await reader.close();
    }
  });

  it('answers null for missing objects and keeps serving afterwards', async () => {
    const reader = openObjectReader(mirror);
    try {
      const entries = await lsTree(mirror, 'main', { recursive: true });
      const sha = entries[0]?.sha ?? '';
      const [missing, present, missing2] = await Promise.all([
        reader.readBlob('deadbeef'.repeat(5)),
        reader.readBlob(sha),
        reader.readObject('refs/heads/nope'),
      ]);
      expect(missing).toBeNull();
      expect(present?.toString('utf8')).toBe(MODEL);
      expect(missing2).toBeNull();
      await expect(reader.readBlob('abc\ndef')).rejects.toThrow('invalid object name');
      expect((await reader.readBlob(sha))?.toString('utf8')).toBe(MODEL);
    } finally {
      await reader.close();
    }
    await expect(reader.readBlob('deadbeef'.repeat(5))).rejects.toThrow('closed');
  });

  it('rejects pending reads when git cannot start on the directory, then works once it exists', async () => {
    const dir = path.join(root, 'mirrors', 'later.git');
    const reader = openObjectReader(dir);
    await expect(reader.readBlob('a'.repeat(40))).rejects.toThrow('git cat-file --batch exited');
    await git(['init', '--quiet', '--bare', dir]);
    const sha = await gitText(['hash-object', '-w', '--stdin'], { gitDir: dir, input: 'later\n' });
    expect((await reader.readBlob(sha))?.toString('utf8')).toBe('later\n');
    await reader.close();
  });

  it('serves 200 concurrent reads, including large and binary blobs, in request order', async () => {
    const big = 'x'.repeat(300_000) + '\nend\n';
    const binary = Buffer.from([0, 10, 13, 255, 10, 0, 32]);
    const bigSha = await gitText(['hash-object', '-w', '--stdin'], { gitDir: mirror, input: big });
    const binSha = await gitText(['hash-object', '-w', '--stdin'], { gitDir: mirror, input: binary });
    const small: { sha: string; text: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const text = `view: v${i} {}\n`;
      small.push({ sha: await gitText(['hash-object', '-w', '--stdin'], { gitDir: mirror, input: text }), text });
    }
    const reader = openObjectReader(mirror);
    try {
      const jobs = Array.from({ length: 200 }, (_, i) => {
        if (i % 50 === 7) return { sha: bigSha, want: Buffer.from(big) };
        if (i % 50 === 8) return { sha: binSha, want: binary };
        if (i % 50 === 9) return { sha: 'f'.repeat(40), want: null };
        const s = small[i % small.length] ?? { sha: '', text: '' };
        return { sha: s.sha, want: Buffer.from(s.text) };
      });
      const got = await Promise.all(jobs.map((j) => reader.readBlob(j.sha)));
      // Buffer.equals rather than toEqual: vitest's deep equality walks 300 KB byte by byte.
      const mismatches = got.filter((g, i) => {
        const want = jobs[i]?.want ?? null;
        return want === null ? g !== null : g === null || !g.equals(want);
      });
      expect(mismatches).toHaveLength(0);
      expect(got.filter((g) => g === null)).toHaveLength(4);
      expect(got[7]?.length).toBe(big.length);
    } finally {
      await reader.close();
    }
  });
});

describe('commit', () => {
  it('commits an overlay (add, change, delete) without a work tree, moves the branch with CAS and pushes', async () => {
    await fetchMirror(mirror);
    const base = (await resolveRef(mirror, 'refs/heads/main')) ?? '';
    const newOrders = ORDERS.replace("'prod'", "'feature'");
    const sha = await commitFiles(mirror, {
      parent: base,
      files: {
        'views/orders.view.lkml': newOrders,
        'views/users.view.lkml': null,
        'views/new dir/my view ü.view.lkml': 'view: ü {}\n',
        'dashboards/sales.dashboard.lookml': '- dashboard: sales\n',
      },
      message: 'Edit from the IDE\n\nwith a body line',
      author: ALICE,
    });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    // The ref has not moved yet: commitFiles only writes objects.
    expect(await resolveRef(mirror, 'refs/heads/main')).toBe(base);

    const files = await lsTree(mirror, sha, { recursive: true });
    expect(files.map((f) => f.path)).toEqual([
      'dashboards/sales.dashboard.lookml',
      'shop.model.lkml',
      'views/new dir/my view ü.view.lkml',
      'views/orders.view.lkml',
    ]);
    const meta = await gitText(['log', '-1', '--format=%P|%an|%ae|%cn|%B', sha], { gitDir: mirror });
    expect(meta).toBe(`${base}|Alice Ådmin|alice@example.com|Alice Ådmin|Edit from the IDE\n\nwith a body line`);

    // Compare-and-swap: a wrong expected sha (a stale view of the branch) must not move it.
    expect(await updateRef(mirror, 'refs/heads/main', sha, sha)).toBe(false);
    expect(await updateRef(mirror, 'refs/heads/main', sha, null)).toBe(false);
    expect(await resolveRef(mirror, 'refs/heads/main')).toBe(base);
    expect(await updateRef(mirror, 'refs/heads/main', sha, base)).toBe(true);
    expect(await resolveRef(mirror, 'refs/heads/main')).toBe(sha);

    expect(await pushRef(mirror, remote, 'refs/heads/main', 'refs/heads/main')).toEqual({ ok: true });
    expect(await resolveRef(remote, 'main')).toBe(sha);

    const clone = await freshClone(root, remote, 'main');
    expect(await clone.read('views/orders.view.lkml')).toBe(newOrders);
    expect(await clone.read('views/new dir/my view ü.view.lkml')).toBe('view: ü {}\n');
    expect(await clone.read('dashboards/sales.dashboard.lookml')).toBe('- dashboard: sales\n');
    expect(await clone.read('shop.model.lkml')).toBe(MODEL);
    expect(await clone.exists('views/users.view.lkml')).toBe(false);
  });

  it('creates root commits, new refs (null = must not exist) and deletes refs with CAS', async () => {
    const root1 = await commitFiles(mirror, {
      parent: null,
      files: { 'a.view.lkml': 'view: a {}\n' },
      message: 'root',
      author: ALICE,
      date: new Date('2024-01-02T03:04:05Z'),
    });
    expect(await gitText(['log', '-1', '--format=%P|%at', root1], { gitDir: mirror })).toBe('|1704164645');
    expect(await updateRef(mirror, 'refs/heads/tmp/root', root1, null)).toBe(true);
    expect(await updateRef(mirror, 'refs/heads/tmp/root', root1, null)).toBe(false);
    expect(await deleteRef(mirror, 'refs/heads/tmp/root', 'a'.repeat(40))).toBe(false);
    expect(await deleteRef(mirror, 'refs/heads/tmp/root', root1)).toBe(true);
    expect(await resolveRef(mirror, 'refs/heads/tmp/root')).toBeNull();
    await expect(updateRef(mirror, 'main', root1, null)).rejects.toThrow('full ref name');
  });

  it('is reproducible: same parent, files, author and date give the same sha', async () => {
    const input = {
      parent: 'refs/heads/main',
      files: { 'x.view.lkml': 'view: x {}\n' },
      message: 'same',
      author: ALICE,
      date: new Date('2024-05-06T07:08:09Z'),
    };
    expect(await commitFiles(mirror, input)).toBe(await commitFiles(mirror, input));
  });

  it('rejects unsafe paths and unknown parents', async () => {
    for (const bad of ['../x.lkml', '/abs.lkml', 'a//b.lkml', 'a/./b.lkml', '.git/config', 'dir/', '']) {
      await expect(
        commitFiles(mirror, { parent: null, files: { [bad]: 'x' }, message: 'm', author: ALICE }),
      ).rejects.toThrow('invalid repository path');
    }
    await expect(
      commitFiles(mirror, { parent: 'no-such-branch', files: {}, message: 'm', author: ALICE }),
    ).rejects.toThrow('parent commit not found');
  });

  it('push refuses non-fast-forward, honours force-with-lease and can create branches', async () => {
    await fetchMirror(mirror);
    const head = (await resolveRef(mirror, 'refs/heads/main')) ?? '';
    const parentOfHead = (await resolveRef(mirror, `${head}~1`)) ?? '';
    const sideways = await commitFiles(mirror, {
      parent: parentOfHead,
      files: { 'side.view.lkml': 'view: side {}\n' },
      message: 'sideways',
      author: ALICE,
    });
    const nff = await pushRef(mirror, remote, sideways, 'refs/heads/main');
    expect(nff.ok).toBe(false);
    if (!nff.ok) expect(nff.reason).toBe('non-fast-forward');

    const stale = await pushRef(mirror, remote, sideways, 'refs/heads/main', parentOfHead);
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.reason).toBe('stale');
    expect(await resolveRef(remote, 'main')).toBe(head);

    // Hard reset published with the right lease.
    expect(await pushRef(mirror, remote, sideways, 'refs/heads/main', head)).toEqual({ ok: true });
    expect(await resolveRef(remote, 'main')).toBe(sideways);

    // Lease null = the branch must not exist yet.
    expect(await pushRef(mirror, remote, sideways, 'refs/heads/dev-ålice-ab12', null)).toEqual({ ok: true });
    const again = await pushRef(mirror, remote, head, 'refs/heads/dev-ålice-ab12', null);
    expect(again.ok).toBe(false);
    await fetchMirror(mirror);
    expect(await resolveRef(mirror, 'refs/heads/dev-ålice-ab12')).toBe(sideways);
    expect(await resolveRef(mirror, 'refs/heads/main')).toBe(sideways);
  });
});

describe('environment', () => {
  it('ignores GIT_DIR and GIT_INDEX_FILE from the parent process', async () => {
    const decoy = path.join(root, 'decoy');
    await mkdir(decoy, { recursive: true });
    await writeFile(path.join(decoy, 'index'), 'garbage');
    const saved = { dir: process.env.GIT_DIR, index: process.env.GIT_INDEX_FILE };
    process.env.GIT_DIR = decoy;
    process.env.GIT_INDEX_FILE = path.join(decoy, 'index');
    try {
      expect(await defaultBranch(mirror)).toBe('main');
      const sha = await commitFiles(mirror, {
        parent: 'refs/heads/main',
        files: { 'env.view.lkml': 'view: env {}\n' },
        message: 'env',
        author: ALICE,
      });
      expect((await lsTree(mirror, sha, { recursive: true })).some((e) => e.path === 'env.view.lkml')).toBe(true);
    } finally {
      if (saved.dir === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved.dir;
      if (saved.index === undefined) delete process.env.GIT_INDEX_FILE;
      else process.env.GIT_INDEX_FILE = saved.index;
    }
  });
});
