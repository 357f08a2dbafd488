/**
 * The LookML IDE's file operations on a user's dev copy: edits go to the overlay in the metadata DB
 * (atomic per call, visible at once to that user's dev tokens only); commit turns the overlay into a
 * git commit on the branch head with plumbing, pushes it fast-forward, then clears what it committed;
 * pull merges the remote branch with `merge-tree`, reporting conflicts without changing anything.
 */
import type { Caller, ResolvedWorkspace, WorkspaceCore } from './core.ts';
import { blobId, type SnapshotFile } from './content.ts';
import { blocking } from './deploy.ts';
import { WorkspaceError, devOnly } from './errors.ts';
import { changedPaths, commitFiles, commitTree, isAncestor, mergeTrees, pushRef } from './git/index.ts';
import { editablePathProblem } from './names.ts';

export interface FileChange {
  readonly path: string;
  readonly action: 'add' | 'modify' | 'delete';
}

/** A writable dev workspace of the caller (dev copy made on first use). */
async function writable(core: WorkspaceCore, projectId: string, caller: Caller, what: string): Promise<ResolvedWorkspace> {
  if (caller.workspace !== 'dev') throw devOnly(what);
  await core.ensureDevCopy(await core.project(projectId), caller.userId);
  const ws = await core.resolve(projectId, caller);
  const production = core.productionBranch(ws.project, ws.repo);
  if (ws.branch === production) throw new WorkspaceError('forbidden', `The production branch ${production} is read-only in development mode.`);
  const owner = (await core.store.projects.personalBranches(projectId)).get(ws.branch);
  if (owner !== undefined && owner !== caller.userId) throw new WorkspaceError('forbidden', `Branch ${ws.branch} is another developer's personal branch and is read-only for you.`);
  return ws;
}

function checkPath(path: string, field = 'path'): void {
  const problem = editablePathProblem(path);
  if (problem !== null) throw new WorkspaceError('invalid', problem, { field });
}

export async function listFiles(core: WorkspaceCore, projectId: string, caller: Caller): Promise<{ files: readonly SnapshotFile[]; changes: readonly FileChange[] }> {
  const ws = await core.resolve(projectId, caller);
  return { files: ws.snapshot.files, changes: ws.snapshot.changes };
}

export async function readFile(core: WorkspaceCore, projectId: string, caller: Caller, path: string): Promise<{ path: string; content: string; blob: string; source: 'git' | 'overlay' }> {
  const ws = await core.resolve(projectId, caller);
  const file = ws.snapshot.files.find((f) => f.path === path);
  const content = file ? await core.content.readText(ws.repo, ws.snapshot, path) : null;
  if (!file || content === null) throw new WorkspaceError('not_found', `File ${path} not found in project ${projectId}.`);
  return { path, content, blob: file.blob, source: file.source };
}

export async function writeFile(core: WorkspaceCore, projectId: string, caller: Caller, path: string, content: string): Promise<void> {
  checkPath(path);
  const ws = await writable(core, projectId, caller, 'Editing files');
  await core.store.projects.putOverlayFile(caller.userId, projectId, ws.branch, path, content, blobId(content));
}

export async function deleteFile(core: WorkspaceCore, projectId: string, caller: Caller, path: string): Promise<void> {
  checkPath(path);
  const ws = await writable(core, projectId, caller, 'Deleting files');
  if (!ws.snapshot.files.some((f) => f.path === path)) throw new WorkspaceError('not_found', `File ${path} not found in project ${projectId}.`);
  const committed = ws.snapshot.files.find((f) => f.path === path && f.source === 'git');
  // A file that exists only in the overlay simply leaves it.
  if (committed) await core.store.projects.putOverlayFile(caller.userId, projectId, ws.branch, path, null, null);
  else await core.store.projects.discardOverlayPaths(caller.userId, projectId, ws.branch, [path]);
}

