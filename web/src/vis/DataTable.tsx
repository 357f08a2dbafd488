// The results table. With `onSort`, column headers are buttons that sort by that field
// (Shift adds a secondary sort). Row totals of a pivoted query are columns headed "Row Total";
// totals (`total: true`) are a last row, in the table's footer.
import type { ResultTable } from './result.ts';

interface Props {
  table: ResultTable;
  onSort?: (field: string, additive: boolean) => void;
  caption?: string;
}

function arrow(sort: 'asc' | 'desc' | null): string {
  return sort === 'asc' ? ' ▲' : sort === 'desc' ? ' ▼' : '';
}

export function DataTable({ table, onSort, caption }: Props) {
  if (table.rows.length === 0) return <p className="muted" data-testid="results-empty">No results.</p>;
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="results-table">
        {caption !== undefined && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            <th scope="col" className="row-num" aria-label="Row number" />
            {table.columns.map((c) => {
              const sortState = c.sort === 'asc' ? 'ascending' : c.sort === 'desc' ? 'descending' : 'none';
              const text = (
                <>
                  {c.pivotLabel !== null && <span className="pivot-label">{c.pivotLabel}</span>}
                  <span>{c.label}{arrow(c.sort)}</span>
                </>
              );
              return (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={sortState}>
                  {onSort ? (
                    <button type="button" className="sort-button" data-testid={`sort-${c.field}`}
                      title="Sort (Shift: add to the sort)"
                      onClick={(e) => { onSort(c.field, e.shiftKey); }}>{text}</button>
                  ) : text}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, r) => (
            <tr key={r}>
              <td className="row-num">{r + 1}</td>
              {row.map((cell, i) => {
                const col = table.columns[i];
                return <td key={col?.key ?? i} className={`${col?.numeric === true ? 'num' : ''}${cell.value === null ? ' null' : ''}`}>{cell.text}</td>;
              })}
            </tr>
          ))}
        </tbody>
        {table.totals !== null && (
          <tfoot>
            <tr className="totals-row" data-testid="results-totals">
              <th scope="row" className="row-num">Totals</th>
              {table.totals.map((cell, i) => {
                const col = table.columns[i];
                return <td key={col?.key ?? i} className={`${col?.numeric === true ? 'num' : ''}${cell.value === null ? ' null' : ''}`} style={{ fontWeight: 600 }}>{cell.text}</td>;
              })}
            </tr>
          </tfoot>
        )}
      </table>
      {table.truncated && <p className="muted small">Row limit reached: more rows may exist.</p>}
    </div>
  );
}
