/**
 * Post-SQL measures (`percent_of_total`, `percent_of_previous`, `running_total`): Looker computes
 * them from the result rows, after the database has answered, over the rows returned.
 */
import type { CompiledField } from './query.ts';

type Row = Record<string, unknown>;

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Returns new rows with post-SQL columns filled in; other columns are untouched. Keys are column aliases. */
export function applyPostSql(rows: readonly Row[], fields: readonly CompiledField[], keyOf: (f: CompiledField) => string): Row[] {
  const post = fields.filter((f) => f.postSql);
  if (post.length === 0) return rows.map((r) => ({ ...r }));
  const out = rows.map((r) => ({ ...r }));
  for (const f of post) {
    const key = keyOf(f);
    const values = out.map((r) => toNumber(r[key]));
    switch (f.postSql!.kind) {
      case 'percent_of_total': {
        const total = values.reduce<number>((s, v) => s + (v ?? 0), 0);
        out.forEach((r, i) => {
          const v = values[i];
          r[key] = v === null || v === undefined || total === 0 ? null : (100 * v) / total;
        });
        break;
      }
      case 'running_total': {
        let sum = 0;
        out.forEach((r, i) => {
          sum += values[i] ?? 0;
          r[key] = sum;
        });
        break;
      }
      case 'percent_of_previous': {
        out.forEach((r, i) => {
          const prev = i > 0 ? values[i - 1] : null;
          const v = values[i];
          r[key] = prev === null || prev === undefined || prev === 0 || v === null || v === undefined ? null : (100 * (v - prev)) / prev;
        });
        break;
      }
      default:
        break;
    }
  }
  return out;
}