export async function renameFile(core: WorkspaceCore, projectId: string, caller: Caller, from: string, to: string): Promise<void> {
  checkPath(from, 'path');
  checkPath(to, 'new_path');
  const ws = await writable(core, projectId, caller, 'Renaming files');
  if (ws.snapshot.files.some((f) => f.path === to)) throw new WorkspaceError('conflict', `File ${to} already exists.`);
  const text = await core.content.readText(ws.repo, ws.snapshot, from);
  if (text === null) throw new WorkspaceError('not_found', `File ${from} not found in project ${projectId}.`);
  const inGit = ws.snapshot.files.some((f) => f.path === from && f.source === 'git');
  // Both halves in one transaction: a crash never leaves the file at both paths or at neither.
  await core.store.transaction(async (tx) => {
    await tx.projects.putOverlayFile(caller.userId, projectId, ws.branch, to, text, blobId(text));
    if (inGit) await tx.projects.putOverlayFile(caller.userId, projectId, ws.branch, from, null, null);
    else await tx.projects.discardOverlayPaths(caller.userId, projectId, ws.branch, [from]);
  });
}

export async function discardChanges(core: WorkspaceCore, projectId: string, caller: Caller, paths?: readonly string[]): Promise<void> {
  const ws = await writable(core, projectId, caller, 'Discarding changes');
  if (paths === undefined) await core.store.projects.clearOverlay(caller.userId, projectId, ws.branch);
  else await core.store.projects.discardOverlayPaths(caller.userId, projectId, ws.branch, paths);
}

/** Commits the caller's uncommitted changes on their current branch and pushes them. Returns the new commit. */
export async function commitChanges(core: WorkspaceCore, projectId: string, caller: Caller, message: string): Promise<string> {
  if (message.trim() === '') throw new WorkspaceError('invalid', 'A commit message is required.', { field: 'message' });
  await writable(core, projectId, caller, 'Committing');
  return core.lock.run(projectId, async () => {
    const ws = await writable(core, projectId, caller, 'Committing');
    if (ws.snapshot.changes.length === 0) throw new WorkspaceError('bad_request', 'There are no uncommitted changes to commit.');
    const head = ws.snapshot.commit;
    const problems = blocking(ws.project, (await core.load(ws)).diagnostics());
    if (problems.length > 0) throw new WorkspaceError('lookml_errors', 'The changes have LookML errors; fix them before committing.', { diagnostics: problems });
    const files: Record<string, string | null> = {};
    const expected = new Map<string, string | null>();
    for (const c of ws.snapshot.changes) {
      const text = c.action === 'delete' ? null : ws.snapshot.overlayText.get(c.path) ?? null;
      files[c.path] = text;
      expected.set(c.path, text === null ? null : blobId(text));
    }
    let commit = await commitFiles(ws.repo.dir, { parent: head, files, message, author: await core.author(caller.userId) });
    const before = ws.repo.branches.get(ws.branch) ?? null;
    const pushed = await pushRef(ws.repo.dir, ws.repo.remoteUrl, commit, `refs/heads/${ws.branch}`);
    if (!pushed.ok) {
      const earlier = await earlierAttempt(core, ws, commit);
      if (earlier === null) throw new WorkspaceError('conflict', `Branch ${ws.branch} has new commits on the remote; pull from remote, then commit. Your changes are kept.`);
      commit = earlier;
    }
    await core.store.transaction(async (tx) => {
      await tx.projects.setBranchHead(caller.userId, projectId, ws.branch, commit);
      await tx.projects.clearOverlay(caller.userId, projectId, ws.branch, expected);
    });
    await core.refsMoved(ws.project, ws.repo, [{ ref: `refs/heads/${ws.branch}`, from: before, to: commit }]);
    return commit;
  });
}

/** `tree <sha>` and `parent <sha>` lines of a commit object. */
async function commitShape(ws: ResolvedWorkspace, sha: string): Promise<{ tree: string; parents: string[] } | null> {
  const obj = await ws.repo.reader.readObject(sha);
  if (obj?.type !== 'commit') return null;
  const header = obj.content.toString('utf8').split('\n\n')[0] ?? '';
  const tree = /^tree ([0-9a-f]+)$/m.exec(header)?.[1];
  if (tree === undefined) return null;
  return { tree, parents: [...header.matchAll(/^parent ([0-9a-f]+)$/gm)].map((m) => m[1] ?? '') };
}

