/**
 * Git-backed projects and per-token workspaces: the one object the API talks to. Each method takes
 * the caller (user + their token's workspace) and answers from that workspace.
 */
import type { Diagnostic } from '../lookml/ast.ts';
import type { Model } from '../model/types.ts';
import { VersionedCache, type ProjectRecord, type Store } from '../store/index.ts';
import * as branches from './branches.ts';
import type { LoadedWorkspace } from './content.ts';
import { WorkspaceCore, type Caller, type CoreOptions, type ResolvedWorkspace } from './core.ts';
import * as deploy from './deploy.ts';
import * as editing from './editing.ts';
import * as projects from './projects.ts';

export type { BranchView } from './branches.ts';
export type { LoadedWorkspace, SnapshotFile, WorkspaceSnapshot } from './content.ts';
export type { Caller, DeployGate, ResolvedWorkspace, WorkspaceKind } from './core.ts';
export type { FileChange, PullResult } from './editing.ts';
export { WorkspaceError, type WorkspaceErrorCode } from './errors.ts';
export type { NewProjectInput, ProjectUpdate } from './projects.ts';

export interface ValidationOutcome {
  readonly diagnostics: readonly Diagnostic[];
  readonly workspaceKey: string;
  readonly computedAt: string;
  readonly seconds: number;
  readonly stale: boolean;
}

export interface WorkspaceModel {
  readonly project: ProjectRecord;
  readonly loaded: LoadedWorkspace;
  readonly model: Model;
}

export class Workspaces {
  readonly core: WorkspaceCore;

  constructor(store: Store, options: CoreOptions) {
    this.core = new WorkspaceCore(store, options);
    this.#projects = new VersionedCache(store.changes, ['projects']);
  }

