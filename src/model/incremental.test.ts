/**
 * Builds over an earlier build's memo (memo.ts, patch.ts) against full builds of the same files:
 * the same project to the byte (key order included), the same validation, whichever path the
 * incremental build takes (patched model, memo walk, or nothing reusable).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LookmlFile } from '../lookml/ast.ts';
import { parseLookml } from '../lookml/parser.ts';
import { getDialect } from '../sql/dialects/registry.ts';
import { compileQuery } from '../sql/index.ts';
import { SHOP_FILES } from '../sql/test-fixture.ts';
import { buildProject, buildProjectIncremental, validateProject, type BuildMemo, type IncrementalBuild } from './index.ts';
import type { Project } from './types.ts';

type Files = Readonly<Record<string, string>>;

const ROOT = fileURLToPath(new URL('../../test/fixtures/projects/', import.meta.url));

function fixture(name: string): Files {
  const dir = join(ROOT, name);
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  const out: Record<string, string> = {};
  for (const path of walk(dir)) {
    const rel = relative(dir, path).split('\\').join('/');
    if (rel.endsWith('.lkml')) out[rel] = readFileSync(path, 'utf8');
  }
  return out;
}

/** Parsed files shared by path and text, as the content cache shares them by blob. */
const parsedCache = new Map<string, LookmlFile>();

function parseShared(files: Files): LookmlFile[] {
  return Object.entries(files).map(([path, text]) => {
    const key = `${path}\0${text}`;
    let file = parsedCache.get(key);
    if (!file) {
      file = parseLookml(text, path);
      parsedCache.set(key, file);
    }
    return file;
  });
}

function full(files: Files): Project {
  return buildProject(Object.entries(files).map(([path, text]) => parseLookml(text, path)));
}

function production(files: Files): IncrementalBuild & { memo: BuildMemo } {
  const built = buildProjectIncremental(parseShared(files));
  if (!built.memo) throw new Error('no memo recorded');
  return { ...built, memo: built.memo };
}

/** Builds `edited` over `base` both ways (patching, and recording as a commit build would) and checks each against a full build. */
function delta(base: BuildMemo, edited: Files): IncrementalBuild {
  const expected = full(edited);
  const json = JSON.stringify(expected);
  const problems = validateProject(expected);
  let patched: IncrementalBuild | undefined;
  for (const record of [false, true]) {
    const built = buildProjectIncremental(parseShared(edited), {}, base, record);
    expect(JSON.stringify(built.project)).toBe(json);
    expect(validateProject(built.project)).toEqual(problems);
    patched ??= built;
  }
  return patched!;
}

function edit(files: Files, path: string, from: string, to: string): Files {
  const text = files[path];
  if (text === undefined || !text.includes(from)) throw new Error(`${path} has no "${from}"`);
  return { ...files, [path]: text.replace(from, to) };
}

function without(files: Files, path: string): Files {
  return Object.fromEntries(Object.entries(files).filter(([p]) => p !== path));
}

const ER = fixture('extends_refinements');

