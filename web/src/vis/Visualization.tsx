// Draws a result as the chosen visualization: table, single value or an echarts chart.
import { Chart } from './Chart.tsx';
import { DataTable } from './DataTable.tsx';
import type { ResultTable } from './result.ts';
import { SingleValue } from './SingleValue.tsx';
import type { VisType } from './types.ts';

interface Props {
  table: ResultTable;
  type: VisType;
  title?: string | null;
  onSort?: (field: string, additive: boolean) => void;
}

export function Visualization({ table, type, title, onSort }: Props) {
  if (type === 'looker_grid') return <DataTable table={table} {...(onSort ? { onSort } : {})} {...(title ? { caption: title } : {})} />;
  if (type === 'single_value') return <SingleValue table={table} />;
  if (table.rows.length === 0) return <p className="muted" data-testid="results-empty">No results.</p>;
  return <Chart table={table} type={type} label={`${title ?? 'Chart'}: ${table.rows.length} rows`} />;
}
