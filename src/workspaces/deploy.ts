/**
 * Production changes only through deploy, and only to a commit that validates (when the project
 * requires validation). The deployed commit is recorded with compare-and-swap, so concurrent deploys
 * serialize: on this node through the project lock, across nodes through the DB row.
 */
import type { Diagnostic } from '../lookml/ast.ts';
import type { ProjectRecord } from '../store/index.ts';
import type { Caller, WorkspaceCore } from './core.ts';
import { WorkspaceError, devOnly } from './errors.ts';
import { isAncestor, pushRef } from './git/index.ts';
import { DEPLOYED_REF, type ProjectRepo, type RefMove } from './repos.ts';

/** The LookML problems that block `commit` under the project's validation policy. */
export function blocking(project: ProjectRecord, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  if (!project.validation_required) return [];
  return diagnostics.filter((d) => d.severity === 'error' || (!project.allow_warnings && d.severity === 'warning'));
}

async function assertValid(core: WorkspaceCore, project: ProjectRecord, repo: ProjectRepo, commit: string, caller: Caller): Promise<void> {
  const snapshot = await core.content.snapshot(repo, commit);
  const loaded = await core.content.load(repo, snapshot);
  const problems = blocking(project, loaded.diagnostics());
  if (problems.length > 0) {
    throw new WorkspaceError('lookml_errors', `Commit ${commit.slice(0, 12)} has LookML errors; production was not changed.`, { diagnostics: problems });
  }
  if (project.data_tests_required && core.deployGate !== undefined) {
    const failed = await core.deployGate({ project, loaded, commit, caller });
    if (failed.length > 0) {
      throw new WorkspaceError('lookml_errors', `Data tests of commit ${commit.slice(0, 12)} failed (the project requires them to pass before deploying); production was not changed.`, { diagnostics: [...failed] });
    }
  }
}

export { DEPLOYED_REF } from './repos.ts';

/**
 * Publishes `commit` as production: `refs/overlook/deployed` on the remote, then the DB (which bumps
 * the generation), then this mirror's refs for every ref the deploy pushed (`moves`, plus that one).
 */
async function record(
  core: WorkspaceCore, project: ProjectRecord, repo: ProjectRepo, commit: string, userId: string, moves: readonly RefMove[] = [],
): Promise<void> {
  // Force: production may move backwards (deploy_ref of an older commit). Pushed before the DB
  // changes, so a crash in between leaves production on the old commit, which stays readable.
  const previous = repo.deployedRef;
  const all = [...moves];
  if (previous !== commit) {
    const kept = await pushRef(repo.dir, repo.remoteUrl, commit, DEPLOYED_REF, previous);
    if (!kept.ok) {
      await core.repos.recordOwnMoves(repo, moves);
      await core.resyncAfterRefusal(repo);
      throw new WorkspaceError('conflict', `Another deploy of this project is in progress; try again. (${kept.message})`);
    }
    all.push({ ref: DEPLOYED_REF, from: previous, to: commit });
  }
  const deployed = await core.store.projects.setDeployed(project.id, commit, project.deployed_commit, userId);
  await core.repos.recordOwnMoves(repo, all);
  if (!deployed) throw new WorkspaceError('conflict', 'Another deploy of this project finished first; production is at its commit. Try again.');
  // setDeployed bumped the generation once; a bigger jump means another node moved refs meanwhile.
  core.repos.advanceGeneration(repo, project.ref_generation, (await core.project(project.id)).ref_generation);
}

/**
 * `deploy_to_production`: push the caller's current branch to the production branch (fast-forward
 * only), then make it production.
 */
export async function deployToProduction(core: WorkspaceCore, projectId: string, caller: Caller): Promise<void> {
  if (caller.workspace !== 'dev') throw devOnly('Deploying to production');
  const initial = await core.project(projectId);
  const copy = await core.ensureDevCopy(initial, caller.userId);
  await core.lock.run(projectId, async () => {
    const project = await core.project(projectId);
    const repo = await core.repo(project, true);
    const head = await core.branchHead(project, repo, caller.userId, copy.current);
    if (head === null) throw new WorkspaceError('not_found', `Branch ${copy.current} has no commits to deploy.`);
    const remoteHead = repo.branches.get(copy.current) ?? null;
    if (remoteHead !== null && remoteHead !== head && !(await isAncestor(repo.dir, remoteHead, head))) {
      throw new WorkspaceError('bad_request', `Branch ${copy.current} is behind its remote; pull from remote before deploying.`);
    }
    await assertValid(core, project, repo, head, caller);
    const production = core.productionBranch(project, repo);
    const prodHead = repo.branches.get(production) ?? null;
    if (prodHead !== head) {
      const pushed = await pushRef(repo.dir, repo.remoteUrl, head, `refs/heads/${production}`);
      if (!pushed.ok) {
        await core.resyncAfterRefusal(repo);
        throw new WorkspaceError('bad_request', `Cannot deploy: the production branch ${production} has commits that are not in ${copy.current}. Pull from production and try again. (${pushed.message})`);
      }
    }
    const moves: RefMove[] = [];
    if (prodHead !== head) moves.push({ ref: `refs/heads/${production}`, from: prodHead, to: head });
    // A dev branch whose commits were only local reaches the remote with the deploy too.
    if (remoteHead !== head && (await pushRef(repo.dir, repo.remoteUrl, head, `refs/heads/${copy.current}`)).ok) {
      moves.push({ ref: `refs/heads/${copy.current}`, from: remoteHead, to: head });
    }
    await record(core, project, repo, head, caller.userId, moves);
  });
}

/** `deploy_ref_to_production`: make a remote branch's head or a ref production, without moving any branch. */
export async function deployRefToProduction(
  core: WorkspaceCore, projectId: string, caller: Caller, target: { branch?: string; ref?: string },
): Promise<void> {
  const branch = target.branch ?? '';
  const ref = target.ref ?? '';
  if ((branch === '') === (ref === '')) {
    throw new WorkspaceError('invalid', 'Specify exactly one of branch or ref.', { field: branch === '' ? 'branch' : 'ref' });
  }
  await core.lock.run(projectId, async () => {
    const project = await core.project(projectId);
    const repo = await core.repo(project, true);
    const commit = branch !== '' ? repo.branches.get(branch) ?? null : await core.resolveUserRef(project, repo, caller.userId, ref);
    if (commit === null) {
      throw new WorkspaceError('not_found', branch !== '' ? `Branch ${branch} not found on the remote.` : `Ref ${ref} not found.`);
    }
    await assertValid(core, project, repo, commit, caller);
    await record(core, project, repo, commit, caller.userId);
  });
}
