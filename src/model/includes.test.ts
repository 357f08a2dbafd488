import { describe, expect, it } from 'vitest';
import { build, parseAll, where } from './test-util.ts';

const view = (name: string): string => `view: ${name} { dimension: id {} }`;

describe('include resolution', () => {
  it('matches globs, implicit extensions, root-absolute and relative paths', () => {
    const p = build({
      'm.model.lkml': [
        'connection: "db"',
        'include: "/views/*.view"',
        'include: "explores/orders.explore.lkml"',
        'include: "/dashboards/*.dashboard"',
      ],
      'views/a.view.lkml': view('a'),
      'views/b.view.lkml': view('b'),
      'views/sub/c.view.lkml': view('c'),
      'explores/orders.explore.lkml': ['include: "../views/sub/*.view.lkml"', 'explore: a {}'],
      'other/d.view.lkml': view('d'),
    }, { otherPaths: ['dashboards/sales.dashboard.lookml'] });
    const m = p.models.m!;
    expect(Object.keys(m.views).sort()).toEqual(['a', 'b', 'c']);
    expect(Object.keys(m.explores)).toEqual(['a']);
    expect(m.includedFiles).toEqual([
      'views/a.view.lkml',
      'views/b.view.lkml',
      'views/sub/c.view.lkml',
      'explores/orders.explore.lkml',
    ]);
    expect(m.dashboards).toEqual(['dashboards/sales.dashboard.lookml']);
    expect(p.diagnostics).toEqual([]);
  });

  it('follows ** across folders, including the folder itself', () => {
    const p = build({
      'm.model.lkml': ['connection: "db"', 'include: "/**/*.view"'],
      'top.view.lkml': view('top'),
      'a/x.view.lkml': view('x'),
      'a/b/y.view.lkml': view('y'),
      'a/b/not_a_view.lkml': 'view: z {}',
    });
    expect(Object.keys(p.models.m!.views).sort()).toEqual(['top', 'x', 'y']);
  });

  it('"/views/*" without an extension matches every LookML file there', () => {
    const p = build({
      'm.model.lkml': ['connection: "db"', 'include: "/views/*"'],
      'views/a.view.lkml': view('a'),
      'views/refine.lkml': 'view: +a { dimension: extra {} }',
    });
    expect(p.models.m!.views.a!.fields.map((f) => f.name)).toEqual(['id', 'extra']);
  });

  it('a model file in a subfolder resolves relative includes from its folder', () => {
    const p = build({
      'models/m.model.lkml': ['connection: "db"', 'include: "../views/*.view"'],
      'views/a.view.lkml': view('a'),
    });
    expect(Object.keys(p.models.m!.views)).toEqual(['a']);
  });

  it('warns, like Looker, when an include matches nothing', () => {
    const p = build({
      'm.model.lkml': ['connection: "db"', 'include: "/views/*.view"', 'include: "/nope/*.view"'],
      'views/a.view.lkml': view('a'),
    });
    expect(p.diagnostics).toEqual([
      {
        code: 'model/include-not-found',
        severity: 'warning',
        message: 'Could not find a file that matches include "/nope/*.view"',
        file: 'm.model.lkml',
        line: 3,
        column: 10,
      },
    ]);
  });

  it('does not include model files or loop on include cycles', () => {
    const p = build({
      'm.model.lkml': ['connection: "db"', 'include: "*.lkml"'],
      'other.model.lkml': ['connection: "db"', 'view: from_other_model {}'],
      'a.lkml': ['include: "b.lkml"', 'view: a {}'],
      'b.lkml': ['include: "a.lkml"', 'view: b {}'],
    });
    expect(Object.keys(p.models.m!.views)).toEqual(['b', 'a']);
    expect(p.models.m!.includedFiles).toEqual(['b.lkml', 'a.lkml']);
    expect(p.diagnostics).toEqual([]);
  });

  it('reports //project imports that are not declared, and skips declared ones not supplied', () => {
    const p = build({
      'manifest.lkml': ['project_name: "me"', 'local_dependency: { project: "shared" }'],
      'm.model.lkml': ['connection: "db"', 'include: "//shared/views/*.view"', 'include: "//ghost/x.view"'],
    });
    expect(p.manifest.localDependencies).toEqual([{ projectName: 'shared' }]);
    expect(where(p.diagnostics)).toEqual([
      ['model/unresolved-import', 2, 10],
      ['model/unresolved-import', 3, 10],
    ]);
    expect(p.diagnostics.map((d) => d.severity)).toEqual(['warning', 'error']);
    expect(p.diagnostics[1]!.message).toBe(
      'Cannot include "//ghost/x.view": project "ghost" is not declared as a local_dependency or remote_dependency in manifest.lkml',
    );
  });

  it('reads imported projects when supplied, with their own constants and overrides', () => {
    const shared = parseAll({
      'manifest.lkml': ['constant: SCHEMA { value: "public" export: override_optional }', 'constant: T { value: "t" }'],
      'views/base.view.lkml': ['include: "/views/more/*.view"', 'view: base { sql_table_name: @{SCHEMA}.@{T} ;; }'],
      'views/more/extra.view.lkml': 'view: extra {}',
    });
    const p = build(
      {
        'manifest.lkml': [
          'project_name: "me"',
          'local_dependency: {',
          '  project: "shared"',
          '  override_constant: SCHEMA { value: "prod" }',
          '}',
        ],
        'm.model.lkml': ['connection: "db"', 'include: "//shared/views/*.view"', 'view: +base { label: "Base" }'],
      },
      { importedProjects: { shared } },
    );
    const m = p.models.m!;
    expect(m.includedFiles).toEqual(['//shared/views/more/extra.view.lkml', '//shared/views/base.view.lkml']);
    expect(m.views.base!.sqlTableName).toBe('prod.t');
    expect(m.views.base!.label).toBe('Base');
    expect(Object.keys(m.views).sort()).toEqual(['base', 'extra']);
    expect(p.diagnostics).toEqual([]);
  });

  it('keeps each model to the views it includes', () => {
    const p = build({
      'a.model.lkml': ['connection: "db"', 'include: "x.view"'],
      'b.model.lkml': ['connection: "db"', 'include: "y.view"'],
      'x.view.lkml': view('x'),
      'y.view.lkml': view('y'),
    });
    expect(Object.keys(p.models.a!.views)).toEqual(['x']);
    expect(Object.keys(p.models.b!.views)).toEqual(['y']);
  });
});
