/**
 * `${…}` references inside LookML SQL, found without touching anything else in the text
 * (Liquid, quotes and comments pass through untouched, as Looker does).
 */

export interface SqlRef {
  /** Offset of `$` in the text. */
  readonly start: number;
  /** Offset just after `}`. */
  readonly end: number;
  /** The reference as written, trimmed: `TABLE`, `id`, `users.id`, `orders.SQL_TABLE_NAME`, `EXTENDED`. */
  readonly ref: string;
}

/** Every `${…}` in `sql`, in order. An unclosed `${` is not a reference (it is left as text). */
export function scanRefs(sql: string): SqlRef[] {
  const refs: SqlRef[] = [];
  let i = sql.indexOf('${');
  while (i !== -1) {
    const close = sql.indexOf('}', i + 2);
    if (close === -1) break;
    refs.push({ start: i, end: close + 1, ref: sql.slice(i + 2, close).trim() });
    i = sql.indexOf('${', close + 1);
  }
  return refs;
}

/** Rebuild `sql` with each reference replaced by `replace(ref)`. */
export function replaceRefs(sql: string, replace: (ref: SqlRef) => string): string {
  const refs = scanRefs(sql);
  if (refs.length === 0) return sql;
  let out = '';
  let last = 0;
  for (const r of refs) {
    out += sql.slice(last, r.start) + replace(r);
    last = r.end;
  }
  return out + sql.slice(last);
}

/** Split `view.field` / `field` into parts; `view` is undefined for local refs. */
export function splitRef(ref: string): { view?: string; field: string } {
  const dot = ref.indexOf('.');
  if (dot === -1) return { field: ref };
  return { view: ref.slice(0, dot), field: ref.slice(dot + 1) };
}
