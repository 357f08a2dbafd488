/**
 * Looker-style LookML validation of a built project.
 *
 * Views are checked on their own (validate-views.ts); cross-view references are
 * checked in the context of each explore that joins the view, since only there is
 * `${users.id}` meaningful. Objects marked `extension: required` are checked only
 * through the objects that extend them. Each problem is reported at the
 * file/line/column that wrote it, once per model that finds it however many of the
 * model's explores expose it, and names where it was found as Looker does: the model,
 * the explore and the field being validated (`Diagnostic.model/explore/field`).
 */
import type { Diagnostic, Loc } from '../lookml/ast.ts';
import type { Explore, Field, Join, Model, Project } from './types.ts';
import { scanRefs, splitRef } from './refs.ts';
import { dedupeDiagnostics, diag, fileLoc, inContext, paramLoc, withContext, type DiagnosticContext } from './ast-util.ts';
import { aliasViews, baseAlias, exploreFields } from './explore-fields.ts';
import {
  checkTarget, checkViews, indexView, refsIn, unknownFieldMessage,
  type ExploreOf, type LocatedRef, type ViewIndex,
} from './validate-views.ts';

/**
 * What went wrong with one `${alias.field}` across every explore that sees it.
 * Only the most specific problem is reported: a missing field in a view that is
 * there, else a view that is not joined (naming the explores), else no such view.
 * Models may disagree on which problem it is, so it is reported once for the whole
 * project (not once per model), naming the model, explore and field that first found it.
 */
interface RefProblem {
  readonly loc: Loc;
  readonly ref: string;
  readonly prefix: string;
  missingField?: { readonly message: string; readonly at: DiagnosticContext };
  notJoined?: { readonly view: string; readonly explores: string[]; readonly at: DiagnosticContext };
  noView?: { readonly message: string; readonly at: DiagnosticContext };
}

interface ExploreContext {
  readonly model: Model;
  readonly explore: Explore;
  readonly index: ReadonlyMap<string, ViewIndex>;
  readonly aliases: ReadonlyMap<string, string>;
  readonly out: Diagnostic[];
  readonly problems: Map<string, RefProblem>;
}

function aliasIndex(ctx: ExploreContext, alias: string): ViewIndex | undefined {
  const viewName = ctx.aliases.get(alias);
  return viewName === undefined ? undefined : ctx.index.get(viewName);
}

function problemAt(ctx: ExploreContext, r: LocatedRef, prefix: string): RefProblem {
  const key = `${r.loc.file}|${r.loc.line}|${r.loc.column}`;
  let p = ctx.problems.get(key);
  if (!p) {
    p = { loc: r.loc, ref: r.ref, prefix };
    ctx.problems.set(key, p);
  }
  return p;
}

function foundAt(ctx: ExploreContext, field: string | undefined): DiagnosticContext {
  return { model: ctx.model.name, explore: ctx.explore.name, field };
}

/**
 * Resolve `${alias.field}`; `source` is the field making the reference, if any, and `field`
 * its name in the explore.
 */
function resolveQualified(ctx: ExploreContext, r: LocatedRef, source: Field | undefined, prefix = '', field?: string): void {
  const alias = r.view!;
  if (r.field === 'SQL_TABLE_NAME') {
    if (!ctx.aliases.has(alias) && !ctx.model.views[alias]) {
      ctx.out.push(diag('model/unknown-view', 'error', `${prefix}\${${r.ref}}: no view named "${alias}" is included in model "${ctx.model.name}"`, r.loc));
    }
    return;
  }
  if (ctx.aliases.has(alias)) {
    const vi = aliasIndex(ctx, alias);
    if (!vi) return;
    const target = vi.byName.get(r.field);
    if (!target) problemAt(ctx, r, prefix).missingField ??= { message: prefix + unknownFieldMessage(r.ref, r.field, vi, alias), at: foundAt(ctx, field) };
    else if (source) checkTarget(source, target, r, ctx.out);
    return;
  }
  const p = problemAt(ctx, r, prefix);
  if (ctx.model.views[alias]) {
    p.notJoined ??= { view: alias, explores: [], at: foundAt(ctx, field) };
    if (!p.notJoined.explores.includes(ctx.explore.name)) p.notJoined.explores.push(ctx.explore.name);
    return;
  }
  p.noView ??= { message: `${prefix}Unknown reference \${${r.ref}}: there is no view or join named "${alias}"`, at: foundAt(ctx, field) };
}

