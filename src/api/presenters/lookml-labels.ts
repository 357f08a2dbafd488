/**
 * Looker's display labels for models, explores, views and fields, and the IDE links
 * (`lookml_link`) the API hands out.
 *
 * Label rules, as Looker's API reports them:
 * - a name without `label:` is title-cased word by word (`estimated_votes_in` →
 *   "Estimated Votes In", `order_id` → "Order ID");
 * - a field's `label` is its view label and its short label joined by a space
 *   ("Orders Created Date");
 * - a view's label in an explore is the field's `view_label`, else the join's (or, for
 *   the base view, the explore's) `view_label`, else the view's `label:`, else the
 *   alias title-cased (`join: buyer { from: users }` → "Buyer");
 * - `type: time` dimension-group members are "<group label> <timeframe label>" and are
 *   grouped under "<group label> Date" with the timeframe label as the variant, unless
 *   the group sets its own `group_label`.
 */
import type { Explore, Field, Model, View } from '../../model/types.ts';
import { baseAlias } from '../../model/explore-fields.ts';

/** `created_day_of_week` → "Created Day Of Week"; `id` words become "ID". */
export function titleCase(name: string): string {
  const out: string[] = [];
  for (const word of name.split(/[_\s]+/)) {
    if (word === '') continue;
    out.push(word.toLowerCase() === 'id' ? 'ID' : word.charAt(0).toUpperCase() + word.slice(1));
  }
  return out.join(' ');
}

/** Looker's timeframe names: "Date", "Day of Week", "Week of Year", "Fiscal Quarter of Year". */
export function timeframeLabel(timeframe: string): string {
  return titleCase(timeframe).replace(/ Of /g, ' of ');
}

/** "Days" for `day`: duration members are labelled with the plural interval. */
export function intervalLabel(interval: string): string {
  return `${titleCase(interval)}s`;
}

export function modelLabel(model: Model): string {
  return model.label ?? titleCase(model.name);
}

export function exploreLabel(explore: Explore): string {
  return explore.label ?? titleCase(explore.name);
}

/** The label every field of `alias` shows under unless it sets its own `view_label`. */
export function aliasViewLabel(explore: Explore, alias: string, view: View | undefined): string {
  const own = alias === baseAlias(explore) ? explore.viewLabel : explore.joins.find((j) => j.name === alias)?.viewLabel;
  return own ?? view?.label ?? titleCase(alias);
}

export interface FieldLabels {
  readonly label: string;
  readonly labelShort: string;
  readonly viewLabel: string;
  readonly fieldGroupLabel: string | null;
  readonly fieldGroupVariant: string;
}

/** Every label of `field` shown under `aliasLabel` (see the module comment). */
export function fieldLabels(field: Field, aliasLabel: string): FieldLabels {
  const viewLabel = field.viewLabel ?? aliasLabel;
  const group = field.group;
  let labelShort: string;
  let groupLabel: string | null = field.groupLabel ?? null;
  let variant: string | undefined = field.groupItemLabel;
  if (group) {
    // Members read the group's block, so `field.label` is the group's `label:`.
    const base = field.label ?? titleCase(group.name);
    if (group.kind === 'time') {
      const tf = timeframeLabel(group.timeframe ?? '');
      labelShort = `${base} ${tf}`;
      if (groupLabel === null) {
        groupLabel = `${base} Date`;
        variant ??= tf;
      }
    } else {
      const iv = intervalLabel(group.interval ?? '');
      labelShort = `${iv} ${base}`;
      if (groupLabel === null) {
        groupLabel = `Duration ${base}`;
        variant ??= iv;
      }
    }
  } else {
    labelShort = field.label ?? titleCase(field.name);
  }
  return {
    label: `${viewLabel} ${labelShort}`,
    labelShort,
    viewLabel,
    fieldGroupLabel: groupLabel,
    fieldGroupVariant: variant ?? labelShort,
  };
}

/** Where a project file lives for the IDE: imported files (`//dep/x.lkml`) sit under `imported_projects/dep/`. */
export function projectFilePath(file: string): { project: string | undefined; path: string } {
  if (!file.startsWith('//')) return { project: undefined, path: file };
  const slash = file.indexOf('/', 2);
  if (slash === -1) return { project: undefined, path: file.slice(2) };
  const dep = file.slice(2, slash);
  return { project: dep, path: `imported_projects/${dep}/${file.slice(slash + 1)}` };
}

/** `/projects/<project>/files/<path, slashes escaped>?line=<n>`, as Looker links its IDE. */
export function lookmlLink(linkBase: string, project: string, file: string, line: number): string {
  const { path } = projectFilePath(file);
  return `${linkBase}/projects/${encodeURIComponent(project)}/files/${encodeURIComponent(path)}?line=${line}`;
}
