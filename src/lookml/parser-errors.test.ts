import { describe, it, expect } from 'vitest';
import { parseLookml } from './parser.ts';
import { pairsToParams } from './plain.ts';
import type { Diagnostic, PairNode, ValueNode } from './ast.ts';

const P = 'views/broken.view.lkml';

function diag(code: string, message: string, line: number, column: number): Diagnostic {
  return { code, severity: 'error', message, file: P, line, column };
}

function parse(src: string) {
  const f = parseLookml(src, P);
  return { diagnostics: f.diagnostics, plain: pairsToParams(f.pairs), pairs: f.pairs };
}

/** Locations (as "line:column") that do not point inside `src`; `expect` per node would be slow. */
function badLocs(src: string, pairs: readonly PairNode[], out: string[] = []): string[] {
  const lines = src.split('\n');
  const check = (l: { line: number; column: number }) => {
    const text = lines[l.line - 1];
    if (text === undefined || l.column < 1 || l.column > text.length + 1) out.push(`${l.line}:${l.column}`);
  };
  const value = (v: ValueNode) => {
    check(v.loc);
    if (v.kind === 'block') badLocs(src, v.pairs, out);
    if (v.kind === 'list') {
      for (const i of v.items) {
        if (i.kind === 'pair') badLocs(src, [i], out);
        else check(i.loc);
      }
    }
  };
  for (const p of pairs) {
    check(p.loc);
    if (p.nameLoc) check(p.nameLoc);
    value(p.value);
  }
  return out;
}

describe('recovery inside a view', () => {
  it('reports several problems and still reads every following field', () => {
    const src = [
      'view: orders {', // 1
      '  dimension: a {', // 2
      '    type: string', // 3
      '    sql: ${TABLE}.a ;;', // 4
      '  }', // 5
      '  dimension: b {', // 6
      '    type: = number', // 7
      '    label: "B"', // 8
      '  }', // 9
      '  dimension c {', // 10
      '    sql: ${TABLE}.c ;;', // 11
      '  }', // 12
      '  measure: total {', // 13
      '    type: sum', // 14
      '    sql: ${TABLE}.amount ;;', // 15
      '  }', // 16
      '}', // 17
      'explore: orders {}', // 18
    ].join('\n');
    const r = parse(src);
    expect(r.diagnostics).toEqual([
      diag('lookml/unexpected-token', "Unexpected '=' after 'type:': expected a value", 7, 11),
      diag('lookml/missing-colon', "Expected ':' after 'dimension'", 10, 3),
    ]);
    expect(r.plain).toEqual({
      view: {
        orders: {
          dimension: { a: { type: 'string', sql: '${TABLE}.a' }, b: { label: 'B' }, c: { sql: '${TABLE}.c' } },
          measure: { total: { type: 'sum', sql: '${TABLE}.amount' } },
        },
      },
      explore: { orders: {} },
    });
  });

  it('resyncs over a broken nested block without losing the enclosing view', () => {
    const src = 'view: v {\n  dimension: a {\n    "oops" { x: 1 }\n    sql: a ;;\n  }\n  measure: m { type: count }\n}\n';
    const r = parse(src);
    expect(r.diagnostics).toEqual([diag('lookml/unexpected-token', `Unexpected '"oops"': expected a key such as 'dimension:' or a closing '}'`, 3, 5)]);
    expect(r.plain).toEqual({ view: { v: { dimension: { a: { sql: 'a' } }, measure: { m: { type: 'count' } } } } });
  });

  it('skips strings, comments and SQL bodies while resyncing', () => {
    const src = 'view: v {\n  dimension: a { type: ] sql: "}" # }\n  ;; label: "}" }\n  measure: m {}\n}';
    const r = parse(src);
    expect(r.diagnostics).toEqual([diag('lookml/unexpected-token', "Unexpected ']' after 'type:': expected a value", 2, 24)]);
    expect(r.plain).toEqual({ view: { v: { dimension: { a: {} }, measure: { m: {} } } } });
  });

  it('reports an invalid key and goes on at the next line', () => {
    const r = parse('view: v {\n  orders.id: x\n  label: "L"\n}');
    expect(r.diagnostics).toEqual([diag('lookml/unexpected-token', "Invalid key 'orders.id': keys are made of letters, digits and '_'", 2, 3)]);
    expect(r.plain).toEqual({ view: { v: { label: 'L' } } });
  });

  it('reports ;; after a non-SQL value', () => {
    const r = parse('label: "x" ;;\ntype: number');
    expect(r.diagnostics).toEqual([diag('lookml/unexpected-token', "Unexpected ';;': expected a key such as 'dimension:'", 1, 12)]);
    expect(r.plain).toEqual({ label: 'x', type: 'number' });
  });
});