/**
 * A commit whose push reached the remote while the server died before recording it looks like "the
 * remote moved". If the remote head is exactly that commit (same parent, same tree as this one), adopt
 * it instead of asking the user to pull: the retry then completes the interrupted commit.
 */
async function earlierAttempt(core: WorkspaceCore, ws: ResolvedWorkspace, attempt: string): Promise<string | null> {
  const repo = await core.repo(ws.project, true);
  const remote = repo.branches.get(ws.branch);
  if (remote === undefined || ws.snapshot.commit === null) return null;
  const [mine, theirs] = await Promise.all([commitShape(ws, attempt), commitShape(ws, remote)]);
  if (!mine || !theirs) return null;
  const sameParent = theirs.parents.length === 1 && theirs.parents[0] === ws.snapshot.commit;
  return sameParent && theirs.tree === mine.tree ? remote : null;
}

export type PullResult = { readonly status: 'up_to_date' | 'fast_forward' | 'merged'; readonly head: string };

/**
 * Brings the remote branch into the caller's copy (fast-forward, or a merge commit made with
 * `merge-tree` and pushed). Uncommitted changes stay on top when the remote did not touch those
 * files; when it did, or the merge conflicts, nothing changes and the files are named.
 */
export async function pullFromRemote(core: WorkspaceCore, projectId: string, caller: Caller): Promise<PullResult> {
  if (caller.workspace !== 'dev') throw devOnly('Pulling from remote');
  await core.ensureDevCopy(await core.project(projectId), caller.userId);
  return core.lock.run(projectId, async () => {
    await core.repo(await core.project(projectId), true);
    const ws = await core.resolve(projectId, caller);
    const head = ws.snapshot.commit;
    const remote = ws.repo.branches.get(ws.branch) ?? null;
    if (remote === null) throw new WorkspaceError('not_found', `Branch ${ws.branch} does not exist on the remote.`);
    if (head === null || head === remote || (await isAncestor(ws.repo.dir, remote, head))) return { status: 'up_to_date', head: head ?? remote };
    let next: string;
    let status: PullResult['status'];
    if (await isAncestor(ws.repo.dir, head, remote)) {
      next = remote;
      status = 'fast_forward';
    } else {
      const merged = await mergeTrees(ws.repo.dir, head, remote);
      if (!merged.clean) {
        throw new WorkspaceError('conflict', `Pulling ${ws.branch} conflicts in ${merged.conflicts.join(', ')}; nothing was changed.`);
      }
      next = await commitTree(ws.repo.dir, merged.tree, [head, remote], `Merge remote branch ${ws.branch}`, await core.author(caller.userId));
      status = 'merged';
    }
    const edited = new Set(ws.snapshot.changes.map((c) => c.path));
    const clash = edited.size === 0 ? [] : (await changedPaths(ws.repo.dir, head, next)).filter((p) => edited.has(p));
    if (clash.length > 0) {
      throw new WorkspaceError('conflict', `The remote changed ${clash.join(', ')}, which you also changed; commit or discard your changes to ${clash.length === 1 ? 'it' : 'them'} first. Nothing was changed.`);
    }
    if (status === 'merged') {
      const pushed = await pushRef(ws.repo.dir, ws.repo.remoteUrl, next, `refs/heads/${ws.branch}`);
      if (!pushed.ok) {
        await core.resyncAfterRefusal(ws.repo);
        throw new WorkspaceError('conflict', `Branch ${ws.branch} moved on the remote meanwhile; pull again.`);
      }
    }
    await core.store.projects.setBranchHead(caller.userId, projectId, ws.branch, next);
    if (status === 'merged') await core.refsMoved(ws.project, ws.repo, [{ ref: `refs/heads/${ws.branch}`, from: remote, to: next }]);
    return { status, head: next };
  });
}
