// The field picker's tree: views (by view label), each with dimensions (plain or grouped, e.g.
// a dimension group's timeframes), measures, filter-only fields and parameters.
import type { LookmlExplore, LookmlField } from '../looker.ts';

export type PickerItem = { kind: 'field'; field: LookmlField } | { kind: 'group'; key: string; label: string; fields: LookmlField[] };

export interface PickerView {
  label: string;
  dimensions: PickerItem[];
  measures: PickerItem[];
  filters: LookmlField[];
  parameters: LookmlField[];
  count: number;
}

function matches(f: LookmlField, needle: string): boolean {
  if (needle === '') return true;
  const hay = `${f.label} ${f.label_short} ${f.name} ${f.field_group_label ?? ''} ${f.description ?? ''}`.toLowerCase();
  return needle.split(/\s+/).every((w) => hay.includes(w));
}

/** Plain fields stay; fields sharing a dimension group or group label become one group item. */
function grouped(fields: readonly LookmlField[]): PickerItem[] {
  const out: PickerItem[] = [];
  const groups = new Map<string, { kind: 'group'; key: string; label: string; fields: LookmlField[] }>();
  for (const f of fields) {
    const key = f.dimension_group ?? (f.field_group_label !== null && f.field_group_label !== '' ? `${f.view_label}::${f.field_group_label}` : null);
    if (key === null) {
      out.push({ kind: 'field', field: f });
      continue;
    }
    let g = groups.get(key);
    if (!g) {
      g = { kind: 'group', key, label: f.field_group_label ?? f.label_short, fields: [] };
      groups.set(key, g);
      out.push(g);
    }
    g.fields.push(f);
  }
  return out.sort((a, b) => itemLabel(a).localeCompare(itemLabel(b)));
}

export function itemLabel(item: PickerItem): string {
  return item.kind === 'field' ? item.field.label_short : item.label;
}

/** Label of a field inside a group: the timeframe/variant (`Month`), else its short label. */
export function memberLabel(f: LookmlField): string {
  return f.field_group_variant !== null && f.field_group_variant !== '' ? f.field_group_variant : f.label_short;
}

export function pickerViews(explore: LookmlExplore, search: string): PickerView[] {
  const needle = search.trim().toLowerCase();
  const byView = new Map<string, { dims: LookmlField[]; measures: LookmlField[]; filters: LookmlField[]; parameters: LookmlField[] }>();
  const bucket = (f: LookmlField): { dims: LookmlField[]; measures: LookmlField[]; filters: LookmlField[]; parameters: LookmlField[] } => {
    let b = byView.get(f.view_label);
    if (!b) {
      b = { dims: [], measures: [], filters: [], parameters: [] };
      byView.set(f.view_label, b);
    }
    return b;
  };
  const keep = (f: LookmlField): boolean => !f.hidden && matches(f, needle);
  for (const f of explore.fields.dimensions.filter(keep)) bucket(f).dims.push(f);
  for (const f of explore.fields.measures.filter(keep)) bucket(f).measures.push(f);
  for (const f of explore.fields.filters.filter(keep)) bucket(f).filters.push(f);
  for (const f of explore.fields.parameters.filter(keep)) bucket(f).parameters.push(f);
  const views = [...byView.entries()].map(([label, b]): PickerView => ({
    label,
    dimensions: grouped(b.dims),
    measures: grouped(b.measures),
    filters: b.filters,
    parameters: b.parameters,
    count: b.dims.length + b.measures.length + b.filters.length + b.parameters.length,
  }));
  return views.sort((a, b) => a.label.localeCompare(b.label));
}

/** Every field of the explore by name (hidden ones too: a URL may name them). */
export function fieldIndex(explore: LookmlExplore): Map<string, LookmlField> {
  const all = [...explore.fields.dimensions, ...explore.fields.measures, ...explore.fields.filters, ...explore.fields.parameters];
  return new Map(all.map((f) => [f.name, f]));
}
