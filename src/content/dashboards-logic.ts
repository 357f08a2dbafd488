/**
 * The pure parts of dashboards, shared by user-defined and LookML dashboards and by the renderer:
 * how dashboard filter values reach element queries (`listen`), where a new tile goes, copy titles,
 * refresh intervals and text-tile Markdown.
 */
import type { CanonicalQuery } from '../queries/canonical.ts';

/** One `listen` entry: the element filters `field` with the value of dashboard filter `dashboard_filter_name`. */
export interface ListenEntry {
  readonly dashboard_filter_name: string;
  readonly field: string;
}

export interface FilterDefault {
  readonly name: string;
  readonly default_value: string | null;
}

/** An element as far as filtering goes: its own query and what it listens to. */
export interface ListeningElement {
  readonly query: CanonicalQuery;
  readonly listen: readonly ListenEntry[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Listen entries from a DashboardElement's `result_maker` (`filterables[].listen[]`), malformed ones dropped. */
export function listenFromResultMaker(resultMaker: unknown): ListenEntry[] {
  if (!isRecord(resultMaker) || !Array.isArray(resultMaker.filterables)) return [];
  const out: ListenEntry[] = [];
  for (const filterable of resultMaker.filterables) {
    if (!isRecord(filterable) || !Array.isArray(filterable.listen)) continue;
    for (const l of filterable.listen) {
      if (!isRecord(l) || typeof l.dashboard_filter_name !== 'string' || typeof l.field !== 'string') continue;
      if (l.dashboard_filter_name === '' || l.field === '') continue;
      out.push({ dashboard_filter_name: l.dashboard_filter_name, field: l.field });
    }
  }
  return out;
}

/**
 * A LookML element's `listen:` map: `Filter Name: view.field`, or (newer form) `Filter Name: {field: view.field}`.
 */
export function listenFromLookml(listen: unknown): ListenEntry[] {
  if (!isRecord(listen)) return [];
  const out: ListenEntry[] = [];
  for (const [name, target] of Object.entries(listen)) {
    const field = typeof target === 'string' ? target : isRecord(target) && typeof target.field === 'string' ? target.field : null;
    if (field !== null && field !== '') out.push({ dashboard_filter_name: name, field });
  }
  return out;
}

/**
 * The values a dashboard runs with: each filter's default value, replaced by the value given for
 * it (the UI's or a render task's `dashboard_filters`). Names the dashboard has no filter for are ignored.
 */
export function resolveFilterValues(filters: readonly FilterDefault[], given: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of filters) {
    const value = Object.hasOwn(given, f.name) ? given[f.name] : f.default_value;
    if (value !== undefined && value !== null) out[f.name] = value;
  }
  return out;
}

/** `dashboard_filters` in URL query format (`Date=last 7 days&Country=US%2CCA`), as render tasks take them. */
export function parseDashboardFilters(text: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === null || text === undefined || text.trim() === '') return out;
  for (const [k, v] of new URLSearchParams(text.startsWith('?') ? text.slice(1) : text)) out[k] = v;
  return out;
}

/**
 * The element's query with the dashboard's filter values applied, as Looker runs a tile: for every
 * listen entry whose dashboard filter has a non-empty value, `filters[field]` becomes that value
 * (replacing the tile's own filter on the field); an empty value means "is any value", so the tile's
 * own filter stays. When two filters feed one field, the later listen entry wins.
 * `dashboardFilterValues` are by filter name, typically from `resolveFilterValues`.
 */
