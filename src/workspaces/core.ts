/**
 * The workspace resolver (DESIGN "Request path"): (project, user, token workspace) → the commit and
 * overlay the caller sees, and from there the content-keyed assembled project. Also the dev copy
 * (personal branch made on first use) that every dev-mode operation starts from.
 */
import type { Diagnostic } from '../lookml/ast.ts';
import type { ProjectRecord, Store, User } from '../store/index.ts';
import { ContentCache, type LoadedWorkspace, type WorkspaceSnapshot } from './content.ts';
import { WorkspaceError, noProject } from './errors.ts';
import { isSha, pushRef, resolveRef, type Person, type RefMove } from './git/index.ts';
import { KeyedMutex } from './mutex.ts';
import { personalBranchName } from './names.ts';
import { RepoManager, type ProjectRepo } from './repos.ts';

export type WorkspaceKind = 'production' | 'dev';

/** Who is asking, and in which of their token's workspaces. */
export interface Caller {
  readonly userId: string;
  readonly workspace: WorkspaceKind;
  /** The models the caller's roles grant (Looker's model sets); absent = every model. */
  readonly models?: ReadonlySet<string>;
}

/** A resolved workspace of one project for one caller. */
export interface ResolvedWorkspace {
  readonly project: ProjectRecord;
  readonly repo: ProjectRepo;
  readonly kind: WorkspaceKind;
  /** Dev: the checked-out branch; production: the production branch name. */
  readonly branch: string;
  readonly snapshot: WorkspaceSnapshot;
}

export interface CoreOptions {
  readonly dataDir: string;
  /** Where projects created without a remote keep their repository (default `<dataDir>/repos`). */
  readonly hostedGitDir?: string;
  readonly maxCachedWorkspaces?: number;
  /** Approximate heap bound of the assembled workspaces kept (ContentCacheOptions.maxWorkspaceBytes). */
  readonly maxCachedWorkspaceBytes?: number;
  /** Told whether each load found the assembled project cached (metrics). */
  readonly onModelCacheLookup?: (hit: boolean) => void;
  /** Runs a commit's data tests before it becomes production (projects with `data_tests_required`). */
  readonly deployGate?: DeployGate;
}

/**
 * The data-test check of a deploy, wired in by the layer that can run queries: the problems that
 * keep `commit` out of production (none: deploy it).
 */
export type DeployGate = (input: {
  readonly project: ProjectRecord;
  readonly loaded: LoadedWorkspace;
  readonly commit: string;
  readonly caller: Caller;
}) => Promise<readonly Diagnostic[]>;

/** A commit to push, and the remote branch head it was read from (to re-check in the push), if any. */
export interface PushSource {
  readonly sha: string;
  readonly check?: { readonly ref: string; readonly sha: string };
}

export class WorkspaceCore {
  readonly store: Store;
  readonly repos: RepoManager;
  readonly content: ContentCache;
  /** Serializes this node's ref-moving operations per project. */
  readonly lock = new KeyedMutex();
  deployGate: DeployGate | undefined;

  constructor(store: Store, options: CoreOptions) {
    this.store = store;
    this.repos = new RepoManager(options.dataDir, options.hostedGitDir);
    this.deployGate = options.deployGate;
    this.content = new ContentCache({
      ...(options.maxCachedWorkspaces === undefined ? {} : { maxWorkspaces: options.maxCachedWorkspaces }),
      ...(options.maxCachedWorkspaceBytes === undefined ? {} : { maxWorkspaceBytes: options.maxCachedWorkspaceBytes }),
      ...(options.onModelCacheLookup === undefined ? {} : { onLookup: options.onModelCacheLookup }),
    });
  }

  async project(id: string): Promise<ProjectRecord> {
    const project = await this.store.projects.project(id);
    if (!project) throw noProject(id);
    return project;
  }

  async repo(project: ProjectRecord, fetch = false): Promise<ProjectRepo> {
    try {
      return await this.repos.open(project, { fetch });
    } catch (error) {
      throw new WorkspaceError('bad_request', `Cannot reach the git repository of project "${project.id}": ${gitMessage(error)}`);
    }
  }

