import { describe, expect, it } from 'vitest';
import type { PairNode } from '../lookml/ast.ts';
import { mergeBlocks } from './merge.ts';
import { build, pos, where } from './test-util.ts';

// A child defined before its parent is resolved after it (parents first), but the
// diagnostics keep their place: refinements by definition order, then extends, then fields.
// (The child's own repeated `c` is merged into one by extends, as it always was.)
const views = [
  'view: child {',
  '  extends: [parent, nowhere]',
  '  final: yes',
  '  dimension: c {}',
  '  dimension: c {}',
  '}',
  'view: +child { dimension: late_c {} }',
  'view: parent {',
  '  final: yes',
  '  dimension: p {}',
  '  dimension: p {}',
  '}',
  'view: +parent { dimension: late_p {} }',
  'view: +ghost { dimension: g {} }',
];

describe('resolveObjects', () => {
  const p = build({ 'm.model.lkml': ['connection: "db"', 'include: "*.view"'], 'v.view.lkml': views });
  const model = p.models.m!;

  it('builds parents before the views that extend them, otherwise in definition order', () => {
    expect(Object.keys(model.views)).toEqual(['parent', 'child']);
    expect(model.views.child!.fields.map((f) => f.name)).toEqual(['p', 'c']);
  });

  it('reports in a fixed order whatever order the views are resolved in', () => {
    expect(where(p.diagnostics)).toEqual([
      ['model/refinement-after-final', ...pos(views, '+child', 0)],
      ['model/refinement-after-final', ...pos(views, '+parent', 0)],
      ['model/refinement-without-base', ...pos(views, '+ghost', 0)],
      ['model/unknown-extends', ...pos(views, 'nowhere', 0)],
      ['model/duplicate-field', ...pos(views, 'p {}', 0)],
      ['model/duplicate-field', ...pos(views, 'p {}', 1)],
    ]);
  });
});

const loc = { file: 'f', line: 1, column: 1 };

function field(name: string, key: string, value: string): PairNode {
  const inner: PairNode = { kind: 'pair', key, value: { kind: 'string', value, loc }, loc };
  return { kind: 'pair', key: 'dimension', name, value: { kind: 'block', pairs: [inner], loc }, loc, nameLoc: loc };
}

describe('mergeBlocks', () => {
  it('forgets the named children of earlier merges', () => {
    // The second merge must not find `a` where the first merge had it.
    const first = mergeBlocks([field('a', 'label', 'A')], [field('a', 'sql', 'x')], 'view');
    expect(first).toHaveLength(1);
    const second = mergeBlocks([field('b', 'label', 'B')], [field('a', 'sql', 'y')], 'view');
    expect(second.map((q) => q.name)).toEqual(['b', 'a']);
  });

  it('merges into the first of two same-named children', () => {
    const merged = mergeBlocks([field('a', 'label', '1'), field('a', 'label', '2')], [field('a', 'sql', 'x')], 'view');
    const bodies = merged.map((q) => (q.value.kind === 'block' ? q.value.pairs.map((r) => r.key) : []));
    expect(bodies).toEqual([['label', 'sql'], ['label']]);
  });
});