describe('missing colon and value', () => {
  it('reads on as if the colon were there when a value follows on the same line', () => {
    const r = parse('view: v {\n  dimension id {\n    type number\n  }\n}');
    expect(r.diagnostics).toEqual([
      diag('lookml/missing-colon', "Expected ':' after 'dimension'", 2, 3),
      diag('lookml/missing-colon', "Expected ':' after 'type'", 3, 5),
    ]);
    expect(r.plain).toEqual({ view: { v: { dimension: { id: { type: 'number' } } } } });
  });

  it('drops a key alone on its line or before }', () => {
    const r = parse('view: v {\n  foo\n  bar: 1\n  baz }\nx: 2');
    expect(r.diagnostics).toEqual([
      diag('lookml/missing-colon', "Expected ':' after 'foo'", 2, 3),
      diag('lookml/missing-colon', "Expected ':' after 'baz'", 4, 3),
    ]);
    expect(r.plain).toEqual({ view: { v: { bar: '1' } }, x: '2' });
  });

  it('reports a key with no value and reads the next key', () => {
    const r = parse('view: v {\n  label:\n  type: number\n  hidden: }\ntags:');
    expect(r.diagnostics).toEqual([
      diag('lookml/missing-value', "Expected a value after 'label:'", 2, 3),
      diag('lookml/missing-value', "Expected a value after 'hidden:'", 4, 3),
      diag('lookml/missing-value', "Expected a value after 'tags:'", 5, 1),
    ]);
    expect(r.plain).toEqual({ view: { v: { type: 'number' } } });
  });
});

describe('unterminated strings', () => {
  it('cuts a string left open at EOF at the end of its line', () => {
    const r = parse('view: v {\n  label: "abc\n}\n');
    expect(r.diagnostics).toEqual([diag('lookml/unterminated-string', 'String not closed: add a closing "', 2, 10)]);
    expect(r.plain).toEqual({ view: { v: { label: 'abc' } } });
  });

  it('stops when the next line starts another quoted value, and keeps a closing }', () => {
    const src = 'view: v {\n  dimension: a { label: "abc }\n  dimension: b {\n    label: "x"\n    sql: ${TABLE}."b" ;;\n  }\n}';
    const r = parse(src);
    expect(r.diagnostics).toEqual([diag('lookml/unterminated-string', 'String not closed: add a closing "', 2, 25)]);
    expect(r.plain).toEqual({ view: { v: { dimension: { a: { label: 'abc' }, b: { label: 'x', sql: '${TABLE}."b"' } } } } });
  });

  it('stops at a line that opens a block', () => {
    const r = parse('view: v {\n  description: "open\n  dimension: d {\n    sql: x ;;\n  }\n}');
    expect(r.diagnostics).toEqual([diag('lookml/unterminated-string', 'String not closed: add a closing "', 2, 16)]);
    expect(r.plain).toEqual({ view: { v: { description: 'open', dimension: { d: { sql: 'x' } } } } });
  });

  it('keeps genuine multi-line strings', () => {
    const r = parse('description: "Line 1\n  Note: this is fine\n  more"\nlabel: "x"');
    expect(r.diagnostics).toEqual([]);
    expect(r.plain).toEqual({ description: 'Line 1\n  Note: this is fine\n  more', label: 'x' });
  });

  it('reports an unterminated string in a list', () => {
    const r = parse('tags: ["a", "b\n');
    expect(r.diagnostics).toEqual([
      diag('lookml/unterminated-string', 'String not closed: add a closing "', 1, 13),
      diag('lookml/unclosed-list', "List not closed: add a closing ']'", 1, 7),
    ]);
    expect(r.plain).toEqual({ tags: ['a', 'b'] });
  });
});

