/**
 * A resolved model → Looker API 4.0 `LookmlModel` (`GET /lookml_models`, `GET /lookml_models/{name}`).
 *
 * Explores are listed as `LookmlModelNavExplore` in definition order; `extension: required`
 * explores are left out (they cannot be queried, and Looker does not list them). Hidden
 * explores are listed with `hidden: true`. An explore's `group_label` defaults to the
 * model's label, which is how Looker groups explores in its menus.
 */
import type { Model } from '../../model/types.ts';
import { exploreLabel, modelLabel } from './lookml-labels.ts';

export interface ModelJsonOptions {
  readonly projectName: string;
  /**
   * Connections the model may use (Looker's "Manage LookML projects" setting); null or
   * absent means any connection (`unlimited_db_connections: true`).
   */
  readonly allowedConnections?: readonly string[] | null;
  /** Whether the model file has content; default true for a parsed model. */
  readonly hasContent?: boolean;
}

export function lookmlModelJson(model: Model, opts: ModelJsonOptions): Record<string, unknown> {
  const label = modelLabel(model);
  const allowed = opts.allowedConnections ?? null;
  return {
    can: { index: true, show: true },
    allowed_db_connection_names: allowed === null ? [] : [...allowed],
    explores: Object.values(model.explores)
      .filter((e) => !e.extension)
      .map((e) => ({
        name: e.name,
        description: e.description ?? null,
        label: exploreLabel(e),
        hidden: e.hidden,
        group_label: e.groupLabel ?? label,
      })),
    has_content: opts.hasContent ?? true,
    label,
    name: model.name,
    project_name: opts.projectName,
    unlimited_db_connections: allowed === null,
  };
}
