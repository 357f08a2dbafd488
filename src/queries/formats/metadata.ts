/**
 * Pieces json_detail and json_bi share: fields split by category, sort markers, the result
 * id, and Looker's spellings of times.
 */
import { createHash } from 'node:crypto';
import { fieldName } from './render.ts';
import type { FieldMeta, QueryEcho } from './types.ts';

export interface SplitFields {
  readonly dimensions: readonly FieldMeta[];
  readonly measures: readonly FieldMeta[];
}

/** Measures by `category`; everything else (dimensions, filters, parameters) is a dimension. */
export function splitFields(fields: readonly FieldMeta[]): SplitFields {
  const dimensions: FieldMeta[] = [];
  const measures: FieldMeta[] = [];
  for (const f of fields) (f.category === 'measure' ? measures : dimensions).push(f);
  return { dimensions, measures };
}

export interface SortMark {
  readonly sort_index: number;
  readonly desc: boolean;
}

/**
 * `sorted` markers json_detail puts on sorted fields: the query's sorts, else the sorts
 * Looker added (`added_params.sorts`). `"orders.count desc 0"` → orders.count, descending.
 */
export function sortMarks(query: QueryEcho, added?: readonly string[]): Map<string, SortMark> {
  const sorts = query.sorts && query.sorts.length > 0 ? query.sorts : (added ?? []);
  const out = new Map<string, SortMark>();
  sorts.forEach((s, i) => {
    const [name, dir] = s.trim().split(/\s+/);
    if (name !== undefined && name !== '' && !out.has(name)) out.set(name, { sort_index: i, desc: dir?.toLowerCase() === 'desc' });
  });
  return out;
}

/** Looker's result id is a 32-hex string; without one from the caller, derive it from the SQL. */
export function defaultResultId(sql: string | null | undefined): string {
  return createHash('md5').update(sql ?? '').digest('hex');
}

/** `runtime` as Looker sends it: seconds with three decimals, as a string ("0.900"). */
export function runtimeText(seconds: number | undefined): string {
  return (seconds !== undefined && Number.isFinite(seconds) ? Math.max(0, seconds) : 0).toFixed(3);
}

/** `ran_at` as Looker sends it: `2020-05-13T04:07:56+00:00`. */
export function ranAtText(ranAt: Date | string | undefined): string {
  if (typeof ranAt === 'string') return ranAt;
  const d = ranAt ?? new Date();
  return `${d.toISOString().slice(0, 19)}+00:00`;
}

/** `order_items` → "Order Items" (the default explore label). */
export function titleCase(name: string): string {
  return name
    .split(/[_\s]+/)
    .filter((w) => w !== '')
    .map((w) => (w.toLowerCase() === 'id' ? 'ID' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

/** The effective row limit: absent → 500 (Looker's default), negative → none. */
export function effectiveLimit(limit: QueryEcho['limit']): number | null {
  if (limit === null || limit === undefined || String(limit).trim() === '') return 500;
  const n = Number(limit);
  if (!Number.isFinite(n)) return 500;
  return n < 0 ? null : Math.floor(n);
}

export function byName(fields: readonly FieldMeta[]): Map<string, FieldMeta> {
  return new Map(fields.map((f) => [fieldName(f), f]));
}