describe('unterminated SQL', () => {
  it('reports a missing ;; at the key when the file ends', () => {
    const r = parse('view: v {\n  sql_table_name: public.orders\n}\n');
    expect(r.diagnostics).toEqual([diag('lookml/unterminated-sql', "SQL block for 'sql_table_name' not terminated with ';;': add ';;' after the SQL", 2, 3)]);
    expect(r.plain).toEqual({ view: { v: { sql_table_name: 'public.orders' } } });
  });

  it('stops before the closing braces when the next field starts', () => {
    const src = [
      'view: v {',
      '  dimension: a {',
      '    sql: CASE WHEN ${TABLE}.x THEN 1',
      '      END',
      '  }',
      '',
      '  dimension: b { sql: ${TABLE}.b ;; }',
      '  measure: c { type: count }',
      '}',
    ].join('\n');
    const r = parse(src);
    expect(r.diagnostics).toEqual([diag('lookml/unterminated-sql', "SQL block for 'sql' not terminated with ';;': add ';;' after the SQL", 3, 5)]);
    expect(r.plain).toEqual({
      view: { v: { dimension: { a: { sql: 'CASE WHEN ${TABLE}.x THEN 1\n      END' }, b: { sql: '${TABLE}.b' } }, measure: { c: { type: 'count' } } } },
    });
  });

  it('stops at another SQL key', () => {
    const r = parse('join: j {\n  sql_on: ${a.id} = ${j.id}\n  sql_where: x > 1 ;;\n}');
    expect(r.diagnostics).toEqual([diag('lookml/unterminated-sql', "SQL block for 'sql_on' not terminated with ';;': add ';;' after the SQL", 2, 3)]);
    expect(r.plain).toEqual({ join: { j: { sql_on: '${a.id} = ${j.id}', sql_where: 'x > 1' } } });
  });

  it('does not stop at Liquid or SQL that merely contains a colon and a brace', () => {
    const sql = "SELECT payload:customer_id::string AS c,\n  label: {{ _user_attributes['x'] }}\n  note: {% if x %} y {% endif %}\n  FROM t";
    const r = parse(`sql: ${sql} ;;`);
    expect(r.diagnostics).toEqual([]);
    expect(r.plain).toEqual({ sql });
  });

  it('reports sql: at EOF with an empty value', () => {
    const r = parse('sql:');
    expect(r.diagnostics).toEqual([diag('lookml/unterminated-sql', "SQL block for 'sql' not terminated with ';;': add ';;' after the SQL", 1, 1)]);
    expect(r.pairs[0]!.value).toEqual({ kind: 'sql', value: '', loc: { file: P, line: 1, column: 5 } });
  });
});

describe('braces', () => {
  it('reports an unclosed block at its key', () => {
    const r = parse('view: v {\n  dimension: a {\n    type: number\n  }\n');
    expect(r.diagnostics).toEqual([diag('lookml/unclosed-block', "Block 'view: v' is not closed: add a closing '}'", 1, 1)]);
    expect(r.plain).toEqual({ view: { v: { dimension: { a: { type: 'number' } } } } });
  });

  it('blames the inner block whose } is indented like its parent', () => {
    const r = parse('view: v {\n  dimension: a {\n    type: number\n\n  measure: m {}\n}');
    expect(r.diagnostics).toEqual([diag('lookml/unclosed-block', "Block 'dimension: a' is not closed: add a closing '}'", 2, 3)]);
  });

  it('does not blame a block whose } is merely misaligned', () => {
    const r = parse('  view: v {\n  dimension: a {\n    type: number\n}\n');
    expect(r.diagnostics).toEqual([diag('lookml/unclosed-block', "Block 'view: v' is not closed: add a closing '}'", 1, 3)]);
  });

  it('reports an unclosed anonymous block and nested unclosed blocks', () => {
    const r = parse('a: {\n  b: x {\n    c: 1');
    expect(r.diagnostics).toEqual([
      diag('lookml/unclosed-block', "Block 'b: x' is not closed: add a closing '}'", 2, 3),
      diag('lookml/unclosed-block', "Block 'a' is not closed: add a closing '}'", 1, 1),
    ]);
    expect(r.plain).toEqual({ a: { b: { x: { c: '1' } } } });
  });

  it('reports a stray } and continues', () => {
    const r = parse('view: v { }\n}\nexplore: e {}\n}');
    expect(r.diagnostics).toEqual([
      diag('lookml/unexpected-close', "Unexpected '}': no block is open here; remove it", 2, 1),
      diag('lookml/unexpected-close', "Unexpected '}': no block is open here; remove it", 4, 1),
    ]);
    expect(r.plain).toEqual({ view: { v: {} }, explore: { e: {} } });
  });

  it('accepts a quoted block name with an error', () => {
    const r = parse('dimension: "foo" { type: number }');
    expect(r.diagnostics).toEqual([diag('lookml/quoted-block-name', 'Block names are not quoted: write dimension: foo {', 1, 12)]);
    expect(r.plain).toEqual({ dimension: { foo: { type: 'number' } } });
  });

  it('limits nesting depth instead of overflowing the stack', () => {
    const deep = 'a: {'.repeat(5000) + '}'.repeat(5000) + '\nz: 1';
    const r = parse(deep);
    expect(r.diagnostics).toEqual([diag('lookml/too-deep', "Block 'a' is nested more than 64 levels deep; its content is ignored", 1, 257)]);
    expect(r.plain.z).toBe('1');
  });
});