function reportRefProblems(problems: ReadonlyMap<string, RefProblem>, out: Diagnostic[]): void {
  for (const p of problems.values()) {
    if (p.missingField !== undefined) {
      out.push(inContext(diag('model/unknown-reference', 'error', p.missingField.message, p.loc), p.missingField.at));
    } else if (p.notJoined) {
      const { view, explores, at } = p.notJoined;
      const list = explores.map((e) => `"${e}"`).join(', ');
      const where = explores.length === 1 ? `explore ${list}` : `explores ${list}`;
      out.push(
        inContext(diag('model/view-not-joined', 'error', `${p.prefix}\${${p.ref}} references view "${view}", which is not joined in ${where}; add a join for "${view}" or reference a joined view`, p.loc), at),
      );
    } else if (p.noView !== undefined) {
      out.push(inContext(diag('model/unknown-reference', 'error', p.noView.message, p.loc), p.noView.at));
    }
  }
}

/** A `field`/`alias.field` name (filters, `foreign_key`, …) that must exist in the explore. */
function checkFieldName(ctx: ExploreContext, name: string, defaultAlias: string, loc: Loc, what: string): void {
  const { view, field } = splitRef(name.trim());
  const alias = view ?? defaultAlias;
  if (!ctx.aliases.has(alias)) {
    ctx.out.push(diag('model/unknown-field', 'error', `${what} "${name}": explore "${ctx.explore.name}" has no view or join named "${alias}"`, loc));
    return;
  }
  const vi = aliasIndex(ctx, alias);
  if (vi && !vi.byName.has(field)) {
    ctx.out.push(diag('model/unknown-field', 'error', `${what} "${name}": ${unknownFieldMessage(name, field, vi, alias).replace(/^Unknown field \$\{[^}]*\}: /, '')}`, loc));
  }
}

/** One item of a `fields:` list (explore or join). */
function checkFieldListItem(ctx: ExploreContext, raw: string, defaultAlias: string, loc: Loc): void {
  let item = raw.trim();
  if (item.startsWith('-')) item = item.slice(1).trim();
  if (item === 'ALL_FIELDS*') return;
  const isSet = item.endsWith('*');
  const { view, field } = splitRef(isSet ? item.slice(0, -1) : item);
  const ownView = ctx.aliases.get(defaultAlias);
  const alias = view === undefined || view === ownView ? defaultAlias : view;
  if (!ctx.aliases.has(alias)) {
    ctx.out.push(diag('model/unknown-field', 'error', `"${raw}" in fields: explore "${ctx.explore.name}" has no view or join named "${alias}"`, loc));
    return;
  }
  const vi = aliasIndex(ctx, alias);
  if (!vi) return;
  if (isSet) {
    if (!(field in vi.view.sets)) {
      ctx.out.push(diag('model/unknown-field', 'error', `"${raw}" in fields: view "${vi.view.name}" has no set named "${field}"`, loc));
    }
  } else if (!vi.byName.has(field) && !vi.groups.has(field)) {
    ctx.out.push(diag('model/unknown-field', 'error', `"${raw}" in fields: view "${vi.view.name}" has no field named "${field}"`, loc));
  }
}

function checkFieldList(ctx: ExploreContext, items: readonly string[] | undefined, locs: Readonly<Record<string, Loc>> | undefined, fallback: Loc, defaultAlias: string): void {
  items?.forEach((item, i) => {
    checkFieldListItem(ctx, item, defaultAlias, locs?.[`fields[${i}]`] ?? locs?.fields ?? fallback);
  });
}

function checkJoinNames(ctx: ExploreContext, names: readonly string[], key: string, locs: Readonly<Record<string, Loc>> | undefined, fallback: Loc): void {
  names.forEach((name, i) => {
    if (!ctx.explore.joins.some((j) => j.name === name)) {
      ctx.out.push(
        diag('model/unknown-join', 'error', `${key} names "${name}", which is not a join of explore "${ctx.explore.name}"`, locs?.[`${key}[${i}]`] ?? locs?.[key] ?? fallback),
      );
    }
  });
}

function checkSql(ctx: ExploreContext, refs: readonly LocatedRef[], defaultAlias: string, prefix: string): void {
  for (const r of refs) {
    if (r.ref === 'TABLE') continue;
    if (r.view === undefined) {
      resolveQualified(ctx, { ...r, view: defaultAlias, ref: r.ref }, undefined, prefix);
    } else {
      resolveQualified(ctx, r, undefined, prefix);
    }
  }
}

