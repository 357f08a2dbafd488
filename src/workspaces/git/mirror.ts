import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { assertSafeName, git, gitText, runGit } from './run.ts';

export interface BranchInfo {
  name: string;
  sha: string;
}

async function isBareRepo(dir: string): Promise<boolean> {
  try {
    await stat(path.join(dir, 'HEAD'));
    await stat(path.join(dir, 'objects'));
  } catch {
    return false;
  }
  const res = await runGit(['rev-parse', '--is-bare-repository'], { gitDir: dir });
  return res.code === 0 && res.stdout.toString('utf8').trim() === 'true';
}

/**
 * Makes sure mirrorDir is a bare mirror of remoteUrl and is up to date.
 * A fresh clone goes to a temporary sibling and is renamed into place, so a crash mid-clone never
 * leaves a half-populated mirror that later calls would mistake for a good one.
 */
export async function ensureMirror(remoteUrl: string, mirrorDir: string): Promise<void> {
  assertSafeName('remote url', remoteUrl);
  if (await isBareRepo(mirrorDir)) {
    const current = await runGit(['config', '--get', 'remote.origin.url'], { gitDir: mirrorDir });
    if (current.code !== 0 || current.stdout.toString('utf8').trim() !== remoteUrl) {
      // The project's remote was changed (update_project git_remote_url): repoint and refetch.
      if (current.code === 0) await git(['remote', 'set-url', 'origin', remoteUrl], { gitDir: mirrorDir });
      else await git(['remote', 'add', '--mirror=fetch', 'origin', remoteUrl], { gitDir: mirrorDir });
    }
    await fetchMirror(mirrorDir);
    return;
  }
  const parent = path.dirname(path.resolve(mirrorDir));
  await mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.${path.basename(mirrorDir)}.clone-${randomBytes(6).toString('hex')}`);
  try {
    await git(['clone', '--mirror', '--quiet', '--', remoteUrl, tmp], { cwd: parent, timeoutMs: 600_000 });
    try {
      await rename(tmp, mirrorDir);
    } catch (err) {
      // Another caller finished the same clone first; theirs is as good as ours.
      if (await isBareRepo(mirrorDir)) return;
      throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Fetches every ref from the remote (mirror refspec +refs/*:refs/*, pruned), so local refs equal the
 * remote's after this call: anything meant to survive must be pushed, not only written locally.
 */
export async function fetchMirror(mirrorDir: string): Promise<void> {
  await git(['fetch', '--quiet', '--prune', 'origin'], { gitDir: mirrorDir, timeoutMs: 600_000 });
  // fetch never moves HEAD, yet the remote's default branch can change; ask for it explicitly.
  const res = await runGit(['ls-remote', '--symref', 'origin', 'HEAD'], { gitDir: mirrorDir, timeoutMs: 120_000 });
  if (res.code !== 0) return;
  const m = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(res.stdout.toString('utf8'));
  if (m?.[1] !== undefined) await git(['symbolic-ref', 'HEAD', m[1]], { gitDir: mirrorDir });
}

/**
 * The commit a ref (branch, tag, sha, `refs/...`) points to, or null when it does not exist.
 * Peels tags, so an annotated tag resolves to its commit.
 */
export async function resolveRef(mirrorDir: string, ref: string): Promise<string | null> {
  assertSafeName('ref', ref);
  const res = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    gitDir: mirrorDir,
  });
  if (res.code !== 0) return null;
  const sha = res.stdout.toString('utf8').trim();
  return sha === '' ? null : sha;
}

/** Local branches of the mirror (= the remote's branches after a fetch), sorted by name. */
export async function listBranches(mirrorDir: string): Promise<BranchInfo[]> {
  const out = await gitText(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'], {
    gitDir: mirrorDir,
  });
  const branches: BranchInfo[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    // Ref names cannot contain spaces, so the first space always separates sha from name.
    const space = line.indexOf(' ');
    branches.push({ sha: line.slice(0, space), name: line.slice(space + 1).slice('refs/heads/'.length) });
  }
  return branches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The remote's default branch name (HEAD's target), or null if HEAD is detached or unset. */
export async function defaultBranch(mirrorDir: string): Promise<string | null> {
  const res = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { gitDir: mirrorDir });
  if (res.code !== 0) return null;
  const ref = res.stdout.toString('utf8').trim();
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
}