describe('list errors', () => {
  it('reports missing commas, blocks and nested lists but keeps the values', () => {
    const r = parse('x: [a b, {c: d}, "q", [z], ]\ny: 1');
    expect(r.diagnostics).toEqual([
      diag('lookml/missing-comma', "Expected ',' between list items", 1, 7),
      diag('lookml/block-in-list', 'A list cannot contain blocks: list items are values such as [a, "b"] or field: "value"', 1, 10),
      diag('lookml/unexpected-token', "Unexpected '[': lists cannot contain lists", 1, 23),
    ]);
    expect(r.plain).toEqual({ x: ['a', 'b', 'q'], y: '1' });
  });

  it('reports a list left open before } and EOF', () => {
    const r = parse('view: v {\n  fields: [a, b\n}\nz: [');
    expect(r.diagnostics).toEqual([
      diag('lookml/unclosed-list', "List not closed: add a closing ']'", 2, 11),
      diag('lookml/unclosed-list', "List not closed: add a closing ']'", 4, 4),
    ]);
    expect(r.plain).toEqual({ view: { v: { fields: ['a', 'b'] } }, z: [] });
  });

  it('reports a map-list key without value and unexpected characters', () => {
    const r = parse('filters: [a: , b: "1", = ]');
    expect(r.diagnostics).toEqual([
      diag('lookml/missing-value', "Expected a value after 'a:'", 1, 11),
      diag('lookml/unexpected-token', "Unexpected '=' in a list", 1, 24),
    ]);
    expect(r.plain).toEqual({ filters: { b: '1' } });
  });
});

describe('hostile input', () => {
  it('never throws and keeps every location inside the file, whatever the prefix', () => {
    const src = [
      '\uFEFFinclude: "/views/*.view"',
      'view: +orders { # refinement',
      '  sql_table_name: "s"."t" ;;',
      '  dimension: id { type: number sql: ${TABLE}.id ;; }',
      '  measure: m { filters: [a.b: "x", c: -NULL,] html: "<b>{{ v }}</b>" }',
      '  set: s { fields: [id, m*] }',
      '  dimension_group: g { timeframes: [raw, date]\r\n    sql: {% if x %} } {% endif %} ;; }',
      '}',
    ].join('\n');
    const problems: string[] = [];
    for (let cut = 0; cut <= src.length; cut++) {
      const text = src.slice(0, cut);
      const f = parseLookml(text, P);
      for (const bad of badLocs(text, f.pairs)) problems.push(`prefix ${cut}: node at ${bad}`);
      for (const d of f.diagnostics) {
        const line = text.split('\n')[d.line - 1];
        if (d.file !== P || line === undefined || d.column < 1 || d.column > line.length + 1) problems.push(`prefix ${cut}: ${d.code} at ${d.line}:${d.column}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('survives garbage, lone delimiters and control characters', () => {
    for (const text of ['"', '{', '}', '[', ']', ':', ';;', '@{', 'a: @{', 'a: @{X', '\0\0\0', 'a:\u0001', 'x: "\\', '#', 'a: b c d e', '\u2028: 1', '+ - * /']) {
      expect(badLocs(text, parseLookml(text, P).pairs)).toEqual([]);
    }
    const f = parseLookml('a: {\n b: 1\n \u0007 c: 2\n}', P);
    expect(f.diagnostics).toEqual([diag('lookml/unexpected-token', "Unexpected '\u0007': expected a key such as 'dimension:' or a closing '}'", 3, 2)]);
    expect(pairsToParams(f.pairs)).toEqual({ a: { b: '1' } });
  });

  it('reports each of many unterminated SQL values', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `dimension: d${i} { sql: x${i}\n}`).join('\n');
    const f = parseLookml(text, P);
    expect(f.pairs).toHaveLength(5000);
    expect(f.diagnostics).toHaveLength(5000);
    expect(f.diagnostics[4999]).toEqual(diag('lookml/unterminated-sql', "SQL block for 'sql' not terminated with ';;': add ';;' after the SQL", 9999, 20));
  });
});
