import { describe, it, expect } from 'vitest';
import { parseLookml } from './parser.ts';
import type { BlockNode, ListNode, PairNode, ValueNode } from './ast.ts';

const P = 'views/test.view.lkml';
const loc = (line: number, column: number) => ({ file: P, line, column });

/** Parses text that must be valid and returns the top-level pairs. */
function ok(src: string): readonly PairNode[] {
  const f = parseLookml(src, P);
  expect(f.diagnostics).toEqual([]);
  expect(f.path).toBe(P);
  return f.pairs;
}

function block(v: ValueNode | undefined): BlockNode {
  if (v?.kind !== 'block') throw new Error(`expected a block, got ${v?.kind ?? 'nothing'}`);
  return v;
}

function list(v: ValueNode | undefined): ListNode {
  if (v?.kind !== 'list') throw new Error(`expected a list, got ${v?.kind ?? 'nothing'}`);
  return v;
}

/** The value of a scalar, null for blocks and lists. */
function text(v: ValueNode): string | null {
  return v.kind === 'block' || v.kind === 'list' ? null : v.value;
}

function only(pairs: readonly PairNode[]): PairNode {
  expect(pairs).toHaveLength(1);
  return pairs[0]!;
}

describe('pairs and blocks', () => {
  it('reads key: value pairs separated by spaces and newlines, with locations', () => {
    const pairs = ok('connection: "pg"\nlabel: "Shop"  week_start_day: monday\n');
    expect(pairs).toEqual([
      { kind: 'pair', key: 'connection', value: { kind: 'string', value: 'pg', loc: loc(1, 13) }, loc: loc(1, 1) },
      { kind: 'pair', key: 'label', value: { kind: 'string', value: 'Shop', loc: loc(2, 8) }, loc: loc(2, 1) },
      { kind: 'pair', key: 'week_start_day', value: { kind: 'bare', value: 'monday', loc: loc(2, 32) }, loc: loc(2, 16) },
    ]);
  });

  it('reads named blocks with the name location and block location', () => {
    const p = only(ok('view: orders {\n  dimension: id { type: number }\n}'));
    expect(p.key).toBe('view');
    expect(p.name).toBe('orders');
    expect(p.loc).toEqual(loc(1, 1));
    expect(p.nameLoc).toEqual(loc(1, 7));
    const body = block(p.value);
    expect(body.loc).toEqual(loc(1, 14));
    const dim = only(body.pairs);
    expect(dim).toEqual({
      kind: 'pair',
      key: 'dimension',
      name: 'id',
      loc: loc(2, 3),
      nameLoc: loc(2, 14),
      value: {
        kind: 'block',
        loc: loc(2, 17),
        pairs: [{ kind: 'pair', key: 'type', value: { kind: 'bare', value: 'number', loc: loc(2, 25) }, loc: loc(2, 19) }],
      },
    });
  });

  it('reads anonymous blocks (no name, no nameLoc)', () => {
    const p = only(ok('link: {\n  label: "Go"\n  url: "https://x.test/{{ value }}"\n}'));
    expect(p.name).toBeUndefined();
    expect(p.nameLoc).toBeUndefined();
    expect(block(p.value).pairs.map((q) => [q.key, q.value.kind === 'string' ? q.value.value : null])).toEqual([
      ['label', 'Go'],
      ['url', 'https://x.test/{{ value }}'],
    ]);
  });

  it('keeps refinement names, dotted and numeric names', () => {
    const pairs = ok('view: +orders {}\nexplore: +orders_2024 {}\nnamed_value_format: usd.v2 {}\ndimension: 2nd_item {}');
    expect(pairs.map((p) => [p.key, p.name, p.nameLoc?.column])).toEqual([
      ['view', '+orders', 7],
      ['explore', '+orders_2024', 10],
      ['named_value_format', 'usd.v2', 21],
      ['dimension', '2nd_item', 12],
    ]);
  });

  it('accepts the name and the brace on different lines and a comment between', () => {
    const p = only(ok('view: orders # the orders\n{\n  label: "O"\n}'));
    expect(p.name).toBe('orders');
    expect(block(p.value).loc).toEqual(loc(2, 1));
  });

  it('keeps duplicates in source order', () => {
    const pairs = block(only(ok('view: v {\n dimension: a {}\n dimension: a {}\n}')).value).pairs;
    expect(pairs.map((p) => [p.name, p.loc.line])).toEqual([
      ['a', 2],
      ['a', 3],
    ]);
  });

  it('parses an empty file, a comment-only file and an empty block', () => {
    expect(ok('')).toEqual([]);
    expect(ok('# nothing here\n   \n# still nothing')).toEqual([]);
    expect(block(only(ok('view: v {}')).value).pairs).toEqual([]);
  });

  it('allows blanks before the colon and a value on the next line', () => {
    const pairs = ok('label :  "x"\ntype:\n  number');
    expect(pairs.map((p) => [p.key, p.value.kind, p.value.loc])).toEqual([
      ['label', 'string', loc(1, 10)],
      ['type', 'bare', loc(3, 3)],
    ]);
  });
});

