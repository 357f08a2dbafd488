/**
 * Looker's search semantics (search_dashboards and friends) over plain rows: string params match
 * case-insensitively with SQL LIKE wildcards (`%`, `_`), integer params take comma-separated
 * alternatives, booleans "true"/"false", and "IS NULL" / "NOT NULL" test for null; params AND
 * together unless `filter_or`. Sorts are `name [asc|desc]` lists; limit/offset (or page/per_page).
 * Content is small (thousands of rows), so this runs in memory after access filtering.
 */
import { ContentError } from './errors.ts';

export type SearchKind = 'string' | 'integer' | 'boolean';
export type SearchRow = Readonly<Record<string, unknown>>;

export interface SearchSpec {
  /** Param name → how its value matches the row member of the same name. */
  readonly params: Readonly<Record<string, SearchKind>>;
  /** Members `sorts` may name. */
  readonly sortable: readonly string[];
}

export interface SearchOptions {
  readonly [param: string]: unknown;
  readonly filter_or?: unknown;
  readonly sorts?: unknown;
  readonly limit?: unknown;
  readonly offset?: unknown;
  readonly page?: unknown;
  readonly per_page?: unknown;
}

function likeRegex(pattern: string): RegExp {
  const body = Array.from(pattern).map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

function nullTest(value: string): 'null' | 'not_null' | null {
  const v = value.trim().toUpperCase();
  return v === 'IS NULL' ? 'null' : v === 'NOT NULL' ? 'not_null' : null;
}

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** One param's test against a row value; throws `invalid` on a malformed value. */
function matcher(name: string, kind: SearchKind, raw: string): (value: unknown) => boolean {
  const nt = nullTest(raw);
  if (nt !== null) return (value) => (nt === 'null' ? value === null || value === undefined : value !== null && value !== undefined);
  if (kind === 'boolean') {
    const v = raw.trim().toLowerCase();
    if (v !== 'true' && v !== 'false') throw new ContentError('invalid', `${name} must be true or false.`, name);
    return (value) => (value === true) === (v === 'true');
  }
  if (kind === 'integer') {
    const wanted = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    return (value) => {
      const v = text(value);
      return v !== null && wanted.includes(v);
    };
  }
  const re = likeRegex(raw);
  return (value) => typeof value === 'string' && re.test(value);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  const as = text(a) ?? '';
  const bs = text(b) ?? '';
  // Ids are strings of integers: compare them as numbers.
  if (/^\d+$/.test(as) && /^\d+$/.test(bs)) return Number(as) - Number(bs);
  return as.toLowerCase() < bs.toLowerCase() ? -1 : as.toLowerCase() > bs.toLowerCase() ? 1 : 0;
}

function nonNegative(v: unknown, name: string): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ContentError('invalid', `${name} must be a non-negative integer.`, name);
  return n;
}

/** The rows matching `options`, sorted and paged. */
export function searchRows<T>(rows: readonly T[], row: (item: T) => SearchRow, spec: SearchSpec, options: SearchOptions): T[] {
  const tests: ((r: SearchRow) => boolean)[] = [];
  for (const [name, kind] of Object.entries(spec.params)) {
    const raw = text(options[name]);
    if (raw === null || raw === '') continue;
    const test = matcher(name, kind, raw);
    tests.push((r) => test(r[name]));
  }
  const any = options.filter_or === true || options.filter_or === 'true';
  let out = rows.filter((item) => {
    if (tests.length === 0) return true;
    const r = row(item);
    return any ? tests.some((t) => t(r)) : tests.every((t) => t(r));
  });
  const sorts = text(options.sorts);
  if (sorts !== null && sorts.trim() !== '') {
    const keys = sorts.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
      const [member = '', dir = 'asc'] = s.split(/\s+/);
      if (!spec.sortable.includes(member)) throw new ContentError('invalid', `Cannot sort by "${member}". Sortable: ${spec.sortable.join(', ')}.`, 'sorts');
      if (dir.toLowerCase() !== 'asc' && dir.toLowerCase() !== 'desc') throw new ContentError('invalid', `Sort direction must be asc or desc, not "${dir}".`, 'sorts');
      return { member, sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
    });
    out = [...out].sort((a, b) => {
      const ra = row(a);
      const rb = row(b);
      for (const k of keys) {
        const c = compare(ra[k.member], rb[k.member]);
        if (c !== 0) return c * k.sign;
      }
      return 0;
    });
  }
  const limit = nonNegative(options.limit, 'limit');
  const offset = nonNegative(options.offset, 'offset');
  if (limit !== null || offset !== null) {
    const start = offset ?? 0;
    return out.slice(start, limit === null ? undefined : start + limit);
  }
  const perPage = nonNegative(options.per_page, 'per_page');
  const page = nonNegative(options.page, 'page');
  if (perPage !== null) {
    const start = Math.max(0, (page ?? 1) - 1) * perPage;
    return out.slice(start, start + perPage);
  }
  return out;
}