  // Projects
  createProject(caller: Caller, input: projects.NewProjectInput): Promise<ProjectRecord> { return projects.createProject(this.core, caller, input); }
  updateProject(caller: Caller, id: string, update: projects.ProjectUpdate): Promise<ProjectRecord> { return projects.updateProject(this.core, caller, id, update); }
  deleteProject(caller: Caller, id: string): Promise<void> { return projects.deleteProject(this.core, caller, id); }
  project(id: string): Promise<ProjectRecord> { return this.core.project(id); }
  /** Every project row; read once per change of the projects table (this node's writes, or another node's NOTIFY). */
  allProjects(): Promise<readonly ProjectRecord[]> { return this.#projects.get('', () => this.core.store.projects.allProjects()); }
  readonly #projects: VersionedCache<readonly ProjectRecord[]>;
  /**
   * Each deployed project's assembled production, with the commit it was built from, for
   * `peekModel`. Kept for one project list: a new list (a deploy, or any project change) starts over.
   */
  #production = new Map<string, { readonly commit: string; readonly loaded: LoadedWorkspace }>();
  #productionOf: readonly ProjectRecord[] | undefined;
  resolve(projectId: string, caller: Caller): Promise<ResolvedWorkspace> { return this.core.resolve(projectId, caller); }

  /** The project of the caller's workspace, assembled (shared by everyone with the same content). */
  async load(projectId: string, caller: Caller): Promise<{ ws: ResolvedWorkspace; loaded: LoadedWorkspace }> {
    const ws = await this.core.resolve(projectId, caller);
    return { ws, loaded: await this.core.load(ws) };
  }

  /** Every model the caller's workspace can see, across projects (production: deployed projects only). */
  async models(caller: Caller): Promise<WorkspaceModel[]> {
    const out: WorkspaceModel[] = [];
    // Every query resolves its model here: a cached project list is read without a promise hop.
    for (const project of this.#projects.peek('') ?? await this.allProjects()) {
      if (caller.workspace === 'production' && project.deployed_commit === null) continue;
      const loaded = await this.core.load(await this.core.resolve(project, caller));
      for (const model of Object.values(loaded.project.models)) {
        // Models outside the caller's model sets do not exist for them (Looker answers 404 too).
        if (caller.models === undefined || caller.models.has(model.name)) out.push({ project, loaded, model });
      }
    }
    return out.sort((a, b) => (a.model.name < b.model.name ? -1 : a.model.name > b.model.name ? 1 : 0));
  }

  /** The model named `name` in the caller's workspace; null when no project there defines it. */
  async model(caller: Caller, name: string): Promise<WorkspaceModel | null> {
    if (caller.models !== undefined && !caller.models.has(name)) return null;
    // The same project order as models(): its sort is stable, so the first project defining the name wins there too.
    const projects = this.#projects.peek('') ?? await this.allProjects();
    for (const project of projects) {
      if (caller.workspace === 'production' && project.deployed_commit === null) continue;
      const loaded = await this.core.load(await this.core.resolve(project, caller));
      if (caller.workspace === 'production' && project.deployed_commit !== null) this.#keepProduction(projects, project.id, project.deployed_commit, loaded);
      const model = Object.hasOwn(loaded.project.models, name) ? loaded.project.models[name] : undefined;
      if (model !== undefined) return { project, loaded, model };
    }
    return null;
  }

  /**
   * `model()` answered at once where it can be: in production, when every deployed project up to the
   * one defining `name` has been assembled at its deployed commit and is still cached (a deployed
   * commit's content never changes). Undefined when only `model()` can tell. Every query asks this
   * first: resolving and loading cost each request several promise hops.
   */
  peekModel(caller: Caller, name: string): WorkspaceModel | null | undefined {
    if (caller.workspace !== 'production') return undefined;
    if (caller.models !== undefined && !caller.models.has(name)) return null;
    const projects = this.#projects.peek('');
    if (projects === undefined || projects !== this.#productionOf) return undefined;
    for (const project of projects) {
      if (project.deployed_commit === null) continue;
      const kept = this.#production.get(project.id);
      if (kept === undefined || kept.commit !== project.deployed_commit || !this.core.content.stillCached(kept.loaded)) return undefined;
      const model = Object.hasOwn(kept.loaded.project.models, name) ? kept.loaded.project.models[name] : undefined;
      if (model !== undefined) return { project, loaded: kept.loaded, model };
    }
    return null;
  }

  #keepProduction(projects: readonly ProjectRecord[], projectId: string, commit: string, loaded: LoadedWorkspace): void {
    if (projects !== this.#productionOf) {
      this.#production = new Map();
      this.#productionOf = projects;
    }
    this.#production.set(projectId, { commit, loaded });
  }

  // Branches
  currentBranch(projectId: string, caller: Caller): Promise<branches.BranchView> { return branches.currentBranch(this.core, projectId, caller); }
  allBranches(projectId: string, caller: Caller): Promise<branches.BranchView[]> { return branches.allBranches(this.core, projectId, caller); }
  findBranch(projectId: string, caller: Caller, name: string): Promise<branches.BranchView> { return branches.findBranch(this.core, projectId, caller, name); }
  createBranch(projectId: string, caller: Caller, name: string, ref?: string): Promise<branches.BranchView> { return branches.createBranch(this.core, projectId, caller, name, ref); }
  updateBranch(projectId: string, caller: Caller, name?: string, ref?: string): Promise<branches.BranchView> { return branches.updateBranch(this.core, projectId, caller, name, ref); }
  deleteBranch(projectId: string, caller: Caller, name: string): Promise<void> { return branches.deleteBranch(this.core, projectId, caller, name); }
  resetToProduction(projectId: string, caller: Caller): Promise<void> { return branches.resetToProduction(this.core, projectId, caller); }
  resetToRemote(projectId: string, caller: Caller): Promise<void> { return branches.resetToRemote(this.core, projectId, caller); }

  // Deploy
  deployToProduction(projectId: string, caller: Caller): Promise<void> { return deploy.deployToProduction(this.core, projectId, caller); }
  deployRefToProduction(projectId: string, caller: Caller, target: { branch?: string; ref?: string }): Promise<void> {
    return deploy.deployRefToProduction(this.core, projectId, caller, target);
  }

  // Files
  listFiles(projectId: string, caller: Caller): ReturnType<typeof editing.listFiles> { return editing.listFiles(this.core, projectId, caller); }
  readFile(projectId: string, caller: Caller, path: string): ReturnType<typeof editing.readFile> { return editing.readFile(this.core, projectId, caller, path); }
  writeFile(projectId: string, caller: Caller, path: string, content: string): Promise<void> { return editing.writeFile(this.core, projectId, caller, path, content); }
  deleteFile(projectId: string, caller: Caller, path: string): Promise<void> { return editing.deleteFile(this.core, projectId, caller, path); }
  renameFile(projectId: string, caller: Caller, from: string, to: string): Promise<void> { return editing.renameFile(this.core, projectId, caller, from, to); }
  discardChanges(projectId: string, caller: Caller, paths?: readonly string[]): Promise<void> { return editing.discardChanges(this.core, projectId, caller, paths); }
  commit(projectId: string, caller: Caller, message: string): Promise<string> { return editing.commitChanges(this.core, projectId, caller, message); }
  pull(projectId: string, caller: Caller): Promise<editing.PullResult> { return editing.pullFromRemote(this.core, projectId, caller); }

  // Validation
  #scope(caller: Caller): string {
    return caller.workspace === 'dev' ? `dev:${caller.userId}` : 'production';
  }

  async validate(projectId: string, caller: Caller): Promise<ValidationOutcome> {
    const started = performance.now();
    const { ws, loaded } = await this.load(projectId, caller);
    const diagnostics = loaded.diagnostics();
    const seconds = (performance.now() - started) / 1000;
    await this.core.store.projects.saveValidation(projectId, this.#scope(caller), ws.snapshot.key, JSON.stringify({ diagnostics, seconds }));
    return { diagnostics, workspaceKey: ws.snapshot.key, computedAt: new Date().toISOString(), seconds, stale: false };
  }

  /** The last validation of this workspace scope; null when there is none. */
  async validationResults(projectId: string, caller: Caller): Promise<ValidationOutcome | null> {
    const ws = await this.core.resolve(projectId, caller);
    const saved = await this.core.store.projects.validation(projectId, this.#scope(caller));
    if (!saved) return null;
    const parsed = JSON.parse(saved.result) as { diagnostics: Diagnostic[]; seconds: number };
    return {
      diagnostics: parsed.diagnostics, workspaceKey: saved.workspace_key, computedAt: saved.computed_at,
      seconds: parsed.seconds, stale: saved.workspace_key !== ws.snapshot.key,
    };
  }

  close(): Promise<void> {
    return this.core.close();
  }
}
