// An echarts chart drawn with the SVG renderer (so rendered PDFs stay vector), resized with its box.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { chartOptions } from './chart-options.ts';
import type { ResultTable } from './result.ts';
import type { VisType } from './types.ts';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

interface Props {
  table: ResultTable;
  type: VisType;
  label: string;
}

export function Chart({ table, type, label }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => { instance.resize(); });
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(chartOptions(table, type), { notMerge: true });
  }, [table, type]);

  return <div ref={box} className="chart" role="img" aria-label={label} data-testid="vis-chart" data-vis-type={type} />;
}
