import { describe, expect, it } from 'vitest';
import { build } from './test-util.ts';

describe('manifest and constants', () => {
  const manifest = [
    'project_name: "shop"',
    'constant: CONN { value: "warehouse" }',
    'constant: SCHEMA { value: "analytics" export: override_optional }',
    'constant: TABLE_PREFIX { value: "@{SCHEMA}.fct_" }',
    'remote_dependency: blocks { url: "https://example.com/blocks.git" ref: "v1" }',
  ];

  it('reads the manifest', () => {
    const p = build({ 'manifest.lkml': manifest });
    expect(p.manifest).toEqual({
      projectName: 'shop',
      constants: {
        CONN: { value: 'warehouse' },
        SCHEMA: { value: 'analytics', export: 'override_optional' },
        TABLE_PREFIX: { value: '@{SCHEMA}.fct_' },
      },
      localDependencies: [],
      remoteDependencies: [{ name: 'blocks', url: 'https://example.com/blocks.git', ref: 'v1' }],
    });
    expect(build({ 'manifest.lkml': manifest }, { projectName: 'other' }).manifest.projectName).toBe('other');
  });

  it('substitutes @{NAME} in connection, includes, SQL and strings, before anything else', () => {
    const p = build({
      'manifest.lkml': manifest,
      'm.model.lkml': ['connection: "@{CONN}"', 'include: "/@{SCHEMA}/*.view"', 'label: "Shop (@{SCHEMA})"'],
      'analytics/orders.view.lkml': [
        'view: orders {',
        '  sql_table_name: @{TABLE_PREFIX}orders ;;',
        '  dimension: status { label: "Status in @{SCHEMA}" sql: ${TABLE}.status ;; }',
        '}',
      ],
    });
    const m = p.models.m!;
    expect(m.connection).toBe('warehouse');
    expect(m.label).toBe('Shop (analytics)');
    expect(m.views.orders!.sqlTableName).toBe('analytics.fct_orders');
    expect(m.views.orders!.fields[0]!.label).toBe('Status in analytics');
    expect(p.diagnostics).toEqual([]);
  });

  it('reports an unknown constant at its own position', () => {
    const p = build({
      'manifest.lkml': manifest,
      'm.model.lkml': ['connection: "@{CONN}"', 'view: v {', '  sql_table_name: x.@{MISSING} ;;', '}'],
    });
    expect(p.diagnostics).toEqual([
      {
        code: 'model/unknown-constant',
        severity: 'error',
        message: 'Unknown constant "@{MISSING}": declare it in manifest.lkml with constant: MISSING { value: "…" }',
        file: 'm.model.lkml',
        line: 3,
        column: 21,
      },
    ]);
    expect(p.models.m!.views.v!.sqlTableName).toBe('x.@{MISSING}');
  });

  it('locates unknown constants inside quoted strings and on later SQL lines', () => {
    const p = build({
      'm.model.lkml': [
        'connection: "db"',
        'label: "A @{NOPE}"',
        'view: v {',
        '  derived_table: {',
        '    sql: SELECT 1',
        '      FROM @{T} ;;',
        '  }',
        '}',
      ],
    });
    expect(p.diagnostics.map((d) => [d.line, d.column])).toEqual([
      [2, 11],
      [6, 12],
    ]);
  });
});