function checkJoin(ctx: ExploreContext, join: Join): void {
  const { model, explore, out } = ctx;
  const view = model.views[join.view];
  if (!view) {
    out.push(
      diag('model/unknown-view', 'error', `Join "${join.name}" in explore "${explore.name}" reads view "${join.view}", which no file included by model "${model.name}" defines; include its file or fix the join's name/from:`, join.paramLocs?.from ?? join.loc),
    );
  } else if (view.extension) {
    out.push(diag('model/extension-used', 'error', `Join "${join.name}" uses view "${join.view}", which is extension: required and can only be extended`, join.paramLocs?.from ?? join.loc));
  }
  const prefix = `Join "${join.name}": `;
  checkSql(ctx, refsIn(join.params, join.paramLocs, ['sql_on', 'sql', 'sql_where'], join.loc), join.name, prefix);
  if (join.foreignKey !== undefined) {
    const ref = scanRefs(join.foreignKey)[0]?.ref ?? join.foreignKey;
    const loc = join.paramLocs?.foreign_key ?? join.loc;
    checkFieldName(ctx, ref, baseAlias(explore), loc, `foreign_key of join "${join.name}"`);
    if (view && !view.fields.some((f) => f.primaryKey)) {
      out.push(diag('model/foreign-key-without-primary-key', 'error', `Join "${join.name}" uses foreign_key, but view "${view.name}" has no primary key to match it against; add primary_key: yes to one of its dimensions`, loc));
    }
  }
  checkJoinNames(ctx, join.requiredJoins, 'required_joins', join.paramLocs, join.loc);
  checkFieldList(ctx, join.fields, join.paramLocs, join.loc, join.name);
}

function checkExplore(ctx: ExploreContext): void {
  const { model, explore, out } = ctx;
  const start = out.length;
  const base = model.views[explore.view];
  const baseLoc = explore.paramLocs?.from ?? explore.paramLocs?.view_name ?? explore.loc;
  if (!base) {
    out.push(
      diag('model/unknown-view', 'error', `Explore "${explore.name}" is based on view "${explore.view}", which no file included by model "${model.name}" defines; include its file or set from:/view_name:`, baseLoc),
    );
  } else if (base.extension) {
    out.push(diag('model/extension-used', 'error', `Explore "${explore.name}" is based on view "${explore.view}", which is extension: required and can only be extended`, baseLoc));
  }
  const seen = new Set<string>([baseAlias(explore)]);
  for (const join of explore.joins) {
    if (seen.has(join.name)) {
      out.push(diag('model/duplicate-join', 'error', `Explore "${explore.name}" joins "${join.name}" more than once; give the second join another name and from: ${join.view}`, join.loc));
    }
    seen.add(join.name);
    checkJoin(ctx, join);
  }
  // A field the explore's fields: list leaves out cannot be queried there, so its references to
  // views this explore does not join are not errors (Looker's usual fix for such fields).
  // Without any fields: list every field is visible, and the (costly) set is not needed.
  const restricted = explore.fields !== undefined || explore.joins.some((j) => j.fields !== undefined);
  let visible: ReadonlySet<string> | undefined;
  for (const [alias, viewName] of ctx.aliases) {
    const vi = ctx.index.get(viewName);
    if (!vi) continue;
    for (const { field: f, ref, filter } of vi.crossView) {
      if (restricted && !(visible ??= new Set(exploreFields(model, explore).keys())).has(`${alias}.${f.name}`)) continue;
      const at = out.length;
      const field = `${alias}.${f.name}`;
      if (ref) resolveQualified(ctx, ref, f, '', field);
      else if (filter) checkFieldName(ctx, filter.field, alias, filter.loc ?? paramLoc(f, 'filters') ?? f.loc, `Filter of measure "${f.name}"`);
      if (out.length !== at) withContext(out, at, { field });
    }
  }
  const alias = baseAlias(explore);
  checkSql(ctx, refsIn(explore.params, explore.paramLocs, ['sql_always_where', 'sql_always_having'], explore.loc), alias, '');
  checkJoinNames(ctx, explore.alwaysJoin, 'always_join', explore.paramLocs, explore.loc);
  checkFieldList(ctx, explore.fields, explore.paramLocs, explore.loc, alias);
  const locs = explore.paramLocs;
  for (const c of explore.alwaysFilter) checkFieldName(ctx, c.field, alias, c.loc ?? locs?.always_filter ?? explore.loc, 'always_filter field');
  for (const c of explore.conditionallyFilter?.filters ?? []) checkFieldName(ctx, c.field, alias, c.loc ?? locs?.conditionally_filter ?? explore.loc, 'conditionally_filter field');
  for (const u of explore.conditionallyFilter?.unless ?? []) checkFieldName(ctx, u, alias, locs?.conditionally_filter ?? explore.loc, 'conditionally_filter unless field');
  for (const a of explore.accessFilters) checkFieldName(ctx, a.field, alias, locs?.access_filter ?? explore.loc, 'access_filter field');
  withContext(out, start, { explore: explore.name });
}