describe('scalars', () => {
  it('reads bare scalars as written', () => {
    const values = [
      'yes',
      'no',
      '42',
      '-1',
      '0.25',
      '-3.5',
      'orders.id',
      'ALL_FIELDS*',
      'detail*',
      '-users.email',
      '@{SCHEMA}',
      '@{SCHEMA}_orders',
      'America/Los_Angeles',
    ];
    const src = values.map((v, i) => `k${i}: ${v}`).join('\n');
    const pairs = ok(src);
    expect(pairs.map((p) => (p.value.kind === 'bare' ? p.value.value : p.value.kind))).toEqual(values);
    expect(pairs[6]!.value.loc).toEqual(loc(7, 5));
  });

  it('decodes \\" \\\\ and \\n and keeps other backslashes', () => {
    const p = only(ok(String.raw`label: "a \"quoted\" \\ back\nslash \d+ \t"`));
    expect(p.value).toEqual({ kind: 'string', value: 'a "quoted" \\ back\nslash \\d+ \\t', loc: loc(1, 8) });
  });

  it('keeps literal newlines, ;; and # inside strings', () => {
    const pairs = ok('description: "line one\nline two ;; # not a comment"\nlabel: "after"');
    expect(pairs.map((p) => (p.value.kind === 'string' ? p.value.value : null))).toEqual(['line one\nline two ;; # not a comment', 'after']);
    expect(pairs[1]!.loc).toEqual(loc(3, 1));
  });

  it('reads an empty string', () => {
    expect(only(ok('label: ""')).value).toEqual({ kind: 'string', value: '', loc: loc(1, 8) });
  });
});

describe('lists', () => {
  it('reads mixed scalar lists with item locations', () => {
    const l = list(only(ok('fields: [a, "b c", orders.id, ALL_FIELDS*, -users.email]')).value);
    expect(l.loc).toEqual(loc(1, 9));
    expect(l.items).toEqual([
      { kind: 'bare', value: 'a', loc: loc(1, 10) },
      { kind: 'string', value: 'b c', loc: loc(1, 13) },
      { kind: 'bare', value: 'orders.id', loc: loc(1, 20) },
      { kind: 'bare', value: 'ALL_FIELDS*', loc: loc(1, 31) },
      { kind: 'bare', value: '-users.email', loc: loc(1, 44) },
    ]);
  });

  it('accepts empty lists, leading, trailing and repeated commas, comments and newlines', () => {
    const pairs = ok('a: []\nb: [ ]\nc: [, x, y,]\nd: [\n  x, # first\n  # alone\n  y,\n  ,z\n]\ntiers: [0, 10, 20.5, -5]');
    expect(pairs.map((p) => list(p.value).items.map((i) => (i.kind === 'pair' ? '?' : i.value)))).toEqual([
      [],
      [],
      ['x', 'y'],
      ['x', 'y', 'z'],
      ['0', '10', '20.5', '-5'],
    ]);
    expect(list(pairs[3]!.value).items[1]!.loc).toEqual(loc(7, 3));
  });

  it('reads map-lists as pairs', () => {
    const l = list(only(ok('filters: [orders.status: "complete", users.age: ">10",\n  created_date: "last 7 days"]')).value);
    expect(l.items).toEqual([
      { kind: 'pair', key: 'orders.status', value: { kind: 'string', value: 'complete', loc: loc(1, 26) }, loc: loc(1, 11) },
      { kind: 'pair', key: 'users.age', value: { kind: 'string', value: '>10', loc: loc(1, 49) }, loc: loc(1, 38) },
      { kind: 'pair', key: 'created_date', value: { kind: 'string', value: 'last 7 days', loc: loc(2, 17) }, loc: loc(2, 3) },
    ]);
  });

  it('reads map-lists with bare values (sorts)', () => {
    const l = list(only(ok('sorts: [orders.created_date: desc, users.name :asc]')).value);
    expect(l.items.map((i) => (i.kind === 'pair' && i.value.kind === 'bare' ? [i.key, i.value.value] : null))).toEqual([
      ['orders.created_date', 'desc'],
      ['users.name', 'asc'],
    ]);
  });
});

