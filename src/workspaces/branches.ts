/**
 * The git branch API with Looker's rules: branches are read in any workspace but changed only in dev;
 * a personal branch is writable only by its owner and cannot be deleted; the production branch is
 * never reset or deleted from here; the current branch cannot be deleted.
 *
 * Every branch Overlook creates or moves is pushed to the remote first (with a lease), then recorded
 * as this user's head: the remote is the shared truth, the DB holds each user's position.
 */
import type { ProjectRecord } from '../store/index.ts';
import type { Caller, PushSource, ResolvedWorkspace, WorkspaceCore } from './core.ts';
import { WorkspaceError, devOnly } from './errors.ts';
import { aheadBehind, deleteRemoteBranch, pushRef, pushRefsAtomic, type PushResult } from './git/index.ts';
import { branchNameProblem } from './names.ts';
import type { ProjectRepo } from './repos.ts';

export interface BranchView {
  readonly name: string;
  /** The commit this caller's copy is at (the remote's when they have none). */
  readonly ref: string | null;
  readonly remote_ref: string | null;
  readonly is_local: boolean;
  readonly is_remote: boolean;
  readonly is_production: boolean;
  readonly personal: boolean;
  readonly readonly: boolean;
  readonly owner_name: string | null;
  readonly ahead_count: number | null;
  readonly behind_count: number | null;
  readonly commit_at: number | null;
  readonly error: string | null;
  readonly message: string | null;
}

interface BranchFacts {
  readonly project: ProjectRecord;
  readonly repo: ProjectRepo;
  readonly personal: Map<string, string>;
  readonly production: string;
}

async function facts(core: WorkspaceCore, projectId: string, fetch: boolean): Promise<BranchFacts> {
  const project = await core.project(projectId);
  const repo = await core.repo(project, fetch);
  return { project, repo, personal: await core.store.projects.personalBranches(project.id), production: core.productionBranch(project, repo) };
}

async function ownerName(core: WorkspaceCore, ownerId: string | undefined): Promise<string | null> {
  if (ownerId === undefined) return null;
  const user = await core.store.users.user(ownerId);
  return user ? user.display_name || `User ${user.id}` : null;
}

/** Why `caller` may not write to `branch` (commit, hard reset), or null when they may. */
function writeProblem(f: BranchFacts, caller: Caller, branch: string): string | null {
  if (branch === f.production) return `The production branch ${branch} cannot be changed from development mode; deploy to production instead.`;
  const owner = f.personal.get(branch);
  if (owner !== undefined && owner !== caller.userId) return `Branch ${branch} is another developer's personal branch and is read-only for you.`;
  return null;
}

async function view(core: WorkspaceCore, f: BranchFacts, caller: Caller, name: string, localOverride?: string | null): Promise<BranchView> {
  const remote = f.repo.branches.get(name) ?? null;
  const local = localOverride !== undefined ? localOverride
    : caller.workspace === 'dev' ? await core.store.projects.branchHead(caller.userId, f.project.id, name) : null;
  // Production's "checked out" commit is the deployed one, even when the branch has moved on (or none yet).
  const ref = caller.workspace === 'dev' ? local ?? remote : localOverride !== undefined ? localOverride : remote;
  let ahead: number | null = null;
  let behind: number | null = null;
  if (local !== null && remote !== null) {
    const counts = local === remote ? { ahead: 0, behind: 0 } : await aheadBehind(f.repo.dir, local, remote);
    ahead = counts.ahead;
    behind = counts.behind;
  } else if (remote !== null) {
    ahead = 0;
    behind = 0;
  }
  const owner = f.personal.get(name);
  return {
    name,
    ref,
    remote_ref: remote,
    is_local: local !== null,
    is_remote: remote !== null,
    is_production: name === f.production,
    personal: owner !== undefined,
    readonly: caller.workspace !== 'dev' || writeProblem(f, caller, name) !== null,
    owner_name: await ownerName(core, owner),
    ahead_count: ahead,
    behind_count: behind,
    commit_at: ref === null ? null : await f.repo.reader.commitTime(ref),
    error: null,
    message: null,
  };
}

