// One big number: the first measure of the first row (or the first cell when there is no measure).
import type { ResultTable } from './result.ts';

export function SingleValue({ table }: { table: ResultTable }) {
  const idx = Math.max(0, table.columns.findIndex((c) => c.kind === 'measure'));
  const col = table.columns[idx];
  const cell = table.rows[0]?.[idx];
  return (
    <div className="single-value" data-testid="single-value">
      <div className="single-value-number">{cell?.text ?? '∅'}</div>
      {col && <div className="single-value-label">{col.label}</div>}
    </div>
  );
}
