// The visualizations the UI draws, by Looker vis_config.type.

export const VIS_TYPES = [
  { type: 'looker_column', label: 'Column' },
  { type: 'looker_bar', label: 'Bar' },
  { type: 'looker_line', label: 'Line' },
  { type: 'looker_area', label: 'Area' },
  { type: 'looker_pie', label: 'Pie' },
  { type: 'single_value', label: 'Single value' },
  { type: 'looker_grid', label: 'Table' },
] as const;

export type VisType = (typeof VIS_TYPES)[number]['type'];

const ALIASES: Readonly<Record<string, VisType>> = {
  table: 'looker_grid', looker_grid: 'looker_grid', looker_table: 'looker_grid', single_value: 'single_value',
  bar: 'looker_bar', column: 'looker_column', line: 'looker_line', area: 'looker_area', pie: 'looker_pie', looker_donut_multiples: 'looker_pie',
  looker_bar: 'looker_bar', looker_column: 'looker_column', looker_line: 'looker_line', looker_area: 'looker_area', looker_pie: 'looker_pie',
  looker_scatter: 'looker_line', looker_single_record: 'looker_grid',
};

/** A known vis type for any `vis_config.type` (unknown ones draw as a table). */
export function visType(raw: unknown): VisType {
  if (typeof raw !== 'string') return 'looker_grid';
  return ALIASES[raw] ?? 'looker_grid';
}

/** `vis=` of an explore URL: a type name, or Looker's JSON `{"type": …}`. */
export function visFromParam(param: string | null): VisType | null {
  if (param === null || param === '') return null;
  if (param.trim().startsWith('{')) {
    try {
      const parsed = JSON.parse(param) as { type?: unknown };
      return visType(parsed.type);
    } catch {
      return null;
    }
  }
  return visType(param);
}
