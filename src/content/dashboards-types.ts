/**
 * Dashboards as the service hands them out, one shape for user-defined dashboards (rows of the
 * metadata DB) and LookML dashboards (built from the caller's workspace on each read): presenters,
 * the renderer and the web UI read these and never need to know which kind they hold, except
 * through `kind`.
 */
import type {
  DashboardElementRecord, DashboardFilterRecord, DashboardLayoutComponentRecord, DashboardLayoutRecord, DashboardRecord,
  LookRecord, QueryRecord,
} from '../store/index.ts';
import type { AccessLevel } from './access.ts';
import type { ListenEntry } from './dashboards-logic.ts';
import type { FolderView } from './folders.ts';

/** The folder LookML dashboards are listed in (Looker's "LookML Dashboards", id `lookml`). */
export const LOOKML_FOLDER_ID = 'lookml';
export const LOOKML_FOLDER_NAME = 'LookML Dashboards';

export interface LookmlSource {
  /** Project the `.dashboard.lookml` file belongs to. */
  readonly projectId: string;
  /** The model in the dashboard's id (`<model>::<name>`). */
  readonly model: string;
  readonly name: string;
  /** Project-relative path of the file and the line of `dashboard:`. */
  readonly file: string;
  readonly line: number;
}

export interface DashboardView {
  readonly kind: 'user' | 'lookml';
  /** For LookML dashboards: id `<model>::<name>`, folder_id `lookml`, content_metadata_id '' and no slug. */
  readonly record: DashboardRecord;
  readonly access: AccessLevel;
  /** The folder of a user-defined dashboard; null for LookML dashboards (they are in the `lookml` folder). */
  readonly folder: FolderView | null;
  readonly lookml: LookmlSource | null;
}

export interface ElementView {
  readonly record: DashboardElementRecord;
  readonly query: QueryRecord | null;
  /** The look of a look tile (its query is `lookQuery`). */
  readonly look: LookRecord | null;
  readonly lookQuery: QueryRecord | null;
  readonly listen: readonly ListenEntry[];
}

export interface LayoutView {
  readonly layout: DashboardLayoutRecord;
  readonly components: readonly DashboardLayoutComponentRecord[];
}

export interface DashboardDetail {
  readonly view: DashboardView;
  readonly elements: readonly ElementView[];
  readonly filters: readonly DashboardFilterRecord[];
  readonly layouts: readonly LayoutView[];
}
