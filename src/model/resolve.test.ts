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

describe('context of the problems found resolving a model', () => {
  const explores = ['explore: orders {}', 'explore: users {}', 'explore: orders { label: "Again" }'];
  const files = {
    'm.model.lkml': ['connection: "db"', 'include: "*.view"', 'include: "all.explore"', 'view: orders {}', 'explore: +ghost {}'],
    'all.explore.lkml': explores,
    'v.view.lkml': ['view: orders {}', 'view: users { extends: [nobody] }'],
  };

  it('names the model, and the explore for an explore', () => {
    const p = build(files);
    expect(p.diagnostics.map((d) => [d.code, d.file, d.line, d.model, d.explore, d.field])).toEqual([
      ['model/duplicate-view', 'v.view.lkml', 1, 'm', undefined, undefined],
      ['model/duplicate-view', 'm.model.lkml', 4, 'm', undefined, undefined],
      ['model/unknown-extends', 'v.view.lkml', 2, 'm', undefined, undefined],
      ['model/duplicate-explore', 'all.explore.lkml', 1, 'm', 'orders', undefined],
      ['model/duplicate-explore', 'all.explore.lkml', 3, 'm', 'orders', undefined],
      ['model/refinement-without-base', 'm.model.lkml', 5, 'm', 'ghost', undefined],
    ]);
    // Plain data: the members set, in Diagnostic's order, none undefined.
    const d = p.diagnostics.find((x) => x.code === 'model/duplicate-explore')!;
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(Object.keys(d)).toEqual(['code', 'severity', 'message', 'file', 'line', 'column', 'model', 'explore']);
  });

  it('names the model that found it when two models include the file (each finds it)', () => {
    const p = build({
      'a.model.lkml': ['connection: "db"', 'include: "all.explore"', 'include: "v.view"'],
      'b.model.lkml': ['connection: "db"', 'include: "all.explore"', 'include: "v.view"'],
      'all.explore.lkml': explores,
      'v.view.lkml': ['view: orders {}', 'view: users {}'],
    });
    expect(p.diagnostics.map((d) => [d.code, d.line, d.model, d.explore])).toEqual([
      ['model/duplicate-explore', 1, 'a', 'orders'],
      ['model/duplicate-explore', 3, 'a', 'orders'],
      ['model/duplicate-explore', 1, 'b', 'orders'],
      ['model/duplicate-explore', 3, 'b', 'orders'],
    ]);
  });

  it('names the explore of a refinement after final: yes', () => {
    const p = build({ 'm.model.lkml': ['connection: "db"', 'view: v {}', 'explore: v { final: yes }', 'explore: +v { label: "x" }'] });
    expect(p.diagnostics.map((d) => [d.code, d.model, d.explore])).toEqual([['model/refinement-after-final', undefined, 'v']]);
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