/** The branch the caller's workspace has checked out (production: the production branch at the deployed commit). */
export async function currentBranch(core: WorkspaceCore, projectId: string, caller: Caller): Promise<BranchView> {
  const f = await facts(core, projectId, false);
  if (caller.workspace !== 'dev') return view(core, f, caller, f.production, f.project.deployed_commit);
  const copy = await core.ensureDevCopy(f.project, caller.userId);
  const refreshed = await facts(core, projectId, false);
  await core.branchHead(refreshed.project, refreshed.repo, caller.userId, copy.current);
  return view(core, refreshed, caller, copy.current);
}

export async function allBranches(core: WorkspaceCore, projectId: string, caller: Caller): Promise<BranchView[]> {
  const f = await facts(core, projectId, true);
  const names = new Set(f.repo.branches.keys());
  if (caller.workspace === 'dev') {
    const copy = await core.store.projects.devCopy(caller.userId, f.project.id);
    if (copy) names.add(copy.current_branch);
  }
  const sorted = [...names].sort();
  return Promise.all(sorted.map((n) => view(core, f, caller, n)));
}

export async function findBranch(core: WorkspaceCore, projectId: string, caller: Caller, name: string): Promise<BranchView> {
  const f = await facts(core, projectId, true);
  const local = caller.workspace === 'dev' ? await core.store.projects.branchHead(caller.userId, f.project.id, name) : null;
  if (!f.repo.branches.has(name) && local === null) throw new WorkspaceError('not_found', `Branch ${name} not found in project ${projectId}.`);
  return view(core, f, caller, name);
}

function checkName(name: string): void {
  const problem = branchNameProblem(name);
  if (problem !== null) throw new WorkspaceError('invalid', problem, { field: 'name' });
}

/**
 * Pushes `source.sha` onto `refs/heads/<branch>` with a lease on `expected` (null: must not exist).
 * When the source was read from a cached remote branch head, the same atomic push checks that branch
 * is still there, so a cache behind an outside push is refused instead of published. After a refusal
 * the cache is synced: `stale` means a lease failed, and resolving again may succeed.
 */
async function publish(core: WorkspaceCore, repo: ProjectRepo, branch: string, source: PushSource, expected: string | null): Promise<PushResult> {
  const dst = `refs/heads/${branch}`;
  const check = source.check;
  let result: PushResult;
  if (check === undefined || check.ref === dst) {
    result = await pushRef(repo.dir, repo.remoteUrl, source.sha, dst, expected);
  } else {
    const res = await pushRefsAtomic(repo.dir, repo.remoteUrl, [
      { src: source.sha, dst, expect: expected },
      { src: check.sha, dst: check.ref, expect: check.sha },
    ]);
    if (res.ok) return res;
    if (res.reason === 'unsupported') {
      // A remote without atomic pushes: check the source by asking the remote first instead.
      await core.sync(repo);
      if (repo.refs.get(check.ref) !== check.sha) return { ok: false, reason: 'stale', message: `${check.ref} moved on the remote` };
      result = await pushRef(repo.dir, repo.remoteUrl, source.sha, dst, expected);
    } else {
      result = { ok: false, reason: res.reason, message: res.message };
    }
  }
  if (!result.ok) await core.resyncAfterRefusal(repo);
  return result;
}

