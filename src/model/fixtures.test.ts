/** The hand-written projects in test/fixtures/projects, read from disk as the CLI will. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLookml } from '../lookml/parser.ts';
import { buildProject } from './index.ts';
import { validateProject } from './validate.ts';
import type { Project } from './types.ts';

const ROOT = fileURLToPath(new URL('../../test/fixtures/projects/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function load(name: string): Project {
  const dir = join(ROOT, name);
  const paths = walk(dir).map((p) => relative(dir, p).split('\\').join('/'));
  const files = paths.filter((p) => p.endsWith('.lkml')).map((p) => parseLookml(readFileSync(join(dir, p), 'utf8'), p));
  return buildProject(files, { otherPaths: paths.filter((p) => p.endsWith('.lookml')) });
}

describe('fixture projects', () => {
  it.each(['extends_refinements', 'liquid_params', 'ndt_and_pdt'])('%s validates clean', (name) => {
    expect(validateProject(load(name))).toEqual([]);
  });

  it('extends_refinements resolves as its README says', () => {
    const m = load('extends_refinements').models.thelook!;
    const orders = m.views.orders!;
    expect(orders.label).toBe('Orders (b)');
    expect(orders.fields.find((f) => f.name === 'status')!.label).toBe('Status A');
    expect(orders.fields.map((f) => f.name)).toContain('is_big');
    for (const v of ['orders', 'users', 'vip_users']) {
      expect(m.views[v]!.fields.find((f) => f.name === 'count')!.label).toBe('Number of rows');
    }
    expect(m.views.vip_users!.fields.find((f) => f.name === 'name')!.sql).toBe(
      "UPPER(${TABLE}.first_name || ' ' || ${TABLE}.last_name)",
    );
    const e = m.explores.orders!;
    expect([e.view, e.label, e.joins.map((j) => [j.name, j.type])]).toEqual(['orders', 'All orders', [['users', 'inner']]]);
    expect(m.weekStartDay).toBe('sunday');
  });

  it('ndt_and_pdt records the included dashboard', () => {
    expect(load('ndt_and_pdt').models.ecommerce!.dashboards).toEqual(['dashboards/overview.dashboard.lookml']);
  });

  it('seeded_errors reports exactly the errors its README lists', () => {
    const readme = readFileSync(join(ROOT, 'seeded_errors', 'README.md'), 'utf8');
    const expected = [...readme.matchAll(/^- `([^`]+):(\d+):(\d+)` (error|warning) `([^`]+)`/gm)].map((m) => [
      m[1], Number(m[2]), Number(m[3]), m[4], m[5],
    ]);
    expect(expected.length).toBe(21);
    const actual = validateProject(load('seeded_errors')).map((d) => [d.file, d.line, d.column, d.severity, d.code]);
    expect(actual).toEqual(expected);
  });
});