  productionBranch(project: ProjectRecord, repo: ProjectRepo): string {
    return project.git_production_branch_name ?? repo.defaultBranch ?? 'main';
  }

  /** The commit production branches from: the deployed one, else the production branch's head. */
  productionCommit(project: ProjectRecord, repo: ProjectRepo): string | null {
    return project.deployed_commit ?? repo.branches.get(this.productionBranch(project, repo)) ?? null;
  }

  async user(userId: string): Promise<User> {
    const user = await this.store.users.user(userId);
    if (!user) throw new WorkspaceError('not_found', `User ${userId} not found.`);
    return user;
  }

  async author(userId: string): Promise<Person> {
    const user = await this.user(userId);
    return { name: user.display_name || `User ${user.id}`, email: user.email ?? `user-${user.id}@overlook.invalid` };
  }

  /**
   * After this node pushed ref moves of a project: tell other nodes (the DB generation) and apply the
   * same moves to this mirror's refs. Without `moves` (pushed by other means) the mirror syncs instead.
   * `project` must be as read before the push, so its generation is the one the mirror had synced to.
   */
  async refsMoved(project: ProjectRecord, repo: ProjectRepo, moves?: readonly RefMove[]): Promise<void> {
    const [generation] = await Promise.all([
      this.store.projects.bumpGeneration(project.id),
      moves === undefined ? this.repos.sync(repo) : this.repos.recordOwnMoves(repo, moves),
    ]);
    this.repos.advanceGeneration(repo, project.ref_generation, generation);
  }

  /**
   * After the remote refused a push (a lease or fast-forward failed): the cached refs were stale, so
   * the next attempt must see the remote's. A failure to reach it is left to that attempt.
   */
  async resyncAfterRefusal(repo: ProjectRepo): Promise<void> {
    await this.repos.sync(repo).catch(() => undefined);
  }

  /** The remote's refs as they are now (one `ls-remote`, plus a fetch when something moved). */
  async sync(repo: ProjectRepo): Promise<void> {
    try {
      await this.repos.sync(repo);
    } catch (error) {
      throw new WorkspaceError('bad_request', `Cannot reach the git repository of project "${repo.projectId}": ${gitMessage(error)}`);
    }
  }

  /**
   * The caller's dev copy, made on first use: a personal branch `dev-<first>-<last>-<xxxx>` pushed to
   * the remote at production's commit, checked out.
   */
  async ensureDevCopy(initial: ProjectRecord, userId: string): Promise<{ personal: string; current: string }> {
    const existing = await this.store.projects.devCopy(userId, initial.id);
    if (existing) return { personal: existing.personal_branch, current: existing.current_branch };
    return this.lock.run(initial.id, async () => {
      const again = await this.store.projects.devCopy(userId, initial.id);
      if (again) return { personal: again.personal_branch, current: again.current_branch };
      // Read again under the lock: another operation of this node may have moved refs meanwhile.
      const project = await this.project(initial.id);
      const repo = await this.repo(project, true);
      const start = this.productionCommit(project, repo);
      if (start === null) throw new WorkspaceError('bad_request', `Project "${project.id}" has no production branch to copy.`);
      const user = await this.user(userId);
      let name = personalBranchName(user.first_name, user.last_name, user.id);
      for (let attempt = 0; repo.branches.has(name) && attempt < 5; attempt++) {
        name = personalBranchName(user.first_name, user.last_name, user.id);
      }
      const pushed = await pushRef(repo.dir, repo.remoteUrl, start, `refs/heads/${name}`, null);
      if (!pushed.ok) throw new WorkspaceError('conflict', `Could not create the personal branch ${name}: ${pushed.message}`);
      await this.store.projects.setBranchHead(userId, project.id, name, start);
      const copy = await this.store.projects.ensureDevCopy(userId, project.id, name);
      await this.refsMoved(project, repo, [{ ref: `refs/heads/${name}`, from: null, to: start }]);
      return { personal: copy.personal_branch, current: copy.current_branch };
    });
  }

  /** This user's commit for `branch`, pinned from the remote the first time they use it. */
  async branchHead(project: ProjectRecord, repo: ProjectRepo, userId: string, branch: string): Promise<string | null> {
    const pinned = await this.store.projects.branchHead(userId, project.id, branch);
    if (pinned !== null) return pinned;
    const remote = repo.branches.get(branch) ?? null;
    if (remote !== null) await this.store.projects.setBranchHead(userId, project.id, branch, remote, null);
    return remote;
  }