export function elementQueryWithFilters(element: ListeningElement, dashboardFilterValues: Readonly<Record<string, string>>): CanonicalQuery {
  const filters: Record<string, string> = { ...(element.query.filters ?? {}) };
  let changed = false;
  for (const l of element.listen) {
    const value = dashboardFilterValues[l.dashboard_filter_name];
    if (value === undefined || value.trim() === '') continue;
    filters[l.field] = value;
    changed = true;
  }
  if (!changed) return element.query;
  const sorted = Object.fromEntries(Object.entries(filters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { ...element.query, filters: sorted };
}

/** Renames a dashboard filter in listen entries (a filter's new name keeps its tiles listening). */
/**
 * The listeners that apply to one source query of a merged-results tile: those on a field of its
 * explore's base view, among its fields, or among its filters.
 */
export function listenForQuery(query: Pick<CanonicalQuery, 'view' | 'fields' | 'filters'>, listen: readonly ListenEntry[]): ListenEntry[] {
  return listen.filter((l) => l.field.split('.')[0] === query.view || query.fields.includes(l.field) || Object.hasOwn(query.filters ?? {}, l.field));
}

export function renameListen(listen: readonly ListenEntry[], from: string, to: string): ListenEntry[] {
  return listen.map((l) => (l.dashboard_filter_name === from ? { ...l, dashboard_filter_name: to } : l));
}

export interface Placement {
  readonly row: number;
  readonly column: number;
  readonly width: number;
  readonly height: number;
}

/** Looker's newspaper layout is 24 columns wide; a new tile is 8×6. */
export const NEWSPAPER_COLUMNS = 24;
export const DEFAULT_TILE: Readonly<{ width: number; height: number }> = { width: 8, height: 6 };

function overlaps(a: Placement, b: Placement): boolean {
  return a.column < b.column + b.width && b.column < a.column + a.width && a.row < b.row + b.height && b.row < a.row + a.height;
}

/**
 * Where a new tile goes: the first free slot scanning rows top to bottom and columns left to right
 * (in steps of the tile's width), so tiles fill the 24-column grid as the Looker UI packs them.
 */
export function nextPlacement(existing: readonly Placement[], size: { width: number; height: number } = DEFAULT_TILE): Placement {
  const width = Math.min(Math.max(1, size.width), NEWSPAPER_COLUMNS);
  const height = Math.max(1, size.height);
  const bottom = existing.reduce((max, p) => Math.max(max, p.row + p.height), 0);
  for (let row = 0; row <= bottom; row++) {
    for (let column = 0; column + width <= NEWSPAPER_COLUMNS; column += width) {
      const candidate = { row, column, width, height };
      if (!existing.some((p) => overlaps(candidate, p))) return candidate;
    }
  }
  return { row: bottom, column: 0, width, height };
}

/** Looker's copy naming: `T (copy)`, then `T (copy 2)`, `T (copy 3)`… among titles already in the folder. */
export function copyTitle(title: string, taken: readonly string[]): string {
  const used = new Set(taken.map((t) => t.toLowerCase()));
  if (!used.has(title.toLowerCase())) return title;
  if (!used.has(`${title} (copy)`.toLowerCase())) return `${title} (copy)`;
  for (let n = 2; ; n++) {
    const candidate = `${title} (copy ${n})`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

const UNIT_MS: Readonly<Record<string, number>> = {
  second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000,
};

/**
 * `refresh_interval` as milliseconds: a phrase like "2 hours 30 minutes", or a bare number of
 * seconds. Null when empty or unreadable.
 */
export function refreshIntervalMs(text: string | null | undefined): number | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)\s*(second|minute|hour|day|week)s?\b/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    matched += m[0];
  }
  if (matched === '' || t.replace(re, '').replace(/[\s,]|and/g, '') !== '') return null;
  return Math.round(total);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function inline(s: string): string {
  return escapeHtml(s)
    .replace(/\[([^\]]+)\]\(((?:https?:\/\/|\/)[^)\s]*)\)/g, (_m, label: string, url: string) => `<a href="${url}">${label}</a>`)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*]+)\*/g, '$1<em>$2</em>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

/**
 * Text tiles' Markdown as HTML (`body_text_as_html`): paragraphs, `#` headings, `-`/`*` lists,
 * bold, italics, code and http(s)/relative links. Everything else is escaped, so no markup the
 * author typed reaches the page as HTML.
 */
export function markdownHtml(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((b) => b.trim()).filter((b) => b !== '');
  return blocks.map((block) => {
    const heading = /^(#{1,6})\s+(.*)$/.exec(block);
    if (heading && !block.includes('\n')) {
      const level = heading[1]?.length ?? 1;
      return `<h${level}>${inline(heading[2] ?? '')}</h${level}>`;
    }
    const lines = block.split('\n');
    if (lines.every((l) => /^\s*[-*]\s+/.test(l))) {
      return `<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*]\s+/, ''))}</li>`).join('')}</ul>`;
    }
    return `<p>${lines.map(inline).join('<br>')}</p>`;
  }).join('\n');
}
