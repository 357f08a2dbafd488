/**
 * History questions and merges without a work tree: ahead/behind counts, ancestry, three-way merges
 * with `merge-tree --write-tree` (git ≥ 2.38), merge commits, remote branch deletion, and the bare
 * repository Overlook hosts for projects created without a remote.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Person } from './commit.ts';
import { assertSafeName, git, gitText, isSha, runGit } from './run.ts';

/** Commits only in `a`, only in `b` (`git rev-list --left-right --count a...b`). */
export async function aheadBehind(mirrorDir: string, a: string, b: string): Promise<{ ahead: number; behind: number }> {
  assertSafeName('commit', a);
  assertSafeName('commit', b);
  const out = await gitText(['rev-list', '--left-right', '--count', `${a}...${b}`], { gitDir: mirrorDir });
  const [ahead = '0', behind = '0'] = out.split(/\s+/);
  return { ahead: Number(ahead), behind: Number(behind) };
}

/** True when `ancestor` is reachable from `descendant` (equal counts). */
export async function isAncestor(mirrorDir: string, ancestor: string, descendant: string): Promise<boolean> {
  assertSafeName('commit', ancestor);
  assertSafeName('commit', descendant);
  const res = await runGit(['merge-base', '--is-ancestor', ancestor, descendant], { gitDir: mirrorDir });
  if (res.code === 0) return true;
  if (res.code === 1) return false;
  throw new Error(`git merge-base failed: ${res.stderr.trim()}`);
}

/** Unix seconds of a commit's committer date. */
export async function commitTime(mirrorDir: string, commit: string): Promise<number> {
  assertSafeName('commit', commit);
  return Number(await gitText(['show', '-s', '--format=%ct', commit], { gitDir: mirrorDir }));
}

export type MergeResult =
  | { clean: true; tree: string }
  | { clean: false; conflicts: string[] };

/** Merges two commits' trees in the object store; conflicting paths are reported, nothing is written to refs. */
export async function mergeTrees(mirrorDir: string, ours: string, theirs: string): Promise<MergeResult> {
  if (!isSha(ours) || !isSha(theirs)) throw new Error('mergeTrees needs full shas');
  const res = await runGit(['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', ours, theirs], { gitDir: mirrorDir });
  const out = res.stdout.toString('utf8');
  const [tree = '', ...rest] = out.split('\0');
  if (res.code === 0) return { clean: true, tree };
  if (res.code === 1) return { clean: false, conflicts: [...new Set(rest.filter((p) => p !== ''))].sort() };
  throw new Error(`git merge-tree failed: ${res.stderr.trim()}`);
}

/** A commit of an existing tree with the given parents (a merge when two). */
export async function commitTree(
  mirrorDir: string, tree: string, parents: readonly string[], message: string, author: Person,
): Promise<string> {
  const args = ['commit-tree', tree];
  for (const p of parents) args.push('-p', p);
  args.push('-F', '-');
  return gitText(args, {
    gitDir: mirrorDir,
    input: message,
    env: {
      GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email,
    },
  });
}

/** Deletes a branch on the remote only if it still points at `expectedSha`. */
export async function deleteRemoteBranch(mirrorDir: string, remoteUrl: string, branch: string, expectedSha: string): Promise<boolean> {
  assertSafeName('remote url', remoteUrl);
  assertSafeName('branch', branch);
  const ref = `refs/heads/${branch}`;
  const res = await runGit(['push', '--porcelain', `--force-with-lease=${ref}:${expectedSha}`, '--', remoteUrl, `:${ref}`], {
    gitDir: mirrorDir, timeoutMs: 600_000,
  });
  if (res.code === 0) return true;
  if (res.stdout.toString('utf8').includes('stale info')) return false;
  throw new Error(`git push (delete ${branch}) failed: ${res.stderr.trim()}`);
}

/**
 * Creates the bare repository of a hosted project with one empty root commit on `branch`, so there
 * is a production branch to make dev branches from.
 */
export async function initHostedRepo(dir: string, branch: string, author: Person): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  await git(['init', '--quiet', '--bare', `--initial-branch=${branch}`, dir]);
  const emptyTree = await gitText(['hash-object', '-t', 'tree', '-w', '--stdin'], { gitDir: dir, input: '' });
  const commit = await commitTree(dir, emptyTree, [], 'Initial commit', author);
  await git(['update-ref', `refs/heads/${branch}`, commit], { gitDir: dir });
}

/** Paths that differ between two commits (`git diff --name-only`), sorted. */
export async function changedPaths(mirrorDir: string, a: string, b: string): Promise<string[]> {
  if (!isSha(a) || !isSha(b)) throw new Error('changedPaths needs full shas');
  const out = (await git(['diff', '--name-only', '-z', '--no-renames', a, b], { gitDir: mirrorDir })).toString('utf8');
  return out.split('\0').filter((p) => p !== '').sort();
}