  /**
   * The caller's view of a project. Dev without a dev copy yet shows production (Looker's IDE does
   * the same until "Create Developer Copy"); the copy itself is made by the first dev operation.
   */
  async resolve(projectId: string | ProjectRecord, caller: Caller): Promise<ResolvedWorkspace> {
    // Callers that just listed the projects hand the row over: one metadata read less per project.
    const project = typeof projectId === 'string' ? await this.project(projectId) : projectId;
    const repo = await this.repo(project);
    const copy = caller.workspace === 'dev' ? await this.store.projects.devCopy(caller.userId, project.id) : null;
    if (!copy) {
      const commit = caller.workspace === 'dev' ? this.productionCommit(project, repo) : project.deployed_commit;
      const snapshot = await this.content.snapshot(repo, commit);
      return { project, repo, kind: caller.workspace, branch: this.productionBranch(project, repo), snapshot };
    }
    const branch = copy.current_branch;
    const head = await this.branchHead(project, repo, caller.userId, branch);
    const overlay = await this.store.projects.overlay(caller.userId, project.id, branch);
    const snapshot = await this.content.snapshot(repo, head, overlay);
    return { project, repo, kind: 'dev', branch, snapshot };
  }

  async load(ws: ResolvedWorkspace): Promise<LoadedWorkspace> {
    return this.content.load(ws.repo, ws.snapshot, ws.kind);
  }

  /**
   * A ref as Looker's API takes it: `origin/<branch>` (the remote's head), a branch name (this user's
   * copy if they have one, else the remote's), then a tag or (abbreviated) commit sha. Branches win
   * over commits, so a branch named like hex (`13950`) is still a branch. Answered from the cached
   * refs: callers that need the remote's latest sync first.
   */
  async resolveUserRef(project: ProjectRecord, repo: ProjectRepo, userId: string, ref: string): Promise<string | null> {
    if (ref.startsWith('origin/')) return repo.branches.get(ref.slice('origin/'.length)) ?? null;
    if (repo.branches.has(ref)) return (await this.store.projects.branchHead(userId, project.id, ref)) ?? repo.branches.get(ref) ?? null;
    if (ref.startsWith('-') || /[\s\0]/.test(ref)) return null;
    // Rev syntax (`name~1`, a tag) reads the mirror's refs: bring them up to this node's own pushes.
    await this.repos.flush(repo);
    return resolveRef(repo.dir, ref);
  }

  /**
   * `resolveUserRef` for a commit about to be pushed, without asking the remote when the cached refs
   * answer: a remote branch's head comes with a `check` (that branch at that commit), which the push
   * re-verifies with a lease in the same atomic push, so a cache behind an outside push (CI) is caught
   * there. The user's own copy of a branch and a commit the mirror has need no check; anything else
   * (unknown branch, tag, abbreviated sha) syncs with the remote first.
   */
  async resolvePushSource(project: ProjectRecord, repo: ProjectRepo, userId: string, ref: string): Promise<PushSource | null> {
    if (ref.startsWith('-') || /[\s\0]/.test(ref)) return null;
    const fromRemote = (name: string): PushSource | null => {
      const sha = repo.branches.get(name);
      return sha === undefined ? null : { sha, check: { ref: `refs/heads/${name}`, sha } };
    };
    if (ref.startsWith('origin/')) {
      const known = fromRemote(ref.slice('origin/'.length));
      if (known !== null) return known;
    } else if (repo.branches.has(ref)) {
      const pinned = await this.store.projects.branchHead(userId, project.id, ref);
      return pinned !== null ? { sha: pinned } : fromRemote(ref);
    } else if (isSha(ref) && (await repo.reader.readObject(ref))?.type === 'commit') {
      return { sha: ref };
    }
    await this.sync(repo);
    const sha = await this.resolveUserRef(project, repo, userId, ref);
    return sha === null ? null : { sha };
  }

  async close(): Promise<void> {
    await this.repos.close();
  }
}

export function gitMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(-3).join(' ');
}
