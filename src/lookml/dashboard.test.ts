import { describe, it, expect } from 'vitest';
import { parseDashboardFile } from './dashboard.ts';

const P = 'dashboards/sales.dashboard.lookml';
const at = (line: number, column: number) => ({ file: P, line, column });

const EXPORT = `# Exported from Looker
- dashboard: sales_overview
  title: "Sales Overview"
  layout: newspaper
  preferred_viewer: dashboards-next
  description: Daily sales
  refresh: 1 hour
  elements:
  - title: Revenue
    name: Revenue
    model: thelook
    explore: order_items
    type: single_value
    fields: [order_items.total_sale_price]
    filters:
      order_items.status: complete
    sorts: [order_items.total_sale_price desc]
    limit: 500
    dynamic_fields: [{category: table_calculation, expression: "\${order_items.total_sale_price} * 2",
        label: Double, value_format: !!null '', value_format_name: !!null '', _kind_hint: measure,
        table_calculation: double, _type_hint: number}]
    show_view_names: false
    listen:
      Date: order_items.created_date
    row: 0
    col: 0
    width: 8
    height: 6
  - name: note
    type: text
    title_text: ''
    body_text: "**Hello**"
  filters:
  - name: Date
    title: Date
    type: field_filter
    default_value: 7 days
    allow_multiple_values: true
    required: false
    ui_config:
      type: relative_timeframes
      display: inline
    model: thelook
    explore: order_items
    listens_to_filters: []
    field: order_items.created_date

- dashboard: second
  title: Second
  elements: []
`;

