import { describe, expect, it } from 'vitest';
import type { Field, GroupInfo } from '../../model/types.ts';
import { fieldLabels, intervalLabel, lookmlLink, projectFilePath, timeframeLabel, titleCase } from './lookml-labels.ts';

function fieldOf(over: Partial<Field>): Field {
  return {
    view: 'v', name: 'f', category: 'dimension', type: 'string', primaryKey: false, hidden: false, filters: [],
    allowedValues: [], suggestions: [], drillFields: [], tags: [], requiredFields: [],
    loc: { file: 'v.view.lkml', line: 1, column: 1 }, params: {}, ...over,
  };
}

const time = (name: string, timeframe: GroupInfo['timeframe']): GroupInfo =>
  ({ name, kind: 'time', timeframe, datatype: 'timestamp', convertTz: true });

describe('labels', () => {
  it('title-cases names word by word, ID in capitals', () => {
    expect(titleCase('estimated_votes_in')).toBe('Estimated Votes In');
    expect(titleCase('order_id')).toBe('Order ID');
    expect(titleCase('id')).toBe('ID');
    expect(titleCase('thelook')).toBe('Thelook');
    expect(titleCase('_sdc__batched')).toBe('Sdc Batched');
    expect(titleCase('ordersUSD')).toBe('OrdersUSD');
  });

  it('names timeframes and intervals as Looker does', () => {
    expect(timeframeLabel('day_of_week')).toBe('Day of Week');
    expect(timeframeLabel('fiscal_quarter_of_year')).toBe('Fiscal Quarter of Year');
    expect(timeframeLabel('month_name')).toBe('Month Name');
    expect(intervalLabel('day')).toBe('Days');
  });

  it('composes field labels', () => {
    expect(fieldLabels(fieldOf({ name: 'user_id' }), 'Orders')).toEqual({
      label: 'Orders User ID', labelShort: 'User ID', viewLabel: 'Orders', fieldGroupLabel: null, fieldGroupVariant: 'User ID',
    });
    expect(fieldLabels(fieldOf({ name: 'created_week', group: time('created', 'week') }), 'Orders')).toEqual({
      label: 'Orders Created Week', labelShort: 'Created Week', viewLabel: 'Orders', fieldGroupLabel: 'Created Date', fieldGroupVariant: 'Week',
    });
    expect(fieldLabels(fieldOf({ name: 'created_week', label: 'Placed', groupItemLabel: 'Wk', group: time('created', 'week') }), 'Orders'))
      .toMatchObject({ labelShort: 'Placed Week', fieldGroupLabel: 'Placed Date', fieldGroupVariant: 'Wk' });
    const duration: GroupInfo = { name: 'wait', kind: 'duration', interval: 'hour', datatype: 'timestamp', convertTz: true };
    expect(fieldLabels(fieldOf({ name: 'hours_wait', group: duration, viewLabel: 'Timing' }), 'Orders')).toEqual({
      label: 'Timing Hours Wait', labelShort: 'Hours Wait', viewLabel: 'Timing', fieldGroupLabel: 'Duration Wait', fieldGroupVariant: 'Hours',
    });
  });

  it('links files, imported ones under imported_projects', () => {
    expect(projectFilePath('//shared/views/a.view.lkml')).toEqual({ project: 'shared', path: 'imported_projects/shared/views/a.view.lkml' });
    expect(projectFilePath('views/a.view.lkml')).toEqual({ project: undefined, path: 'views/a.view.lkml' });
    expect(lookmlLink('', 'my proj', 'views/a b.view.lkml', 7)).toBe('/projects/my%20proj/files/views%2Fa%20b.view.lkml?line=7');
    expect(lookmlLink('', 'p', '//shared/x.view.lkml', 2)).toBe('/projects/p/files/imported_projects%2Fshared%2Fx.view.lkml?line=2');
  });
});
