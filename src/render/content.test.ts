import { describe, expect, it } from 'vitest';
import { dashboardTarget, renderPagePath, renderPermissions } from './content.ts';

describe('what a render opens', () => {
  it('opens the web UI render page of a dashboard with its filters, style and table mode in the query string', () => {
    expect(renderPagePath({ kind: 'dashboard', id: '12' }, { dashboard_filters: 'Status=complete&Created Date=last 7 days', dashboard_style: 'single_column', long_tables: true }))
      .toBe('/render/dashboards/12?Status=complete&Created+Date=last+7+days&dashboard_style=single_column&long_tables=true');
    expect(renderPagePath({ kind: 'lookml_dashboard', id: 'shop::overview' }, {})).toBe('/render/dashboards/shop%3A%3Aoverview?dashboard_style=tiled');
    expect(renderPagePath({ kind: 'dashboard', id: '3' }, { dashboard_filters: 'A=%2C1', theme: 'dark' })).toBe('/render/dashboards/3?A=%2C1&dashboard_style=tiled&theme=dark');
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
  });
});
