/**
 * Projects and the per-user state around them: dev copies (personal + current branch), overlays of
 * uncommitted edits, cached validation results and LookML model configs. Git itself lives in
 * `src/workspaces`; this is only what must survive a crash or be seen by every node.
 */
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { StoreError, changed, idString, mapConflict, nowIso, parseId } from './context.ts';
import type { StoreContext } from './context.ts';
import { bool } from './schema.ts';
import type { LookmlModelConfigsTable, ProjectsTable } from './schema.ts';

export interface ProjectRecord {
  readonly id: string;
  readonly git_remote_url: string;
  readonly hosted: boolean;
  readonly git_production_branch_name: string | null;
  readonly validation_required: boolean;
  readonly allow_warnings: boolean;
  readonly pull_request_mode: string;
  readonly git_release_mgmt_enabled: boolean;
  readonly data_tests_required: boolean;
  readonly deployed_commit: string | null;
  readonly deployed_at: string | null;
  readonly ref_generation: number;
  readonly created_at: string;
}

export interface NewProject {
  readonly id: string;
  readonly git_remote_url: string;
  readonly hosted: boolean;
  readonly git_production_branch_name?: string | null;
}

export type ProjectPatch = Partial<Pick<ProjectRecord,
  'git_remote_url' | 'hosted' | 'git_production_branch_name' | 'validation_required' | 'allow_warnings' |
  'pull_request_mode' | 'git_release_mgmt_enabled' | 'data_tests_required'>>;

export interface DevCopy {
  readonly user_id: string;
  readonly project_id: string;
  readonly personal_branch: string;
  readonly current_branch: string;
}

export interface OverlayFile {
  readonly path: string;
  /** null: deleted in the overlay. */
  readonly content: string | null;
  readonly blob_id: string | null;
  readonly updated_at: string;
}

export interface ModelConfig {
  readonly name: string;
  readonly project_name: string;
  readonly allowed_db_connection_names: readonly string[];
  readonly unlimited_db_connections: boolean;
  readonly label: string | null;
}

export interface ProjectsRepository {
  createProject(input: NewProject): Promise<ProjectRecord>;
  project(id: string): Promise<ProjectRecord | null>;
  allProjects(): Promise<ProjectRecord[]>;
  updateProject(id: string, patch: ProjectPatch): Promise<ProjectRecord | null>;
  deleteProject(id: string): Promise<boolean>;
  /**
   * Records a deploy if production still is `expected` (compare-and-swap), so two deploys racing on
   * different nodes cannot both believe they won. Bumps the ref generation.
   */
  setDeployed(id: string, commit: string, expected: string | null, userId: string): Promise<boolean>;
  /** Another node moved a ref of this project: bump so every node refetches before serving it. */
  /** Returns the new generation. */
  bumpGeneration(id: string): Promise<number>;

  devCopy(userId: string, projectId: string): Promise<DevCopy | null>;
  /** Creates the dev copy unless one exists; returns whichever is stored. */
  ensureDevCopy(userId: string, projectId: string, personalBranch: string): Promise<DevCopy>;
  setCurrentBranch(userId: string, projectId: string, branch: string): Promise<void>;
  /** Personal branches of a project by name → owner user id. */
  personalBranches(projectId: string): Promise<Map<string, string>>;
  /** Users whose current branch in this project is `branch`. */
  usersOnBranch(projectId: string, branch: string): Promise<string[]>;

  /** The commit this user's copy of `branch` is at; null when they never had it checked out. */
  branchHead(userId: string, projectId: string, branch: string): Promise<string | null>;
  /** Moves this user's copy of `branch`; with `expected`, only if it still is there (compare-and-swap). */
  setBranchHead(userId: string, projectId: string, branch: string, head: string, expected?: string | null): Promise<boolean>;
  /** Forgets every user's copy of a deleted branch (heads and overlays). */
  forgetBranch(projectId: string, branch: string): Promise<void>;

  overlay(userId: string, projectId: string, branch: string): Promise<OverlayFile[]>;
  putOverlayFile(userId: string, projectId: string, branch: string, path: string, content: string | null, blobId: string | null): Promise<void>;
  /** Removes overlay entries; only those whose blob still matches when `expected` is given (after a commit). */
  clearOverlay(userId: string, projectId: string, branch: string, expected?: ReadonlyMap<string, string | null>): Promise<void>;
  discardOverlayPaths(userId: string, projectId: string, branch: string, paths: readonly string[]): Promise<void>;

  validation(projectId: string, scope: string): Promise<{ workspace_key: string; result: string; computed_at: string } | null>;
  saveValidation(projectId: string, scope: string, workspaceKey: string, result: string): Promise<void>;

  modelConfigs(): Promise<ModelConfig[]>;
  modelConfig(name: string): Promise<ModelConfig | null>;
  putModelConfig(config: ModelConfig): Promise<ModelConfig>;
  deleteModelConfig(name: string): Promise<boolean>;
}

