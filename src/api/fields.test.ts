import { describe, expect, it } from 'vitest';
import { applyFields, parseFields } from './fields.ts';
import type { FieldSelection } from './fields.ts';

function plain(selection: FieldSelection | null): unknown {
  if (selection === null) return null;
  return Object.fromEntries([...selection].map(([k, v]) => [k, plain(v)]));
}

describe('parseFields', () => {
  it.each([
    ['id,title', { id: null, title: null }],
    [' id , title ', { id: null, title: null }],
    ['id,,title,', { id: null, title: null }],
    ['looks(id,title),id', { looks: { id: null, title: null }, id: null }],
    ['a(b(c,d),e)', { a: { b: { c: null, d: null }, e: null } }],
    ['a (b) , c', { a: { b: null }, c: null }],
    ['a(b),a(c)', { a: { b: null, c: null } }],
    ['a(b),a', { a: null }],
  ])('%j', (text, expected) => {
    expect(plain(parseFields(text))).toEqual(expected);
  });

  it('an empty or blank list means "no filtering"', () => {
    expect(parseFields('')).toBeNull();
    expect(parseFields(' , ')).toBeNull();
  });

  it.each([
    ['a(b', "Invalid 'fields' parameter: missing ')' for 'a'"],
    ['a)', "Invalid 'fields' parameter: unexpected ')' at position 2"],
    ['(a)', "Invalid 'fields' parameter: '(' without a field name at position 1"],
    ['a(b)c', "Invalid 'fields' parameter: unexpected 'c' at position 5"],
  ])('rejects %j', (text, message) => {
    expect(() => parseFields(text)).toThrow(message);
  });
});

describe('applyFields', () => {
  const dashboard = {
    id: '1',
    title: 'Sales',
    can: { show: true },
    dashboard_elements: [
      { id: 'e1', title: 'A', query: { id: 'q1', model: 'm' } },
      { id: 'e2', title: 'B', query: null },
    ],
  };

  it('selects on objects, each array element, and nested paths', () => {
    const sel = parseFields('id,dashboard_elements(id,query(model)),missing')!;
    expect(applyFields(dashboard, sel)).toEqual({
      id: '1',
      dashboard_elements: [{ id: 'e1', query: { model: 'm' } }, { id: 'e2', query: null }],
    });
    expect(applyFields([dashboard, dashboard], parseFields('title')!)).toEqual([{ title: 'Sales' }, { title: 'Sales' }]);
  });

  it('leaves scalars alone and never reads inherited properties', () => {
    expect(applyFields('text', parseFields('a')!)).toBe('text');
    expect(applyFields({ a: 1 }, parseFields('a(b)')!)).toEqual({ a: 1 });
    expect(applyFields({}, parseFields('constructor,toString')!)).toEqual({});
  });
});