describe('SQL-ish values', () => {
  it('keeps everything up to ;; verbatim, trimmed', () => {
    const sql = [
      'CASE',
      "    WHEN ${TABLE}.status = 'a;b' THEN \"quoted # not comment\"",
      '    -- a SQL comment with } and {',
      '    {% if orders.status._in_query %} {{ _user_attributes[\'x\'] }} {% endif %}',
      '    ELSE @{DEFAULT} # hash',
      '  END',
    ].join('\n');
    const p = only(block(only(ok(`dimension: s {\n  sql:\n    ${sql} ;;\n}`)).value).pairs);
    expect(p.value).toEqual({ kind: 'sql', value: sql, loc: loc(3, 5) });
  });

  it('treats every sql* key, html and expression as SQL-ish', () => {
    const keys = ['sql', 'sql_on', 'sql_table_name', 'sql_always_where', 'sql_trigger_value', 'sql_start', 'sql_end', 'sql_distinct_key', 'sql_latitude', 'sql_longitude', 'sql_step', 'sql_create', 'sql_where', 'sql_preamble', 'sql_trigger', 'html', 'expression'];
    const pairs = ok(keys.map((k) => `${k}: x { y } ;;`).join('\n'));
    expect(pairs.map((p) => [p.key, p.value.kind, p.value.kind === 'sql' ? p.value.value : null])).toEqual(keys.map((k) => [k, 'sql', 'x { y }']));
  });

  it('does not treat similar keys as SQL', () => {
    const pairs = ok('expression_label: x\nhtml_x: y\nmy_sql: z');
    expect(pairs.map((p) => p.value.kind)).toEqual(['bare', 'bare', 'bare']);
  });

  it('reads single-line SQL inside a one-line block and continues after ;;', () => {
    const dim = only(ok('dimension: id { primary_key: yes sql: ${TABLE}.id ;; type: number }'));
    expect(block(dim.value).pairs.map((p) => [p.key, p.value.kind, p.value.loc.column])).toEqual([
      ['primary_key', 'bare', 30],
      ['sql', 'sql', 39],
      ['type', 'bare', 60],
    ]);
  });

  it('keeps braces that would close a block when they are inside SQL', () => {
    const v = only(ok('view: v {\n  derived_table: {\n    sql: SELECT \'}\' AS x, "{" AS y }\n      FROM t ;;\n  }\n}'));
    const dt = only(block(v.value).pairs);
    expect(only(block(dt.value).pairs).value).toMatchObject({ kind: 'sql', value: 'SELECT \'}\' AS x, "{" AS y }\n      FROM t' });
  });

  it('reads an empty SQL value at the ;; position', () => {
    expect(only(ok('sql:   ;;')).value).toEqual({ kind: 'sql', value: '', loc: loc(1, 8) });
    expect(only(ok('sql:\n  ;;')).value).toEqual({ kind: 'sql', value: '', loc: loc(2, 3) });
  });

  it('accepts a plain quoted string for html/sql keys without ;;', () => {
    const pairs = ok('html: "<b>{{ value }}</b>"\nlabel: "x"\ndimension: d { html: "<i>;;</i>" }');
    expect(pairs[0]!.value).toEqual({ kind: 'string', value: '<b>{{ value }}</b>', loc: loc(1, 7) });
    expect(pairs[1]!.key).toBe('label');
    expect(only(block(pairs[2]!.value).pairs).value).toEqual({ kind: 'string', value: '<i>;;</i>', loc: loc(3, 22) });
  });

  it('reads SQL that starts with a quoted identifier as SQL', () => {
    const pairs = ok('sql_table_name: "analytics"."orders" ;;\nsql: "x"\n  ;;\nhtml: "<b>" ;;');
    expect(pairs.map((p) => [p.value.kind, p.value.kind === 'sql' ? p.value.value : null])).toEqual([
      ['sql', '"analytics"."orders"'],
      ['sql', '"x"'],
      ['sql', '"<b>"'],
    ]);
  });

  it('does not end SQL at a single ;', () => {
    expect(only(ok('sql: SELECT 1; SELECT 2 ;;')).value).toMatchObject({ value: 'SELECT 1; SELECT 2' });
  });
});

