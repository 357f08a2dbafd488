/**
 * Issue 8 scale-out: two server nodes on one PostgreSQL metadata DB share the render queue. Tasks
 * made on one node are taken by both (claims use FOR UPDATE SKIP LOCKED, so no task is rendered
 * twice), and either node answers for any task and serves its bytes. The dashboards rendered here
 * have text tiles only, so node B never opens node A's DuckDB warehouse file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import type { RunningServer } from '../../src/api/server.ts';
import { serve } from '../../src/cli/serve.ts';
import { pdfText } from '../../src/render/test-pages.ts';
import { QUERY_ADMIN, startQueryFixture, type QueryFixture } from './support.ts';
import { renderBytes, waitForTask } from './render-support.ts';

const SCHEMA = 'e2e_render_nodes';

function schemaUrl(): string {
  const u = new URL(process.env.OVERLOOK_TEST_PG_URL ?? '');
  u.searchParams.set('options', `-c search_path=${SCHEMA}`);
  return u.toString();
}

describe('two nodes share the render queue on PostgreSQL', () => {
  let fx: QueryFixture;
  let nodeB: RunningServer;
  let onA: Looker40SDK;
  let onB: Looker40SDK;
  const dashboards: string[] = [];

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const saved = process.env.OVERLOOK_RENDER_CONCURRENCY;
    try {
      // Node A renders one at a time, so node B must take its share of a burst.
      process.env.OVERLOOK_RENDER_CONCURRENCY = '1';
      fx = await startQueryFixture('postgres', SCHEMA, { connection: true });
      process.env.OVERLOOK_RENDER_CONCURRENCY = '4';
      nodeB = await serve({ port: 0, host: '127.0.0.1', dataDir: join(fx.root, 'node-b'), databaseUrl: schemaUrl(), adminEnv: QUERY_ADMIN, handleSignals: false, log: () => undefined });
    } finally {
      if (saved === undefined) delete process.env.OVERLOOK_RENDER_CONCURRENCY;
      else process.env.OVERLOOK_RENDER_CONCURRENCY = saved;
    }
    onA = fx.sdk();
    const ini = join(fx.root, 'node-b.ini');
    writeFileSync(ini, `[Looker]\nbase_url=${nodeB.url}\nclient_id=${QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_ID}\nclient_secret=${QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET}\nverify_ssl=false\n`);
    onB = LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
    for (let i = 0; i < 8; i++) {
      const d = await onA.ok(onA.create_dashboard({ title: `Node board ${i}`, folder_id: '1' }));
      await onA.ok(onA.create_dashboard_element({ body: { dashboard_id: d.id ?? '', title_text: `Note ${i}`, body_text: `NODEMARK${i} rendered text.` } }));
      dashboards.push(d.id ?? '');
    }
  });

  afterAll(async () => {
    await nodeB.close();
    await fx.close();
  });

  it('renders a burst made on node A on both nodes, each task once, served by either node', async () => {
    const made = await Promise.all(dashboards.map((id) => onA.ok(onA.create_dashboard_render_task({ dashboard_id: id, result_format: 'pdf', width: 700, height: 400, body: {} }))));
    const done = await Promise.all(made.map((t) => waitForTask(onB, t.id ?? '')));
    expect(done.map((t) => t.status)).toEqual(Array(8).fill('success'));
    for (const [i, t] of made.entries()) {
      const text = pdfText(await renderBytes(i % 2 === 0 ? onA : onB, t.id ?? ''));
      expect(text).toContain(`NODEMARK${i} rendered text.`);
      expect(text).toContain(`Node board ${i}`);
    }
    const client = new pg.Client({ connectionString: schemaUrl() });
    await client.connect();
    try {
      const rows = await client.query<{ node_id: string; n: string; attempts: string }>(
        'SELECT node_id, count(*) AS n, max(attempts) AS attempts FROM render_tasks WHERE id = ANY($1) GROUP BY node_id', [made.map((t) => t.id)],
      );
      expect(rows.rows).toHaveLength(2);
      expect(rows.rows.reduce((sum, r) => sum + Number(r.n), 0)).toBe(8);
      expect(rows.rows.map((r) => Number(r.attempts))).toEqual([1, 1]);
    } finally {
      await client.end();
    }
  });
});
