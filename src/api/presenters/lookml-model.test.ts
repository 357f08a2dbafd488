import { describe, expect, it } from 'vitest';
import { build } from '../../model/test-util.ts';
import { SHOP_FILES } from '../../sql/test-fixture.ts';
import { validateValue } from '../schema-validate.ts';
import { lookerSpec } from '../spec.ts';
import { lookmlModelJson } from './lookml-model.ts';

type Json = Record<string, unknown>;

function schemaKeys(name: string): string[] {
  return Object.keys(lookerSpec().components.schemas[name]!.properties!).sort();
}

const FILES = {
  'the_look.model.lkml': [
    'connection: "warehouse"',
    'include: "/views/*.view.lkml"',
    'explore: orders { description: "Every order" }',
    'explore: base_orders { extension: required view_name: orders }',
    'explore: admin_orders { extends: [base_orders] hidden: yes label: "Orders (admin)" group_label: "Admin" }',
  ],
  'labelled.model.lkml': ['connection: "warehouse"', 'label: "Sales Analytics"', 'include: "/views/*.view.lkml"', 'explore: orders {}'],
  'views/orders.view.lkml': ['view: orders { dimension: id { type: number } }'],
};

describe('lookmlModelJson', () => {
  const p = build(FILES);

  it('has exactly the keys of LookmlModel and LookmlModelNavExplore, and validates', () => {
    const j = lookmlModelJson(p.models.the_look!, { projectName: 'looker' });
    expect(Object.keys(j).sort()).toEqual(schemaKeys('LookmlModel'));
    for (const e of j.explores as Json[]) expect(Object.keys(e).sort()).toEqual(schemaKeys('LookmlModelNavExplore'));
    expect(validateValue(lookerSpec().components.schemas.LookmlModel!, j, { mode: 'response', rejectUnknown: true }).issues).toEqual([]);
  });

  it('describes the model and its explores as Looker does', () => {
    expect(lookmlModelJson(p.models.the_look!, { projectName: 'looker' })).toEqual({
      can: { index: true, show: true },
      allowed_db_connection_names: [],
      explores: [
        { name: 'orders', description: 'Every order', label: 'Orders', hidden: false, group_label: 'The Look' },
        { name: 'admin_orders', description: null, label: 'Orders (admin)', hidden: true, group_label: 'Admin' },
      ],
      has_content: true,
      label: 'The Look',
      name: 'the_look',
      project_name: 'looker',
      unlimited_db_connections: true,
    });
  });

  it('uses the model label, which explores group under by default', () => {
    const j = lookmlModelJson(p.models.labelled!, { projectName: 'looker' });
    expect(j.label).toBe('Sales Analytics');
    expect(j.explores).toEqual([{ name: 'orders', description: null, label: 'Orders', hidden: false, group_label: 'Sales Analytics' }]);
  });

  it('reports allowed connections and content when given', () => {
    const j = lookmlModelJson(p.models.the_look!, { projectName: 'looker', allowedConnections: ['warehouse', 'replica'], hasContent: false });
    expect([j.allowed_db_connection_names, j.unlimited_db_connections, j.has_content]).toEqual([['warehouse', 'replica'], false, false]);
    const none = lookmlModelJson(p.models.the_look!, { projectName: 'looker', allowedConnections: null });
    expect([none.allowed_db_connection_names, none.unlimited_db_connections]).toEqual([[], true]);
  });

  it('gives Spectacles the model name, project and explore names of the SHOP fixture', () => {
    const shop = build(SHOP_FILES);
    const j = lookmlModelJson(shop.models.shop!, { projectName: 'shop' });
    expect([j.name, j.project_name]).toEqual(['shop', 'shop']);
    expect((j.explores as Json[]).map((e) => e.name)).toEqual(['orders', 'users_only', 'with_params']);
  });
});
