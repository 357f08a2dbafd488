import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { commitFiles, pushRefsAtomic } from './commit.ts';
import { ensureMirror, listRemoteRefs, moveRefs, readRefState } from './mirror.ts';
import { openObjectReader } from './objects.ts';
import { git, gitText } from './run.ts';
import { ALICE, makeRemote, tempRoot } from './test-helpers.ts';

let root = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
let remote = '';
let mirror = '';
let main = '';
let side = '';

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempRoot());
  remote = await makeRemote(root, { 'a.view.lkml': 'view: a {}\n' });
  main = await gitText(['rev-parse', 'refs/heads/main'], { gitDir: remote });
  await git(['update-ref', 'refs/heads/feature/x', main], { gitDir: remote });
  await git(['tag', '-a', '-m', 'v1', 'v1', main], { gitDir: remote });
  mirror = path.join(root, 'mirror.git');
  await ensureMirror(remote, mirror);
  side = await commitFiles(mirror, { parent: main, files: { 'b.view.lkml': 'view: b {}\n' }, message: 'side', author: ALICE, date: new Date(1_700_000_000_000) });
});

afterAll(async () => {
  await cleanup();
});

describe('ref listings', () => {
  it("ls-remote and the mirror's for-each-ref agree ref for ref (annotated tags unpeeled), with HEAD", async () => {
    const listed = await listRemoteRefs(mirror);
    const local = await readRefState(mirror);
    const tag = await gitText(['rev-parse', 'refs/tags/v1'], { gitDir: remote });
    expect(tag).not.toBe(main);
    expect(listed).toEqual({ refs: new Map([['refs/heads/feature/x', main], ['refs/heads/main', main], ['refs/tags/v1', tag]]), head: 'main' });
    expect(local).toEqual(listed);
  });

  it('reports a changed default branch and a detached HEAD', async () => {
    await git(['symbolic-ref', 'HEAD', 'refs/heads/feature/x'], { gitDir: remote });
    try {
      expect((await listRemoteRefs(mirror)).head).toBe('feature/x');
    } finally {
      await git(['symbolic-ref', 'HEAD', 'refs/heads/main'], { gitDir: remote });
    }
    const detached = path.join(root, 'detached.git');
    await ensureMirror(remote, detached);
    await git(['update-ref', '--no-deref', 'HEAD', main], { gitDir: detached });
    expect((await readRefState(detached)).head).toBeNull();
  });
});

describe('moveRefs', () => {
  it('applies creates, updates and deletes in one compare-and-swap transaction', async () => {
    expect(await moveRefs(mirror, [
      { ref: 'refs/heads/t1', from: null, to: main },
      { ref: 'refs/heads/t2', from: null, to: side },
    ])).toBe(true);
    expect(await moveRefs(mirror, [
      { ref: 'refs/heads/t1', from: main, to: side },
      { ref: 'refs/heads/t2', from: side, to: null },
    ])).toBe(true);
    const refs = (await readRefState(mirror)).refs;
    expect([refs.get('refs/heads/t1'), refs.has('refs/heads/t2')]).toEqual([side, false]);
  });

  it('changes nothing when any ref is not where its move starts', async () => {
    expect(await moveRefs(mirror, [
      { ref: 'refs/heads/t3', from: null, to: main },
      { ref: 'refs/heads/t1', from: main, to: main },
    ])).toBe(false);
    const refs = (await readRefState(mirror)).refs;
    expect([refs.has('refs/heads/t3'), refs.get('refs/heads/t1')]).toEqual([false, side]);
    await expect(moveRefs(mirror, [{ ref: 'heads/t1', from: null, to: main }])).rejects.toThrow('full ref name');
    await expect(moveRefs(mirror, [{ ref: 'refs/heads/t1', from: null, to: 'main' }])).rejects.toThrow('full sha');
  });
});

describe('pushRefsAtomic', () => {
  it('pushes a ref while checking another did not move (a lease at its own value)', async () => {
    const result = await pushRefsAtomic(mirror, remote, [
      { src: side, dst: 'refs/heads/pushed', expect: null },
      { src: main, dst: 'refs/heads/main', expect: main },
    ]);
    expect(result).toEqual({ ok: true });
    expect(await gitText(['rev-parse', 'refs/heads/pushed'], { gitDir: remote })).toBe(side);
  });

  it('refuses every ref when the checked one moved, naming the one that failed', async () => {
    const result = await pushRefsAtomic(mirror, remote, [
      { src: side, dst: 'refs/heads/pushed-2', expect: null },
      { src: side, dst: 'refs/heads/feature/x', expect: side },
    ]);
    expect(result).toMatchObject({ ok: false, reason: 'stale', refused: ['refs/heads/feature/x'] });
    expect((await listRemoteRefs(mirror)).refs.has('refs/heads/pushed-2')).toBe(false);
  });

  it('reports a lease on the pushed ref itself the same way', async () => {
    const result = await pushRefsAtomic(mirror, remote, [
      { src: main, dst: 'refs/heads/pushed', expect: main },
      { src: main, dst: 'refs/heads/main', expect: main },
    ]);
    expect(result).toMatchObject({ ok: false, reason: 'stale', refused: ['refs/heads/pushed'] });
    expect(await gitText(['rev-parse', 'refs/heads/pushed'], { gitDir: remote })).toBe(side);
  });
});

describe('ObjectReader.commitTime', () => {
  it("reads a commit's committer time without another process; null for non-commits", async () => {
    const reader = openObjectReader(mirror);
    try {
      expect(await reader.commitTime(side)).toBe(1_700_000_000);
      expect(await reader.commitTime(main)).toBe(Number(await gitText(['show', '-s', '--format=%ct', main], { gitDir: remote })));
      expect(await reader.commitTime(await gitText(['rev-parse', `${main}^{tree}`], { gitDir: mirror }))).toBeNull();
      expect(await reader.commitTime('0'.repeat(40))).toBeNull();
    } finally {
      await reader.close();
    }
  });
});
