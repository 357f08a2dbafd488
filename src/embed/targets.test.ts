import { describe, expect, it } from 'vitest';
import { EmbedError } from './errors.ts';
import { parseEmbedTarget, targetFromApi } from './targets.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof EmbedError) return error.code;
    throw error;
  }
  return 'ok';
}

describe('parseEmbedTarget', () => {
  it('dashboards (user-defined and LookML), looks and explores', () => {
    expect(parseEmbedTarget('/embed/dashboards/12?embed_domain=https://app.example&sdk=3')).toMatchObject({
      url: '/embed/dashboards/12?embed_domain=https://app.example&sdk=3', page: { kind: 'dashboards', id: '12' }, model: null,
    });
    expect(parseEmbedTarget('/embed/dashboards/shop::overview').model).toBe('shop');
    expect(parseEmbedTarget('/embed/looks/3').page).toEqual({ kind: 'looks', id: '3' });
    expect(parseEmbedTarget('/embed/explore/shop/orders?qid=abc')).toMatchObject({ page: { kind: 'explore', model: 'shop', explore: 'orders' }, model: 'shop' });
    expect(parseEmbedTarget('embed/looks/3').url).toBe('/embed/looks/3');
    expect(parseEmbedTarget('/embed/dashboards/1?x=1').params.get('x')).toBe('1');
  });

  it.each([
    '/dashboards/1', '//evil.example/embed/dashboards/1', '/embed/../admin', '/embed/dashboards/1/edit', '/embed/looks/abc',
    '/embed/explore/shop', '/embed/sql', '/embed/dashboards/1\r\nSet-Cookie: x=1', '/embed\\dashboards/1', 'https://evil.example/embed/looks/1',
    '/embed/%2e%2e/x',
  ])('refuses %j', (target) => {
    expect(code(() => parseEmbedTarget(target))).toBe('bad_target');
  });
});

describe('targetFromApi', () => {
  it('takes complete URLs and paths, adding /embed as Looker does', () => {
    expect(targetFromApi('https://bi.example:9999/dashboards/34?Status=complete').url).toBe('/embed/dashboards/34?Status=complete');
    expect(targetFromApi('/embed/looks/2').url).toBe('/embed/looks/2');
    expect(targetFromApi('explore/shop/orders').url).toBe('/embed/explore/shop/orders');
  });

  it('refuses pages that cannot be embedded', () => {
    expect(code(() => targetFromApi('https://bi.example/admin/users'))).toBe('bad_target');
  });
});