describe('parseDashboardFile', () => {
  it('reads a Looker export with several dashboards, keeping values as written', () => {
    const { dashboards, diagnostics } = parseDashboardFile(EXPORT, P);
    expect(diagnostics).toEqual([]);
    expect(dashboards.map((d) => [d.name, d.title, d.layout, d.description, d.loc])).toEqual([
      ['sales_overview', 'Sales Overview', 'newspaper', 'Daily sales', at(2, 3)],
      ['second', 'Second', undefined, undefined, at(48, 3)],
    ]);
    const d = dashboards[0]!;
    expect(d.elements).toHaveLength(2);
    expect(d.elements[0]).toMatchObject({
      name: 'Revenue',
      model: 'thelook',
      fields: ['order_items.total_sale_price'],
      filters: { 'order_items.status': 'complete' },
      sorts: ['order_items.total_sale_price desc'],
      limit: 500,
      show_view_names: false,
      listen: { Date: 'order_items.created_date' },
      width: 8,
    });
    expect(d.elements[0]!.dynamic_fields).toEqual([
      {
        category: 'table_calculation',
        expression: '${order_items.total_sale_price} * 2',
        label: 'Double',
        value_format: null,
        value_format_name: null,
        _kind_hint: 'measure',
        table_calculation: 'double',
        _type_hint: 'number',
      },
    ]);
    expect(d.elements[1]).toEqual({ name: 'note', type: 'text', title_text: '', body_text: '**Hello**' });
    expect(d.filters).toEqual([
      {
        name: 'Date',
        title: 'Date',
        type: 'field_filter',
        default_value: '7 days',
        allow_multiple_values: true,
        required: false,
        ui_config: { type: 'relative_timeframes', display: 'inline' },
        model: 'thelook',
        explore: 'order_items',
        listens_to_filters: [],
        field: 'order_items.created_date',
      },
    ]);
    expect(d.raw.refresh).toBe('1 hour');
    expect(d.raw.preferred_viewer).toBe('dashboards-next');
    expect(Object.keys(d.raw)).toEqual(['dashboard', 'title', 'layout', 'preferred_viewer', 'description', 'refresh', 'elements', 'filters']);
    expect(dashboards[1]!.elements).toEqual([]);
    expect(dashboards[1]!.filters).toEqual([]);
  });

  it('treats ActiveSupport::HashWithIndifferentAccess maps as plain maps', () => {
    const text = [
      '- dashboard: ruby',
      '  elements:',
      '  - !ruby/hash:ActiveSupport::HashWithIndifferentAccess',
      '    name: e1',
      '    filters: !ruby/hash:ActiveSupport::HashWithIndifferentAccess',
      '      users.state: California',
    ].join('\n');
    const { dashboards, diagnostics } = parseDashboardFile(text, P);
    expect(diagnostics).toEqual([]);
    expect(dashboards[0]!.elements).toEqual([{ name: 'e1', filters: { 'users.state': 'California' } }]);
  });

  it('accepts a single dashboard map and numeric titles', () => {
    const { dashboards, diagnostics } = parseDashboardFile('dashboard: one\ntitle: 2024\n', P);
    expect(diagnostics).toEqual([]);
    expect(dashboards.map((d) => [d.name, d.title, d.loc])).toEqual([['one', '2024', at(1, 1)]]);
  });

  it('returns nothing for an empty or comment-only file', () => {
    expect(parseDashboardFile('', P)).toEqual({ dashboards: [], diagnostics: [] });
    expect(parseDashboardFile('# nothing\n', P)).toEqual({ dashboards: [], diagnostics: [] });
  });

  it('reports YAML syntax errors with line and column', () => {
    const { diagnostics } = parseDashboardFile('- dashboard: a\n  title: "open\n', P);
    expect(diagnostics).toEqual([
      { code: 'dashboard/yaml-syntax', severity: 'error', message: 'Missing closing "quote', file: P, line: 3, column: 1 },
    ]);
    const bad = parseDashboardFile('- dashboard: a\n  elements: [1,\n  title: x\n', P);
    expect(bad.diagnostics[0]).toEqual({
      code: 'dashboard/yaml-syntax',
      severity: 'error',
      message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
      file: P,
      line: 3,
      column: 3,
    });
  });

  it('downgrades duplicate keys to a warning (last one wins, as in Looker)', () => {
    const { dashboards, diagnostics } = parseDashboardFile('- dashboard: a\n  title: One\n  title: Two\n', P);
    expect(diagnostics).toEqual([
      { code: 'dashboard/yaml-warning', severity: 'warning', message: 'Map keys must be unique', file: P, line: 3, column: 3 },
    ]);
    expect(dashboards[0]!.title).toBe('Two');
  });

  it('reports entries that are not dashboards', () => {
    const text = '- dashboard: ok\n  elements:\n  - name: e\n  - just a string\n- title: no name\n- 42\n';
    const { dashboards, diagnostics } = parseDashboardFile(text, P);
    expect(dashboards.map((d) => d.name)).toEqual(['ok']);
    expect(dashboards[0]!.elements).toEqual([{ name: 'e' }]);
    expect(diagnostics).toEqual([
      { code: 'dashboard/invalid-structure', severity: 'warning', message: "Ignored an item of 'elements' that is not a map", file: P, line: 4, column: 5 },
      { code: 'dashboard/missing-name', severity: 'error', message: 'Dashboard has no name: add "dashboard: some_name" to this entry', file: P, line: 5, column: 3 },
      { code: 'dashboard/invalid-structure', severity: 'error', message: 'Each dashboard must be a map starting with "dashboard: name"', file: P, line: 6, column: 3 },
    ]);
  });

  it('reports a file that is neither a list nor a map, and elements that are not a list', () => {
    expect(parseDashboardFile('just text', P).diagnostics).toEqual([
      { code: 'dashboard/invalid-structure', severity: 'error', message: 'A dashboard file must be a list of dashboards: start each with "- dashboard: name"', file: P, line: 1, column: 1 },
    ]);
    const r = parseDashboardFile('- dashboard: d\n  elements: nope\n', P);
    expect(r.dashboards[0]!.elements).toEqual([]);
    expect(r.diagnostics).toEqual([
      { code: 'dashboard/invalid-structure', severity: 'error', message: `'elements' must be a list of maps (each item starting with "- ")`, file: P, line: 2, column: 13 },
    ]);
  });

  it('handles CRLF and a BOM', () => {
    const { dashboards, diagnostics } = parseDashboardFile('\uFEFF- dashboard: w\r\n  title: Windows\r\n', P);
    expect(diagnostics).toEqual([]);
    expect(dashboards.map((d) => [d.name, d.title])).toEqual([['w', 'Windows']]);
  });
});