describe('comments and whitespace', () => {
  it('ignores # comments anywhere outside strings and SQL', () => {
    const pairs = ok('# top\nview: v { # after brace\n  # own line\n  type: number# glued\n  tags: [\n  "a", # item\n  ] # after list\n} # end');
    expect(block(only(pairs).value).pairs.map((p) => p.key)).toEqual(['type', 'tags']);
  });

  it('handles CRLF line endings (locations and values use \\n)', () => {
    const pairs = ok('view: v {\r\n  sql_table_name: a\r\n    .b ;;\r\n  label: "x\r\ny"\r\n  dimension: d {}\r\n}\r\n');
    const body = block(only(pairs).value).pairs;
    expect(body.map((p) => [p.key, p.loc, text(p.value)])).toEqual([
      ['sql_table_name', loc(2, 3), 'a\n    .b'],
      ['label', loc(4, 3), 'x\ny'],
      ['dimension', loc(6, 3), null],
    ]);
  });

  it('skips a BOM without shifting columns', () => {
    const p = only(ok('\uFEFFview: v {}'));
    expect(p.loc).toEqual(loc(1, 1));
    expect(p.nameLoc).toEqual(loc(1, 7));
  });

  it('counts a tab as one column and accepts unicode in strings, names and SQL', () => {
    const pairs = ok('\tlabel:\t"Überschrift ✓ 日本"\n\tdimension: café {}\n\tsql: SELECT \'ü\' ;;');
    expect(pairs.map((p) => [p.loc.column, p.name ?? text(p.value)])).toEqual([
      [2, 'Überschrift ✓ 日本'],
      [2, 'café'],
      [2, "SELECT 'ü'"],
    ]);
    expect(pairs[0]!.value.loc).toEqual(loc(1, 9));
  });
});

describe('legacy YAML LookML', () => {
  it('rejects .view.lookml and .model.lookml with one clear error', () => {
    for (const path of ['views/orders.view.lookml', 'shop.model.LOOKML']) {
      const f = parseLookml('- view: orders\n  fields:\n  - dimension: id\n', path);
      expect(f.pairs).toEqual([]);
      expect(f.diagnostics).toHaveLength(1);
      expect(f.diagnostics[0]).toMatchObject({ code: 'lookml/legacy-yaml', severity: 'error', file: path, line: 1, column: 1 });
    }
    expect(parseLookml('', 'views/orders.view.lookml').diagnostics[0]!.message).toBe(
      "'orders.view.lookml' is legacy YAML LookML, which Looker no longer supports: rewrite it as LookML in a .lkml file (e.g. orders.view.lkml)",
    );
  });
});