/** Native derived tables: their columns must be fields the source explore exposes. */
function checkNativeDerivedTables(model: Model, out: Diagnostic[], exploreOf: ExploreOf): void {
  for (const view of Object.values(model.views)) {
    const es = view.derivedTable?.exploreSource;
    if (view.extension || !es) continue;
    const explore = model.explores[es.explore];
    if (!explore) continue;
    const at = out.length;
    const fields = exploreFields(model, explore);
    const loc = es.loc ?? view.loc;
    const known = (name: string): boolean => fields.has(name) || fields.has(`${baseAlias(explore)}.${name}`);
    for (const c of es.columns) {
      const name = c.field ?? c.name;
      if (!known(name)) {
        out.push(diag('model/unknown-field', 'error', `Column "${c.name}" of explore_source "${es.explore}" in view "${view.name}": explore "${es.explore}" has no field "${name}"`, c.loc ?? loc));
      }
    }
    for (const f of es.filters) {
      if (!known(f.field)) {
        out.push(diag('model/unknown-field', 'error', `Filter on "${f.field}" in explore_source "${es.explore}" of view "${view.name}": explore "${es.explore}" has no such field`, f.loc ?? loc));
      }
    }
    // A view's problem like any other (see checkViews), though found among the source explore's fields.
    if (out.length !== at) withContext(out, at, { explore: exploreOf(view.name) });
  }
}

function compareText(a: string | undefined, b: string | undefined): number {
  return a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || compareText(a.code, b.code) || compareText(a.model, b.model);
}

/**
 * The build's diagnostics (parse errors, unknown parameters, …) are made once per file, not per
 * model: each names the model that is its file, else the first model that includes the file.
 */
function buildDiagnostics(project: Project): Diagnostic[] {
  const list = project.diagnostics;
  if (list.length === 0) return [];
  const models = Object.values(project.models);
  const modelOf = new Map<string, string>();
  for (const m of models) if (!modelOf.has(m.file)) modelOf.set(m.file, m.name);
  for (const m of models) for (const f of m.includedFiles) if (!modelOf.has(f)) modelOf.set(f, m.name);
  return list.map((d) => inContext(d, { model: modelOf.get(d.file) }));
}

/** Every problem in the project: build diagnostics plus the checks above, sorted by position. */
export function validateProject(project: Project): Diagnostic[] {
  const out = buildDiagnostics(project);
  const problems = new Map<string, RefProblem>();
  for (const model of Object.values(project.models)) {
    const start = out.length;
    if (model.connection === undefined || model.connection.trim() === '') {
      out.push(diag('model/no-connection', 'error', `Model "${model.name}" has no connection; add connection: "<name>" to ${model.file}`, fileLoc(model.file)));
    }
    const explores: { explore: Explore; aliases: Map<string, string> }[] = [];
    const firstExplore = new Map<string, string>();
    for (const explore of Object.values(model.explores)) {
      if (explore.extension) continue;
      const aliases = aliasViews(explore);
      explores.push({ explore, aliases });
      for (const view of aliases.values()) if (!firstExplore.has(view)) firstExplore.set(view, explore.name);
    }
    const exploreOf: ExploreOf = (view) => firstExplore.get(view);
    const index = new Map(Object.values(model.views).map((v) => [v.name, indexView(v)] as const));
    checkViews(model, index, out, exploreOf);
    for (const { explore, aliases } of explores) checkExplore({ model, explore, index, aliases, out, problems });
    checkNativeDerivedTables(model, out, exploreOf);
    withContext(out, start, { model: model.name });
  }
  reportRefProblems(problems, out);
  return dedupeDiagnostics(out).sort(compareDiagnostics);
}