/** `create_git_branch`: a new branch at `ref` (default: the current branch's head), pushed and checked out. */
export async function createBranch(core: WorkspaceCore, projectId: string, caller: Caller, name: string, ref?: string): Promise<BranchView> {
  if (caller.workspace !== 'dev') throw devOnly('Creating a git branch');
  checkName(name);
  const project = await core.project(projectId);
  const copy = await core.ensureDevCopy(project, caller.userId);
  return core.lock.run(projectId, async () => {
    // No fetch first: a branch made behind this node's back fails the "must not exist" lease below,
    // which syncs the cache; the second attempt then sees it.
    const f = await facts(core, projectId, false);
    for (let attempt = 0; ; attempt++) {
      if (f.repo.branches.has(name)) throw new WorkspaceError('conflict', `Branch ${name} already exists.`);
      const source = ref === undefined || ref === ''
        ? await core.branchHead(f.project, f.repo, caller.userId, copy.current).then((sha) => (sha === null ? null : { sha }))
        : await core.resolvePushSource(f.project, f.repo, caller.userId, ref);
      if (source === null) throw new WorkspaceError('invalid', `Ref ${JSON.stringify(ref ?? copy.current)} does not name a branch, tag or commit.`, { field: 'ref' });
      const pushed = await publish(core, f.repo, name, source, null);
      if (!pushed.ok) {
        if (pushed.reason === 'stale' && attempt === 0) continue;
        throw new WorkspaceError('conflict', pushed.reason === 'stale' || pushed.reason === 'non-fast-forward'
          ? `Branch ${name} already exists on the remote.`
          : `The remote refused branch ${name} (a branch named like a parent folder of it, e.g. "${name.split('/')[0] ?? name}", may exist): ${pushed.message}`);
      }
      await core.store.projects.setBranchHead(caller.userId, projectId, name, source.sha);
      await core.store.projects.setCurrentBranch(caller.userId, projectId, name);
      await core.refsMoved(f.project, f.repo, [{ ref: `refs/heads/${name}`, from: null, to: source.sha }]);
      return view(core, f, caller, name, source.sha);
    }
  });
}

/**
 * `update_git_branch`: check out `name` (default: the current branch); with `ref`, hard-reset it to
 * that ref and force-push (with a lease), discarding the caller's uncommitted changes on it.
 *
 * A checkout needs no remote: the caller's copy of the branch is their recorded head, and the cached
 * remote refs are current as of the DB generation. Only a branch the caller has never used (its head
 * is pinned from the remote now) or one this node does not know makes it ask the remote first.
 */
export async function updateBranch(core: WorkspaceCore, projectId: string, caller: Caller, name: string | undefined, ref?: string): Promise<BranchView> {
  if (caller.workspace !== 'dev') throw devOnly('Changing the git branch');
  const project = await core.project(projectId);
  const copy = await core.ensureDevCopy(project, caller.userId);
  const target = name === undefined || name === '' ? copy.current : name;
  checkName(target);
  return core.lock.run(projectId, async () => {
    const f = await facts(core, projectId, false);
    const pinned = await core.store.projects.branchHead(caller.userId, projectId, target);
    if (pinned === null) await core.sync(f.repo);
    if (!f.repo.branches.has(target) && pinned === null) throw new WorkspaceError('not_found', `Branch ${target} not found in project ${projectId}.`);
    if (ref === undefined || ref === '') {
      const head = pinned ?? await core.branchHead(f.project, f.repo, caller.userId, target);
      await core.store.projects.setCurrentBranch(caller.userId, projectId, target);
      return view(core, f, caller, target, head);
    }
    const problem = writeProblem(f, caller, target);
    if (problem !== null) throw new WorkspaceError('forbidden', problem);
    const dst = `refs/heads/${target}`;
    for (let attempt = 0; ; attempt++) {
      const source = await core.resolvePushSource(f.project, f.repo, caller.userId, ref);
      if (source === null) throw new WorkspaceError('invalid', `Ref ${JSON.stringify(ref)} does not name a branch, tag or commit.`, { field: 'ref' });
      const to = source.sha;
      const remote = f.repo.branches.get(target) ?? null;
      // Already there as far as the cache knows (e.g. `origin/<target>` itself): no push would check
      // the source, so ask the remote once.
      if (attempt === 0 && source.check !== undefined && (source.check.ref === dst || remote === to)) {
        await core.sync(f.repo);
        continue;
      }
      if (remote !== to) {
        const pushed = await publish(core, f.repo, target, source, remote);
        if (!pushed.ok) {
          if (pushed.reason === 'stale' && attempt === 0) continue;
          throw new WorkspaceError('conflict', `Branch ${target} moved on the remote meanwhile; try again. (${pushed.message})`);
        }
      }
      await core.store.projects.setBranchHead(caller.userId, projectId, target, to);
      await core.store.projects.clearOverlay(caller.userId, projectId, target);
      await core.store.projects.setCurrentBranch(caller.userId, projectId, target);
      if (remote !== to) await core.refsMoved(f.project, f.repo, [{ ref: dst, from: remote, to }]);
      return view(core, f, caller, target, to);
    }
  });
}