describe('incremental builds of extends_refinements', () => {
  const base = production(ER);
  const prod = base.project.models.thelook!;

  it('records a memo that rebuilds the same project without building anything', () => {
    const again = delta(base.memo, ER);
    expect(again.stats).toEqual({ built: 0, reused: 7, patched: 1 });
    expect(again.project.models.thelook).toBe(prod);
  });

  it('patches a changed view: it and the views that extend it are rebuilt, the rest are shared', () => {
    const built = delta(base.memo, edit(ER, 'views/users.view.lkml', 'LOWER(${TABLE}.email)', 'UPPER(${TABLE}.email)'));
    const m = built.project.models.thelook!;
    expect(m.views.users!.fields.find((f) => f.name === 'email')!.sql).toBe('UPPER(${TABLE}.email)');
    expect(m.views.vip_users!.fields.find((f) => f.name === 'email')!.sql).toBe('UPPER(${TABLE}.email)');
    expect(m.views.users).not.toBe(prod.views.users);
    expect(m.views.vip_users).not.toBe(prod.views.vip_users);
    expect(m.views.orders).toBe(prod.views.orders);
    expect(m.views.base_entity).toBe(prod.views.base_entity);
    // Explores reading a rebuilt view are new objects (src/sql caches by explore); their syntax did not change.
    for (const e of ['orders_base', 'orders', 'vip_orders']) expect(m.explores[e]).not.toBe(prod.explores[e]);
    expect(built.stats).toEqual({ built: 5, reused: 2, patched: 1 });
  });

  it('patches a refinement file: the refined view is rebuilt', () => {
    const built = delta(base.memo, edit(ER, 'refinements/a_labels.lkml', 'label: "Status A"', 'label: "Status B"'));
    const m = built.project.models.thelook!;
    expect(m.views.orders!.fields.find((f) => f.name === 'status')!.label).toBe('Status B');
    expect(m.views.users).toBe(prod.views.users);
    expect(built.stats).toEqual({ built: 4, reused: 3, patched: 1 });
  });

  it('patches an extended view: every view that extends it, directly or not, is rebuilt', () => {
    const built = delta(base.memo, edit(ER, 'views/base_entity.view.lkml', 'drill_fields: [id]', 'drill_fields: [id, created_date]'));
    const m = built.project.models.thelook!;
    for (const v of ['base_entity', 'orders', 'users', 'vip_users']) {
      expect(m.views[v]).not.toBe(prod.views[v]);
      expect(m.views[v]!.fields.find((f) => f.name === 'count')!.drillFields).toEqual(['id', 'created_date']);
    }
  });

  it('patches a view whose repeated field its parent merges into one, as a full build does', () => {
    const built = delta(base.memo, edit(ER, 'views/orders.view.lkml', 'dimension: status {', 'dimension: user_id {}\n  dimension: status {'));
    expect(built.stats.patched).toBe(1);
  });

  it('patches an explore file', () => {
    const built = delta(base.memo, edit(ER, 'explores/orders.explore.lkml', 'type: inner', 'type: full_outer'));
    const m = built.project.models.thelook!;
    expect(m.explores.orders!.joins.map((j) => j.type)).toEqual(['full_outer']);
    expect(m.views.orders).toBe(prod.views.orders);
  });

  it('patches an extended explore: the explores that extend it are rebuilt', () => {
    const built = delta(base.memo, edit(ER, 'explores/orders.explore.lkml', 'type: left_outer', 'type: inner'));
    const m = built.project.models.thelook!;
    expect(m.explores.vip_orders!.joins.map((j) => [j.name, j.type])).toEqual([['users', 'inner'], ['vip_users', 'left_outer']]);
    for (const e of ['orders_base', 'orders', 'vip_orders']) expect(m.explores[e]).not.toBe(prod.explores[e]);
    expect(built.stats).toEqual({ built: 3, reused: 4, patched: 1 });
  });

  // None of these can be patched: the model is resolved again, from the memo where it can be.
  it.each([
    ['the model file', (f: Files) => edit(f, 'thelook.model.lkml', 'week_start_day: sunday', 'week_start_day: monday')],
    ['a manifest constant', (f: Files) => edit(f, 'manifest.lkml', 'value: "thelook"', 'value: "analytics"')],
    ['an added file', (f: Files) => ({ ...f, 'views/extra.view.lkml': 'view: extra {\n  dimension: x {}\n}\n' })],
    ['a deleted file', (f: Files) => without(f, 'refinements/b_more.lkml')],
    ['a renamed file', (f: Files) => ({ ...without(f, 'views/users.view.lkml'), 'views/people.view.lkml': f['views/users.view.lkml']! })],
    ['a new view in a changed file', (f: Files) => edit(f, 'views/users.view.lkml', 'view: vip_users {', 'view: guests {\n  extends: [users]\n}\n\nview: vip_users {')],
    ['a new include in a view file', (f: Files) => edit(f, 'views/users.view.lkml', 'view: users {', 'include: "/refinements/a_labels.lkml"\nview: users {')],
    ['an unknown parent', (f: Files) => edit(f, 'views/users.view.lkml', 'extends: [base_entity]', 'extends: [nowhere]')],
    ['a parent swapped', (f: Files) => edit(f, 'views/users.view.lkml', 'extends: [base_entity]', 'extends: [orders]')],
    ['a duplicate field', (f: Files) => edit(f, 'views/base_entity.view.lkml', 'measure: count {', 'dimension: id {}\n  measure: count {')],
    ['a refinement after final', (f: Files) => edit(f, 'views/orders.view.lkml', 'extends: [base_entity]', 'extends: [base_entity]\n  final: yes')],
    ['a parse error', (f: Files) => edit(f, 'views/orders.view.lkml', 'dimension: status {', 'dimension: status {{')],
    ['an extends cycle', (f: Files) => edit(f, 'views/base_entity.view.lkml', 'extension: required', 'extension: required\n  extends: [vip_users]')],
  ])('matches a full build after a change to %s', (_name, change) => {
    expect(delta(base.memo, change(ER)).stats.patched).toBe(0);
  });

  it('builds a chain of edits over the previous dev build', () => {
    const first = edit(ER, 'views/orders.view.lkml', 'sql: ${TABLE}.status ;;', 'sql: UPPER(${TABLE}.status) ;;');
    const one = buildProjectIncremental(parseShared(first), {}, base.memo, true);
    const second = edit(first, 'views/users.view.lkml', 'LOWER', 'TRIM');
    const two = delta(one.memo!, second);
    expect(two.project.models.thelook!.views.orders).toBe(one.project.models.thelook!.views.orders);
    delta(one.memo!, ER);
  });

  it('gives the memo up when the constants differ', () => {
    const changed = edit(ER, 'manifest.lkml', 'value: "thelook"', 'value: "analytics"');
    const built = buildProjectIncremental(parseShared(changed), {}, base.memo, false);
    expect(built.stats.reused).toBe(0);
    expect(built.project.models.thelook!.views.orders!.sqlTableName).toBe('analytics.orders');
  });
});

