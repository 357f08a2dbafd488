// Draws a result as the chosen visualization: table, single value or an echarts chart (its code
// loads on first use, see lazy-chart.ts).
import { DataTable } from './DataTable.tsx';
import { useChartModule } from './lazy-chart.ts';
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
  return <LazyChart table={table} type={type} label={`${title ?? 'Chart'}: ${table.rows.length} rows`} />;
}

function LazyChart({ table, type, label }: { table: ResultTable; type: VisType; label: string }) {
  const load = useChartModule(true);
  if (load.state === 'error') return <p className="error small" role="alert">The chart could not be loaded: {load.message}</p>;
  if (load.state !== 'ready') return <div className="chart" role="status" aria-busy="true" aria-label={label} />;
  const { Chart } = load.module;
  return <Chart table={table} type={type} label={label} />;
}
