// A result table → echarts options for the bar/column/line/area/pie visualizations.
import type { ResultTable } from './result.ts';
import type { VisType } from './types.ts';

export const PALETTE = ['#3b6fd4', '#e07b39', '#3aa17e', '#c44e8a', '#8a6bd1', '#d6b13d', '#4fa3c7', '#9c6b4e', '#6b8e23', '#b04a4a'];

function num(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

/** Category labels: the non-measure columns of each row, joined. */
function categories(table: ResultTable): string[] {
  const dims = table.columns.map((c, i) => (c.kind === 'dimension' ? i : -1)).filter((i) => i >= 0);
  return table.rows.map((row) => (dims.length === 0 ? '' : dims.map((i) => row[i]?.text ?? '').join(' · ')));
}

function seriesName(table: ResultTable, i: number): string {
  const c = table.columns[i]!;
  const multiMeasure = new Set(table.columns.filter((x) => x.kind === 'measure').map((x) => x.field)).size > 1;
  if (c.pivotLabel === null) return c.label;
  return multiMeasure ? `${c.pivotLabel} · ${c.label}` : c.pivotLabel;
}

export function chartOptions(table: ResultTable, type: VisType): Record<string, unknown> {
  const cats = categories(table);
  const measures = table.columns.map((c, i) => (c.kind === 'measure' ? i : -1)).filter((i) => i >= 0);
  const base = { animation: false, color: PALETTE, textStyle: { fontFamily: 'system-ui, sans-serif' } };
  if (type === 'looker_pie') {
    const m = measures[0] ?? 0;
    return {
      ...base,
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', bottom: 0 },
      series: [{
        type: 'pie', radius: ['0%', '68%'], center: ['50%', '46%'],
        data: table.rows.map((row, r) => ({ name: cats[r] ?? '', value: num(row[m]?.value) ?? 0 })),
        label: { formatter: '{b}: {d}%' },
      }],
    };
  }
  const horizontal = type === 'looker_bar';
  const kind = type === 'looker_line' || type === 'looker_area' ? 'line' : 'bar';
  const series = measures.map((m) => ({
    type: kind,
    name: seriesName(table, m),
    data: table.rows.map((row) => num(row[m]?.value)),
    ...(type === 'looker_area' ? { areaStyle: { opacity: 0.35 }, stack: 'total' } : {}),
    ...(kind === 'line' ? { showSymbol: table.rows.length <= 40 } : {}),
  }));
  const category = { type: 'category', data: cats, axisLabel: { hideOverlap: true }, ...(horizontal ? { inverse: true } : {}) };
  const value = { type: 'value', splitLine: { lineStyle: { color: '#e6e8ec' } } };
  return {
    ...base,
    tooltip: { trigger: 'axis' },
    legend: series.length > 1 ? { type: 'scroll', top: 0 } : { show: false },
    grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? category : value,
    series,
  };
}
