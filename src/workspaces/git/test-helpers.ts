import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git } from './run.ts';

export const ALICE = { name: 'Alice Ådmin', email: 'alice@example.com' };

/** A throwaway directory per test file; removed by the returned cleanup. */
export async function tempRoot(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'overlook-git-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A real bare "remote" with one commit on main made the ordinary way (clone, write, commit, push),
 * so the code under test meets a repository exactly like a user's.
 */
export async function makeRemote(root: string, files: Record<string, string>): Promise<string> {
  const remote = path.join(root, 'remote.git');
  await git(['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  const work = path.join(root, 'seed-work');
  await git(['clone', '--quiet', remote, work]);
  for (const [p, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, p)), { recursive: true });
    await writeFile(path.join(work, p), content);
  }
  await git(['checkout', '--quiet', '-b', 'main'], { cwd: work });
  await git(['add', '-A'], { cwd: work });
  await git(['commit', '--quiet', '-m', 'initial'], { cwd: work });
  await git(['push', '--quiet', 'origin', 'main'], { cwd: work });
  await rm(work, { recursive: true, force: true });
  return remote;
}

/** Clones url into a fresh work tree and returns a reader of its files at branch. */
export async function freshClone(root: string, url: string, branch: string) {
  const dir = await mkdtemp(path.join(root, 'verify-'));
  await git(['clone', '--quiet', '--branch', branch, url, dir]);
  return {
    dir,
    read: (p: string) => readFile(path.join(dir, p), 'utf8'),
    exists: async (p: string) => {
      try {
        await readFile(path.join(dir, p));
        return true;
      } catch {
        return false;
      }
    },
  };
}