/** `delete_git_branch`: locally and on the remote; never the current, a personal or the production branch. */
export async function deleteBranch(core: WorkspaceCore, projectId: string, caller: Caller, name: string): Promise<void> {
  if (caller.workspace !== 'dev') throw devOnly('Deleting a git branch');
  const project = await core.project(projectId);
  const copy = await core.ensureDevCopy(project, caller.userId);
  await core.lock.run(projectId, async () => {
    const f = await facts(core, projectId, false);
    const pinned = await core.store.projects.branchHead(caller.userId, projectId, name);
    // Not on the remote as far as this mirror knows: make sure before forgetting only the local copy.
    if (!f.repo.branches.has(name)) await core.sync(f.repo);
    const remote = f.repo.branches.get(name) ?? null;
    if (remote === null && pinned === null) throw new WorkspaceError('not_found', `Branch ${name} not found in project ${projectId}.`);
    if (name === copy.current) throw new WorkspaceError('bad_request', `Branch ${name} is checked out; check out another branch before deleting it.`);
    if (name === f.production) throw new WorkspaceError('bad_request', `The production branch ${name} cannot be deleted.`);
    if (f.personal.has(name)) throw new WorkspaceError('bad_request', `Branch ${name} is a personal branch and cannot be deleted.`);
    const others = (await core.store.projects.usersOnBranch(projectId, name)).filter((u) => u !== caller.userId);
    if (others.length > 0) throw new WorkspaceError('bad_request', `Branch ${name} is checked out by another developer.`);
    if (remote !== null && !(await deleteRemoteBranch(f.repo.dir, f.repo.remoteUrl, name, remote))) {
      await core.resyncAfterRefusal(f.repo);
      throw new WorkspaceError('conflict', `Branch ${name} moved on the remote meanwhile; try again.`);
    }
    await core.store.projects.forgetBranch(projectId, name);
    if (remote !== null) await core.refsMoved(f.project, f.repo, [{ ref: `refs/heads/${name}`, from: remote, to: null }]);
  });
}

/** `reset_project_to_production`: the current branch back to production's commit, uncommitted changes dropped (not pushed). */
export async function resetToProduction(core: WorkspaceCore, projectId: string, caller: Caller): Promise<void> {
  await resetCurrent(core, projectId, caller, 'Resetting to production', (ws) => core.productionCommit(ws.project, ws.repo));
}

/** `reset_project_to_remote`: the current branch to the remote's head, uncommitted changes dropped. */
export async function resetToRemote(core: WorkspaceCore, projectId: string, caller: Caller): Promise<void> {
  await resetCurrent(core, projectId, caller, 'Resetting to remote', (ws) => ws.repo.branches.get(ws.branch) ?? null);
}

async function resetCurrent(
  core: WorkspaceCore, projectId: string, caller: Caller, what: string, target: (ws: ResolvedWorkspace) => string | null,
): Promise<void> {
  if (caller.workspace !== 'dev') throw devOnly(what);
  const project = await core.project(projectId);
  await core.ensureDevCopy(project, caller.userId);
  await core.lock.run(projectId, async () => {
    await core.repo(await core.project(projectId), true);
    const ws = await core.resolve(projectId, caller);
    const to = target(ws);
    if (to === null) throw new WorkspaceError('not_found', `Branch ${ws.branch} has nothing to reset to.`);
    await core.store.projects.setBranchHead(caller.userId, projectId, ws.branch, to);
    await core.store.projects.clearOverlay(caller.userId, projectId, ws.branch);
  });
}
