import { describe, expect, it } from 'vitest';
import { canonicalElementId, dashboardTarget, renderPagePath, renderPermissions } from './content.ts';
import { THEMES, themeSettings } from './themes.ts';

describe('what a render opens', () => {
  it('opens the web UI render page of a dashboard with its filters, style and table mode in the query string', () => {
    expect(renderPagePath({ kind: 'dashboard', id: '12' }, { dashboard_filters: 'Status=complete&Created Date=last 7 days', dashboard_style: 'single_column', long_tables: true }))
      .toBe('/render/dashboards/12?Status=complete&Created+Date=last+7+days&dashboard_style=single_column&long_tables=true');
    expect(renderPagePath({ kind: 'lookml_dashboard', id: 'shop::overview' }, {})).toBe('/render/dashboards/shop%3A%3Aoverview?dashboard_style=tiled');
    // An unknown theme never gets this far (the API refuses it); were one stored, the page ignores it.
    expect(renderPagePath({ kind: 'dashboard', id: '3' }, { dashboard_filters: 'A=%2C1', theme: 'dark' })).toBe('/render/dashboards/3?A=%2C1&dashboard_style=tiled');
  });

  it('sends a known theme\'s settings along with its name (the page has no theme API to ask)', () => {
    const path = renderPagePath({ kind: 'dashboard', id: '3' }, { theme: 'Looker' });
    const params = new URL(path, 'http://x').searchParams;
    expect(params.get('theme')).toBe('Looker');
    expect(JSON.parse(params.get('theme_settings') ?? '')).toEqual(THEMES.Looker);
    expect(themeSettings('Looker')).toMatchObject({ background_color: '#f6f8fa', tile_background_color: '#ffffff', show_title: true });
    // Names are exact, and no inherited property counts as a theme.
    expect(themeSettings('looker')).toBeNull();
    expect(themeSettings('toString')).toBeNull();
  });

  it('opens one dashboard element alone, naming a LookML one as dashboard_element answers it', () => {
    expect(renderPagePath({ kind: 'dashboard_element', id: '17' }, {})).toBe('/render/dashboard_elements/17');
    expect(renderPagePath({ kind: 'dashboard_element', id: 'shop::board::t0' }, {})).toBe('/render/dashboard_elements/shop%3A%3Aboard%3A%3Aelement%3A%3At0');
    expect(canonicalElementId('shop::board::element::t0')).toBe('shop::board::element::t0');
    expect(canonicalElementId('shop::board::t0')).toBe('shop::board::element::t0');
    expect(canonicalElementId('17')).toBe('17');
  });

  it('opens looks and queries by id', () => {
    expect(renderPagePath({ kind: 'look', id: '7' }, { dashboard_style: 'tiled' })).toBe('/render/looks/7');
    expect(renderPagePath({ kind: 'query', id: '42' }, {})).toBe('/render/queries/42');
  });

  it('tells LookML dashboards (model::name) from user-defined ones', () => {
    expect(dashboardTarget('shop::overview')).toEqual({ kind: 'lookml_dashboard', id: 'shop::overview' });
    expect(dashboardTarget('15')).toEqual({ kind: 'dashboard', id: '15' });
  });

  it('asks for the permissions that seeing and running the content need', () => {
    expect(renderPermissions({ kind: 'lookml_dashboard', id: 'a::b' })).toEqual(['access_data', 'see_lookml_dashboards']);
    expect(renderPermissions({ kind: 'dashboard', id: '1' })).toEqual(['access_data', 'see_user_dashboards']);
    expect(renderPermissions({ kind: 'look', id: '1' })).toEqual(['access_data', 'see_looks']);
    expect(renderPermissions({ kind: 'query', id: '1' })).toEqual(['access_data']);
    expect(renderPermissions({ kind: 'dashboard_element', id: '4' })).toEqual(['access_data', 'see_user_dashboards']);
    expect(renderPermissions({ kind: 'dashboard_element', id: 'shop::board::t0' })).toEqual(['access_data', 'see_lookml_dashboards']);
  });
});
