/**
 * Render tasks of dashboards holding merged-results tiles (merge_result_id), with the unmodified
 * official SDK and Debian's chromium-headless-shell: the PDF shows the merged rows (the dashboard
 * filter's default, or the task's dashboard_filters), the task names the production commit of the
 * sources' project, and the tile alone renders to PNG.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Looker40SDK } from '@looker/sdk';
import { pdfText, pngSize } from '../../src/render/test-pages.ts';
import { startQueryFixture, type QueryFixture } from './support.ts';
import { renderBytes, waitForTask } from './render-support.ts';

const COUNTS = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] };
const AMOUNTS = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.total_amount'], filters: { 'orders.id': '<=30' } };
const BY_STATUS = [{ field_name: 'orders.status', source_field_name: 'orders.status' }];
const usd = (v: unknown): string => `$${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

describe('render tasks of dashboards with merged-results tiles', () => {
  let fx: QueryFixture;
  let admin: Looker40SDK;
  let dashboardId = '';
  let tileId = '';

  /** Count and amount of one status, as the merge joins them (amounts of orders 1..30). */
  const totals = async (status: string): Promise<{ count: string; amount: string }> => {
    const [row] = await fx.direct(`SELECT (SELECT count(*) FROM orders WHERE status = '${status}')::INTEGER AS c,
      (SELECT sum(amount) FROM orders WHERE id <= 30 AND status = '${status}')::DOUBLE AS s`);
    return { count: String(row?.c), amount: usd(row?.s) };
  };

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture('sqlite', 'unused', { connection: true });
    admin = fx.sdk();
    await admin.ok(admin.update_session({ workspace_id: 'production' }));
    const counts = await admin.ok(admin.create_query(COUNTS));
    const amounts = await admin.ok(admin.create_query(AMOUNTS));
    const merge = await admin.ok(admin.create_merge_query({
      source_queries: [{ query_id: counts.id ?? '', name: 'Counts' }, { query_id: amounts.id ?? '', name: 'Amounts', merge_fields: BY_STATUS }],
      sorts: ['orders.status'], vis_config: { type: 'looker_grid' },
    }));
    const board = await admin.ok(admin.create_dashboard({ title: 'Merged Render Board', folder_id: '1' }));
    dashboardId = board.id ?? '';
    await admin.ok(admin.create_dashboard_filter({
      dashboard_id: dashboardId, name: 'Status', title: 'Status', type: 'field_filter', default_value: 'pending', model: 'shop', explore: 'orders', dimension: 'orders.status',
    }));
    const tile = await admin.ok(admin.create_dashboard_element({
      body: {
        dashboard_id: dashboardId, title: 'Counts with amounts', merge_result_id: merge.id ?? '',
        result_maker: { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }] },
      },
    }));
    tileId = tile.id ?? '';
  });

  afterAll(async () => {
    await fx.close();
  });

  it('renders the dashboard to a PDF showing the merged rows for the filter\'s default, from production', async () => {
    const task = await admin.ok(admin.create_dashboard_render_task({ dashboard_id: dashboardId, result_format: 'pdf', width: 1000, height: 700, body: { dashboard_filters: '' } }));
    const done = await waitForTask(admin, task.id ?? '');
    expect(done.status).toBe('success');
    // The merge's sources are queries of the shop model: the render names its production commit.
    expect(done.status_detail).toMatch(/^Rendered from production: shop@[0-9a-f]{12}\.$/);
    const pdf = await renderBytes(admin, done.id ?? '');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    const pending = await totals('pending');
    for (const s of ['Merged Render Board', 'Counts with amounts', 'Status', 'Count', 'Total Amount', 'pending', pending.count, pending.amount]) expect(text).toContain(s);
    expect(text).not.toMatch(/\bcomplete\b/);
  });

  it('applies the task\'s dashboard_filters to the merge tile', async () => {
    const task = await admin.ok(admin.create_dashboard_render_task({ dashboard_id: dashboardId, result_format: 'pdf', width: 1000, height: 700, body: { dashboard_filters: 'Status=complete' } }));
    expect((await waitForTask(admin, task.id ?? '')).status).toBe('success');
    const text = pdfText(await renderBytes(admin, task.id ?? ''));
    const complete = await totals('complete');
    for (const s of ['Counts with amounts', 'complete', complete.count, complete.amount]) expect(text).toContain(s);
    expect(text).not.toContain('pending');
  });

  it('renders the merge tile alone to PNG at the requested size', async () => {
    const task = await admin.ok(admin.create_dashboard_element_render_task(tileId, 'png', 640, 360));
    const done = await waitForTask(admin, task.id ?? '');
    expect([done.status, done.status_detail]).toEqual(['success', expect.stringMatching(/^Rendered from production: shop@[0-9a-f]{12}\.$/)]);
    expect(pngSize(await renderBytes(admin, done.id ?? ''))).toEqual({ width: 640, height: 360 });
  });
});
