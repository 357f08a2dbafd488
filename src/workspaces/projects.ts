/**
 * Project lifecycle: create (with a remote, or hosted by Overlook), update, delete. A project is
 * created from dev mode, as in Looker, and its creator gets a dev copy at once.
 */
import { rm } from 'node:fs/promises';
import type { ProjectPatch, ProjectRecord } from '../store/index.ts';
import { StoreError } from '../store/index.ts';
import type { Caller, WorkspaceCore } from './core.ts';
import { gitMessage } from './core.ts';
import { WorkspaceError, devOnly, noProject } from './errors.ts';
import { initHostedRepo } from './git/index.ts';
import { git } from './git/run.ts';
import { branchNameProblem, projectNameProblem } from './names.ts';

export interface NewProjectInput {
  readonly name: string;
  readonly git_remote_url?: string | null;
}

const PULL_REQUEST_MODES = new Set(['off', 'links', 'recommended', 'required']);

async function checkRemote(url: string): Promise<void> {
  if (url.trim() === '' || url.startsWith('-') || /[\0\n\r]/.test(url)) {
    throw new WorkspaceError('invalid', 'git_remote_url must be a URL or path git understands.', { field: 'git_remote_url' });
  }
  // Listing the remote's refs proves it is reachable before anything is recorded.
  try {
    await git(['ls-remote', '--heads', '--', url], { timeoutMs: 120_000 });
  } catch (error) {
    throw new WorkspaceError('invalid', `Cannot read git remote ${url}: ${gitMessage(error)}`, { field: 'git_remote_url' });
  }
}

export async function createProject(core: WorkspaceCore, caller: Caller, input: NewProjectInput): Promise<ProjectRecord> {
  if (caller.workspace !== 'dev') throw devOnly('Creating a project');
  const problem = projectNameProblem(input.name);
  if (problem !== null) throw new WorkspaceError('invalid', problem, { field: 'name' });
  if (await core.store.projects.project(input.name)) {
    throw new WorkspaceError('conflict', `A project named "${input.name}" already exists.`);
  }
  const remote = input.git_remote_url ?? null;
  let url: string;
  let hosted = false;
  if (remote === null || remote === '') {
    url = core.repos.hostedRepoPath(input.name);
    hosted = true;
    if (!core.repos.hostedRepoExists(input.name)) await initHostedRepo(url, 'main', await core.author(caller.userId));
  } else {
    await checkRemote(remote);
    url = remote;
  }
  let project: ProjectRecord;
  try {
    project = await core.store.projects.createProject({ id: input.name, git_remote_url: url, hosted });
  } catch (error) {
    if (error instanceof StoreError && error.code === 'conflict') throw new WorkspaceError('conflict', error.message);
    throw error;
  }
  try {
    await core.ensureDevCopy(project, caller.userId);
  } catch (error) {
    // All or nothing: a project whose creator got an error must not linger (a retry would be a 409).
    await core.store.projects.deleteProject(project.id);
    await core.repos.drop(project.id);
    throw error;
  }
  return core.project(project.id);
}

export interface ProjectUpdate {
  readonly git_remote_url?: string | null;
  readonly git_production_branch_name?: string | null;
  readonly validation_required?: boolean;
  readonly allow_warnings?: boolean;
  readonly pull_request_mode?: string;
  readonly git_release_mgmt_enabled?: boolean;
  readonly data_tests_required?: boolean;
}

export async function updateProject(core: WorkspaceCore, caller: Caller, id: string, update: ProjectUpdate): Promise<ProjectRecord> {
  const project = await core.project(id);
  const patch: { -readonly [K in keyof ProjectPatch]: ProjectPatch[K] } = {};
  if (update.git_remote_url !== undefined && update.git_remote_url !== project.git_remote_url) {
    if (caller.workspace !== 'dev') throw devOnly('Configuring git');
    if (update.git_remote_url === null || update.git_remote_url === '') {
      throw new WorkspaceError('invalid', 'git_remote_url cannot be removed from a project.', { field: 'git_remote_url' });
    }
    await checkRemote(update.git_remote_url);
    patch.git_remote_url = update.git_remote_url;
    patch.hosted = false;
  }
  if (update.git_production_branch_name !== undefined) {
    const name = update.git_production_branch_name;
    if (name !== null && name !== '') {
      const problem = branchNameProblem(name);
      if (problem !== null) throw new WorkspaceError('invalid', problem, { field: 'git_production_branch_name' });
    }
    patch.git_production_branch_name = name === '' ? null : name;
  }
  if (update.pull_request_mode !== undefined) {
    if (!PULL_REQUEST_MODES.has(update.pull_request_mode)) {
      throw new WorkspaceError('invalid', 'pull_request_mode must be one of off, links, recommended, required.', { field: 'pull_request_mode' });
    }
    patch.pull_request_mode = update.pull_request_mode;
  }
  if (update.validation_required !== undefined) patch.validation_required = update.validation_required;
  if (update.allow_warnings !== undefined) patch.allow_warnings = update.allow_warnings;
  if (update.git_release_mgmt_enabled !== undefined) patch.git_release_mgmt_enabled = update.git_release_mgmt_enabled;
  if (update.data_tests_required !== undefined) patch.data_tests_required = update.data_tests_required;
  const updated = await core.store.projects.updateProject(id, patch);
  if (!updated) throw noProject(id);
  if (patch.git_remote_url !== undefined) {
    await core.repos.drop(id);
    await core.store.projects.bumpGeneration(id);
  }
  return core.project(id);
}

export async function deleteProject(core: WorkspaceCore, caller: Caller, id: string): Promise<void> {
  if (caller.workspace !== 'dev') throw devOnly('Deleting a project');
  const project = await core.project(id);
  await core.lock.run(id, async () => {
    await core.store.projects.deleteProject(id);
    await core.repos.drop(id);
    // A hosted project's repository is Overlook's own; a remote stays untouched.
    if (project.hosted) await rm(project.git_remote_url, { recursive: true, force: true });
  });
}