describe('incremental builds of a project with problems', () => {
  const SEEDED = fixture('seeded_errors');
  const base = production(SEEDED);

  it('reuses what did not change and reports exactly what a full build reports', () => {
    expect(validateProject(base.project).length).toBeGreaterThan(0);
    const built = delta(base.memo, edit(SEEDED, 'views/users.view.lkml', 'dimension: email {}', 'dimension: email { label: "Mail" }'));
    // shop's explores reported problems, so it is resolved again (from the memo); nowhere is patched.
    expect(built.stats.patched).toBe(1);
    expect(built.stats.reused).toBeGreaterThan(0);
  });

  it.each([
    ['fixing a problem', (f: Files) => edit(f, 'views/users.view.lkml', 'sql: ${orders.total} ;;', 'sql: 1 ;;')],
    ['deleting a model', (f: Files) => without(f, 'nowhere.model.lkml')],
  ])('matches a full build after %s', (_name, change) => {
    delta(base.memo, change(SEEDED));
  });
});

describe('incremental builds of models sharing files with problems', () => {
  // Problems of explores and fields in files two models include: the memo shares what building
  // an object reported between the models, so what names a model must be made per model.
  const SHARED: Files = {
    'a.model.lkml': 'connection: "db"\ninclude: "*.view"\ninclude: "all.explore"\nexplore: orders {}\n',
    'b.model.lkml': 'connection: "db"\ninclude: "*.view"\ninclude: "all.explore"\n',
    'all.explore.lkml': 'explore: orders { final: yes join: users { type: sideways sql_on: 1=1 ;; } }\nexplore: +orders { label: "x" }\nexplore: users { extends: [nobody] }\n',
    'orders.view.lkml': 'view: orders {\n  dimension: id {}\n  dimension: id {}\n}\n',
    'users.view.lkml': 'view: users {\n  dimension: id {}\n}\n',
  };
  const base = production(SHARED);

  it('reports what a full build reports, with the same context', () => {
    const contexts = base.project.diagnostics.map((d) => [d.code, d.file, d.line, d.model, d.explore, d.field]);
    expect(contexts).toEqual(full(SHARED).diagnostics.map((d) => [d.code, d.file, d.line, d.model, d.explore, d.field]));
    expect(contexts).toContainEqual(['model/duplicate-explore', 'all.explore.lkml', 1, 'a', 'orders', undefined]);
    expect(contexts).toContainEqual(['model/unknown-extends', 'all.explore.lkml', 3, 'b', 'users', undefined]);
    expect(contexts).toContainEqual(['model/refinement-after-final', 'all.explore.lkml', 2, undefined, 'orders', undefined]);
    expect(contexts).toContainEqual(['model/duplicate-field', 'orders.view.lkml', 3, undefined, undefined, 'orders.id']);
    delta(base.memo, SHARED);
    delta(base.memo, edit(SHARED, 'users.view.lkml', 'dimension: id {}', 'dimension: id { label: "Id" }'));
    delta(base.memo, edit(SHARED, 'a.model.lkml', 'explore: orders {}', 'explore: shipments { from: orders }'));
  });
});

describe('incremental builds of a project with two models', () => {
  const base = production(SHOP_FILES);
  const duckdb = getDialect('duckdb');
  const sqlOf = (project: Project): string => compileQuery(project.models.shop!, {
    model: 'shop', view: 'orders', fields: ['orders.status', 'users.state', 'users.count'], filters: { 'users.state': 'CA' },
  }, { dialect: duckdb }).sql;

  it('patches every model that includes a changed view, and compiles the SQL a full build compiles', () => {
    const productionSql = sqlOf(base.project);
    const changed = edit(SHOP_FILES, 'views/users.view.lkml', 'dimension: state {}', 'dimension: state { sql: UPPER(${TABLE}.state) ;; }');
    const built = delta(base.memo, changed);
    expect(built.stats.patched).toBe(2);
    for (const m of ['shop', 'extra']) {
      expect(built.project.models[m]!.views.users).not.toBe(base.project.models[m]!.views.users);
      expect(built.project.models[m]!.views.orders).toBe(base.project.models[m]!.views.orders);
    }
    // Production's explore was compiled first, so its caches are warm: the dev copy must not see them.
    const devSql = sqlOf(built.project);
    expect(devSql).toBe(sqlOf(full(changed)));
    expect(devSql).toContain('UPPER(users.state)');
    expect(productionSql).not.toContain('UPPER(users.state)');
    expect(sqlOf(base.project)).toBe(productionSql);
  });

  it('reuses a model none of whose files changed', () => {
    const changed = edit(SHOP_FILES, 'shop.model.lkml', 'explore: users_only {', 'explore: users_only {\n  label: "Users"');
    const built = delta(base.memo, changed);
    expect(built.project.models.extra).toBe(base.project.models.extra);
    expect(built.project.models.shop).not.toBe(base.project.models.shop);
  });
});
