/**
 * The `overlook` command as a user runs it: a real process, real files, real DuckDB.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver } from '../../src/connections/registry.ts';
import { SHOP_FILES } from '../../src/sql/test-fixture.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/overlook.js');
const run = promisify(execFile);

async function overlook(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let work: string;
let shopDir: string;
let duckFile: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'overlook-cli-'));
  shopDir = join(work, 'shop');
  for (const [path, text] of Object.entries(SHOP_FILES)) {
    await mkdir(dirname(join(shopDir, path)), { recursive: true });
    await writeFile(join(shopDir, path), text);
  }
  duckFile = join(work, 'data.duckdb');
  const driver = createDriver({ dialect_name: 'duckdb', database: duckFile, max_connections: 1 });
  for (const stmt of [
    'CREATE SCHEMA shop',
    'CREATE TABLE shop.orders (id INTEGER, user_id INTEGER, status VARCHAR, shipping DOUBLE, created_at TIMESTAMP)',
    `INSERT INTO shop.orders VALUES (1, 1, 'complete', 10, TIMESTAMP '2024-01-02 03:04:05'), (2, 1, 'complete', 5, TIMESTAMP '2024-02-01 00:00:00'), (3, 2, 'shipped', 1, TIMESTAMP '2024-02-03 00:00:00')`,
  ]) await driver.run(stmt);
  await driver.close();
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('overlook validate', () => {
  it('reports every seeded error with file:line:column and exits 1', async () => {
    const r = await overlook('validate', 'test/fixtures/projects/seeded_errors', '--format', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { valid: boolean; errors: { file: string; line: number; column: number; code: string }[]; warnings: unknown[] };
    expect(out.valid).toBe(false);
    expect(out.errors).toHaveLength(20);
    expect(out.warnings).toHaveLength(1);
    expect(out.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.code}`)).toContain('views/orders.view.lkml:32:10 model/unknown-reference');
    expect(out.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.code}`)).toContain('shop.model.lkml:12:53 model/view-not-joined');
  });

  it('reports syntax errors in text form and keeps reading after them', async () => {
    const r = await overlook('validate', 'test/fixtures/projects/syntax_errors');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      `orders.view.lkml:11:12: error lookml/unterminated-string: String not closed: add a closing "`,
      "orders.view.lkml:14:3: error lookml/missing-colon: Expected ':' after 'dimension'",
      "orders.view.lkml:24:5: error lookml/unterminated-sql: SQL block for 'sql' not terminated with ';;': add ';;' after the SQL",
    ]);
    expect(r.stdout).toMatch(/LookML has errors: 3 errors, 0 warnings/);
  });

  it('ends quietly when the reader closes the pipe early (`| head`)', async () => {
    const child = spawn(process.execPath, [bin, 'validate', 'test/fixtures/projects/seeded_errors'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    // Nobody reads: the first write finds the pipe closed (EPIPE).
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const [code] = await once(child, 'exit') as [number | null];
    expect(stderr).toBe('');
    // Still the validation's answer: the project has errors.
    expect(code).toBe(1);
  });

  it('accepts clean projects with exit 0', async () => {
    for (const dir of ['extends_refinements', 'liquid_params', 'ndt_and_pdt']) {
      const r = await overlook('validate', `test/fixtures/projects/${dir}`);
      expect([dir, r.code, r.stdout.trim().split('\n').pop()]).toEqual([dir, 0, expect.stringMatching(/^LookML is valid: 0 errors, 0 warnings/)]);
    }
  });

  it('tells the user when the folder does not exist', async () => {
    const r = await overlook('validate', 'no/such/dir');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Folder 'no/such/dir' does not exist.");
  });
});

describe('overlook sql', () => {
  it('prints SQL for the chosen dialect', async () => {
    const r = await overlook('sql', shopDir, '--model', 'shop', '--explore', 'orders', '--fields', 'orders.status,orders.count', '--dialect', 'bigquery_standard_sql', '--limit', '5');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('COUNT(*) AS `orders_count`');
    expect(r.stdout.trim().endsWith('LIMIT 5')).toBe(true);
  });

  it('runs the query on a DuckDB file', async () => {
    const r = await overlook('sql', shopDir, '--model', 'shop', '--explore', 'orders', '--fields', 'orders.status,orders.count,orders.total_shipping',
      '--filters', '{"orders.created_date": "2024-01-01 to 2024-03-01"}', '--sorts', 'orders.status', '--run', '--duckdb', duckFile, '--format', 'json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([
      { 'orders.status': 'complete', 'orders.count': 2, 'orders.total_shipping': 15 },
      { 'orders.status': 'shipped', 'orders.count': 1, 'orders.total_shipping': 1 },
    ]);
  });

  it('explains a bad field and exits 1', async () => {
    const r = await overlook('sql', shopDir, '--model', 'shop', '--explore', 'orders', '--fields', 'orders.nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Error: Unknown field 'orders.nope' in explore 'orders'.");
  });
});