function toProject(row: Selectable<ProjectsTable>): ProjectRecord {
  return {
    id: row.id,
    git_remote_url: row.git_remote_url,
    hosted: bool(row.hosted),
    git_production_branch_name: row.git_production_branch_name,
    validation_required: bool(row.validation_required),
    allow_warnings: bool(row.allow_warnings),
    pull_request_mode: row.pull_request_mode,
    git_release_mgmt_enabled: bool(row.git_release_mgmt_enabled),
    data_tests_required: bool(row.data_tests_required),
    deployed_commit: row.deployed_commit,
    deployed_at: row.deployed_at,
    ref_generation: row.ref_generation,
    created_at: row.created_at,
  };
}

function toModelConfig(row: Selectable<LookmlModelConfigsTable>): ModelConfig {
  let names: unknown;
  try {
    names = JSON.parse(row.allowed_db_connection_names);
  } catch {
    names = [];
  }
  return {
    name: row.name,
    project_name: row.project_name,
    allowed_db_connection_names: Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [],
    unlimited_db_connections: bool(row.unlimited_db_connections),
    label: row.label,
  };
}

function userKey(userId: string): number {
  const id = parseId(userId);
  if (id === null) throw new StoreError('not_found', `No user ${userId}`);
  return id;
}

export function projectsRepository(ctx: StoreContext): ProjectsRepository {
  const db = ctx.db;
  const repo: ProjectsRepository = {
    async createProject(input) {
      await mapConflict('name', `A project named "${input.id}" already exists`, () => db.insertInto('projects').values({
        id: input.id,
        git_remote_url: input.git_remote_url,
        hosted: input.hosted,
        git_production_branch_name: input.git_production_branch_name ?? null,
        created_at: nowIso(ctx),
      }).execute());
      changed(ctx, 'projects');
      const created = await repo.project(input.id);
      if (!created) throw new Error(`project ${input.id} vanished after insert`);
      return created;
    },

    async project(id) {
      const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toProject(row) : null;
    },

    async allProjects() {
      const rows = await db.selectFrom('projects').selectAll().orderBy('id').execute();
      return rows.map(toProject);
    },

    async updateProject(id, patch) {
      const values = { ...patch };
      if (Object.keys(values).length > 0) {
        await db.updateTable('projects').set(values).where('id', '=', id).execute();
        changed(ctx, 'projects');
      }
      return repo.project(id);
    },

    async deleteProject(id) {
      const result = await db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
      changed(ctx, 'projects');
      return result.numDeletedRows > 0n;
    },

    async setDeployed(id, commit, expected, userId) {
      let query = db.updateTable('projects').set({
        deployed_commit: commit,
        deployed_at: nowIso(ctx),
        deployed_by: parseId(userId),
        ref_generation: sql<number>`ref_generation + 1`,
      }).where('id', '=', id);
      query = expected === null ? query.where('deployed_commit', 'is', null) : query.where('deployed_commit', '=', expected);
      const result = await query.executeTakeFirst();
      changed(ctx, 'projects');
      return result.numUpdatedRows > 0n;
    },

    async bumpGeneration(id) {
      const row = await db.updateTable('projects').set({ ref_generation: sql<number>`ref_generation + 1` })
        .where('id', '=', id).returning('ref_generation').executeTakeFirst();
      changed(ctx, 'projects');
      return row?.ref_generation ?? 0;
    },

    async devCopy(userId, projectId) {
      const uid = parseId(userId);
      if (uid === null) return null;
      const row = await db.selectFrom('dev_copies').selectAll()
        .where('user_id', '=', uid).where('project_id', '=', projectId).executeTakeFirst();
      return row ? { ...row, user_id: idString(row.user_id) } : null;
    },

    async ensureDevCopy(userId, projectId, personalBranch) {
      await db.insertInto('dev_copies').values({
        user_id: userKey(userId), project_id: projectId, personal_branch: personalBranch,
        current_branch: personalBranch, created_at: nowIso(ctx),
      }).onConflict((oc) => oc.columns(['user_id', 'project_id']).doNothing()).execute();
      const copy = await repo.devCopy(userId, projectId);
      if (!copy) throw new StoreError('not_found', `No project ${projectId}`);
      return copy;
    },

    async setCurrentBranch(userId, projectId, branch) {
      await db.updateTable('dev_copies').set({ current_branch: branch })
        .where('user_id', '=', userKey(userId)).where('project_id', '=', projectId).execute();
    },

    async personalBranches(projectId) {
      const rows = await db.selectFrom('dev_copies').select(['personal_branch', 'user_id'])
        .where('project_id', '=', projectId).execute();
      return new Map(rows.map((r) => [r.personal_branch, idString(r.user_id)]));
    },

    async usersOnBranch(projectId, branch) {
      const rows = await db.selectFrom('dev_copies').select('user_id')
        .where('project_id', '=', projectId).where('current_branch', '=', branch).execute();
      return rows.map((r) => idString(r.user_id));
    },

    async branchHead(userId, projectId, branch) {
      const uid = parseId(userId);
      if (uid === null) return null;
      const row = await db.selectFrom('dev_branch_heads').select('head').where('user_id', '=', uid)
        .where('project_id', '=', projectId).where('branch', '=', branch).executeTakeFirst();
      return row?.head ?? null;
    },

    async setBranchHead(userId, projectId, branch, head, expected) {
      const uid = userKey(userId);
      const updated_at = nowIso(ctx);
      if (expected === undefined) {
        await db.insertInto('dev_branch_heads').values({ user_id: uid, project_id: projectId, branch, head, updated_at })
          .onConflict((oc) => oc.columns(['user_id', 'project_id', 'branch']).doUpdateSet({ head, updated_at })).execute();
        return true;
      }
      if (expected === null) {
        const result = await db.insertInto('dev_branch_heads').values({ user_id: uid, project_id: projectId, branch, head, updated_at })
          .onConflict((oc) => oc.columns(['user_id', 'project_id', 'branch']).doNothing()).executeTakeFirst();
        return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
      }
      const result = await db.updateTable('dev_branch_heads').set({ head, updated_at }).where('user_id', '=', uid)
        .where('project_id', '=', projectId).where('branch', '=', branch).where('head', '=', expected).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async forgetBranch(projectId, branch) {
      await db.deleteFrom('dev_branch_heads').where('project_id', '=', projectId).where('branch', '=', branch).execute();
      await db.deleteFrom('overlay_files').where('project_id', '=', projectId).where('branch', '=', branch).execute();
    },

    async overlay(userId, projectId, branch) {
      const uid = parseId(userId);
      if (uid === null) return [];
      return db.selectFrom('overlay_files').select(['path', 'content', 'blob_id', 'updated_at'])
        .where('user_id', '=', uid).where('project_id', '=', projectId).where('branch', '=', branch)
        .orderBy('path').execute();
    },

    async putOverlayFile(userId, projectId, branch, path, content, blobId) {
      const updated_at = nowIso(ctx);
      await db.insertInto('overlay_files').values({
        user_id: userKey(userId), project_id: projectId, branch, path, content, blob_id: blobId, updated_at,
      }).onConflict((oc) => oc.columns(['user_id', 'project_id', 'branch', 'path'])
        .doUpdateSet({ content, blob_id: blobId, updated_at })).execute();
    },

    async clearOverlay(userId, projectId, branch, expected) {
      const uid = userKey(userId);
      const base = db.deleteFrom('overlay_files')
        .where('user_id', '=', uid).where('project_id', '=', projectId).where('branch', '=', branch);
      if (!expected) {
        await base.execute();
        return;
      }
      // Only entries still equal to what was committed: an edit saved while the commit ran survives.
      for (const [path, blob] of expected) {
        await base.where('path', '=', path)
          .where((eb) => (blob === null ? eb('blob_id', 'is', null) : eb('blob_id', '=', blob))).execute();
      }
    },

    async discardOverlayPaths(userId, projectId, branch, paths) {
      if (paths.length === 0) return;
      await db.deleteFrom('overlay_files').where('user_id', '=', userKey(userId)).where('project_id', '=', projectId)
        .where('branch', '=', branch).where('path', 'in', paths).execute();
    },

    async validation(projectId, scope) {
      const row = await db.selectFrom('validation_results').select(['workspace_key', 'result', 'computed_at'])
        .where('project_id', '=', projectId).where('scope', '=', scope).executeTakeFirst();
      return row ?? null;
    },

    async saveValidation(projectId, scope, workspaceKey, result) {
      const computed_at = nowIso(ctx);
      await db.insertInto('validation_results').values({ project_id: projectId, scope, workspace_key: workspaceKey, result, computed_at })
        .onConflict((oc) => oc.columns(['project_id', 'scope']).doUpdateSet({ workspace_key: workspaceKey, result, computed_at }))
        .execute();
    },

    async modelConfigs() {
      const rows = await db.selectFrom('lookml_model_configs').selectAll().orderBy('name').execute();
      return rows.map(toModelConfig);
    },

    async modelConfig(name) {
      const row = await db.selectFrom('lookml_model_configs').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toModelConfig(row) : null;
    },

    async putModelConfig(config) {
      const values = {
        project_name: config.project_name,
        allowed_db_connection_names: JSON.stringify(config.allowed_db_connection_names),
        unlimited_db_connections: config.unlimited_db_connections,
        label: config.label,
      };
      await db.insertInto('lookml_model_configs').values({ name: config.name, ...values })
        .onConflict((oc) => oc.column('name').doUpdateSet(values)).execute();
      changed(ctx, 'model_configs');
      const stored = await repo.modelConfig(config.name);
      if (!stored) throw new Error(`model config ${config.name} vanished after upsert`);
      return stored;
    },

    async deleteModelConfig(name) {
      const result = await db.deleteFrom('lookml_model_configs').where('name', '=', name).executeTakeFirst();
      changed(ctx, 'model_configs');
      return result.numDeletedRows > 0n;
    },
  };
  return repo;
}
