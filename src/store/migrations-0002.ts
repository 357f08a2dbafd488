/**
 * 0002: git-backed projects and workspaces (issue 4). Frozen once released, like 0001.
 *
 * - `projects`: one row per LookML project; `deployed_commit` is production (DESIGN: the commit
 *   recorded as deployed); `ref_generation` grows on every ref this server moves, so other nodes
 *   know their mirror may be behind and fetch before serving that project.
 * - `dev_copies`: a user's copy of a project (personal branch + the branch checked out).
 * - `dev_branch_heads`: the commit each user's copy of a branch is at (Looker's per-user local clone:
 *   it moves only when that user commits, pulls, resets or checks the branch out anew).
 * - `overlay_files`: uncommitted edits per (user, project, branch); `content` null = deleted.
 * - `validation_results`: the last `validate_project` answer per (project, workspace scope).
 * - `lookml_model_configs`: `create_lookml_model`/`update_lookml_model` restrictions.
 */
import type { ColumnDefinitionBuilder, Migration } from 'kysely';

type AnyKysely = Parameters<Migration['up']>[0];

export function projectsMigration(): Migration {
  const flag = (value: boolean) => (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    col.notNull().defaultTo(value);
  return {
    async up(db: AnyKysely): Promise<void> {
      const schema = db.schema;
      await schema.createTable('projects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('git_remote_url', 'text', (c) => c.notNull())
        .addColumn('hosted', 'boolean', flag(false))
        .addColumn('git_production_branch_name', 'text')
        .addColumn('validation_required', 'boolean', flag(true))
        .addColumn('allow_warnings', 'boolean', flag(true))
        .addColumn('pull_request_mode', 'text', (c) => c.notNull().defaultTo('off'))
        .addColumn('git_release_mgmt_enabled', 'boolean', flag(false))
        .addColumn('deployed_commit', 'text')
        .addColumn('deployed_at', 'text')
        .addColumn('deployed_by', 'integer')
        .addColumn('ref_generation', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await schema.createTable('dev_copies')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('personal_branch', 'text', (c) => c.notNull())
        .addColumn('current_branch', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dev_copies_pk', ['user_id', 'project_id'])
        .addUniqueConstraint('dev_copies_personal_branch', ['project_id', 'personal_branch'])
        .execute();

      await schema.createTable('dev_branch_heads')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('branch', 'text', (c) => c.notNull())
        .addColumn('head', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dev_branch_heads_pk', ['user_id', 'project_id', 'branch'])
        .execute();

      await schema.createTable('overlay_files')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('branch', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('content', 'text')
        .addColumn('blob_id', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('overlay_files_pk', ['user_id', 'project_id', 'branch', 'path'])
        .execute();

      await schema.createTable('validation_results')
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('workspace_key', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('computed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('validation_results_pk', ['project_id', 'scope'])
        .execute();

      await schema.createTable('lookml_model_configs')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('project_name', 'text', (c) => c.notNull())
        .addColumn('allowed_db_connection_names', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('unlimited_db_connections', 'boolean', flag(true))
        .addColumn('label', 'text')
        .execute();
    },
  };
}
