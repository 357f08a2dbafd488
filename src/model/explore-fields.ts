/**
 * What an explore exposes, and which joins reach an alias.
 *
 * Field lists (`fields:` on the explore and on each join) accept `ALL_FIELDS*`,
 * `view.field` (or a bare `field` inside a join, meaning that join's view),
 * `set*`/`view.set*` (sets may nest), a dimension group's name (all its members)
 * and `-view.field` exclusions. A list of exclusions only means "all but these".
 */
import type { Explore, Field, Join, Model } from './types.ts';
import { scanRefs, splitRef } from './refs.ts';

export interface ExploreField {
  /** The alias the field is reached by (explore base alias or join name). */
  readonly alias: string;
  /** The view that defines it. */
  readonly view: string;
  readonly field: Field;
}

export function baseAlias(explore: Explore): string {
  return explore.alias ?? explore.name;
}

/** Every alias of the explore with the view behind it (missing views are skipped). */
export function aliasViews(explore: Explore): Map<string, string> {
  const out = new Map<string, string>();
  out.set(baseAlias(explore), explore.view);
  for (const j of explore.joins) if (!out.has(j.name)) out.set(j.name, j.view);
  return out;
}

interface ListContext {
  readonly model: Model;
  readonly all: ReadonlyMap<string, ExploreField>;
  readonly aliases: ReadonlyMap<string, string>;
  /** Alias a bare name refers to. */
  readonly defaultAlias: string;
}

/** Keys `alias.name` for `name` in `alias`, where `name` may be a dimension group's name. */
function keysFor(ctx: ListContext, alias: string, name: string): string[] {
  const direct = `${alias}.${name}`;
  if (ctx.all.has(direct)) return [direct];
  const out: string[] = [];
  for (const [key, ef] of ctx.all) if (ef.alias === alias && ef.field.group?.name === name) out.push(key);
  return out;
}

function evaluate(items: readonly string[], ctx: ListContext): Set<string> {
  const include = new Set<string>();
  const exclude = new Set<string>();
  const seen = { include: false };
  const visit = (raw: string, alias: string, negate: boolean, stack: readonly string[]): void => {
    let item = raw.trim();
    if (item.startsWith('-')) {
      negate = !negate;
      item = item.slice(1).trim();
    }
    const target = negate ? exclude : include;
    if (!negate) seen.include = true;
    if (item === 'ALL_FIELDS*') {
      for (const key of ctx.all.keys()) target.add(key);
      return;
    }
    const ref = splitRef(item.endsWith('*') ? item.slice(0, -1) : item);
    // A view's own name inside one of its sets means the alias being evaluated.
    const refAlias = ref.view === undefined ? alias : ctx.aliases.has(ref.view) ? ref.view : alias;
    if (item.endsWith('*')) {
      const viewName = ctx.aliases.get(refAlias);
      const set = viewName === undefined ? undefined : ctx.model.views[viewName]?.sets[ref.field];
      const setKey = `${refAlias}.${ref.field}`;
      if (!set || stack.includes(setKey)) return;
      for (const s of set) visit(s, refAlias, negate, [...stack, setKey]);
      return;
    }
    for (const key of keysFor(ctx, refAlias, ref.field)) target.add(key);
  };
  for (const item of items) visit(item, ctx.defaultAlias, false, []);
  const base = seen.include ? include : new Set(ctx.all.keys());
  for (const key of exclude) base.delete(key);
  return base;
}

/** The fields an explore exposes, keyed `alias.field`, in view order (base first, then joins). */
export function exploreFields(model: Model, explore: Explore): Map<string, ExploreField> {
  const aliases = aliasViews(explore);
  const all = new Map<string, ExploreField>();
  const perAlias = new Map<string, Map<string, ExploreField>>();
  for (const [alias, viewName] of aliases) {
    const view = model.views[viewName];
    if (!view) continue;
    const own = new Map<string, ExploreField>();
    for (const field of view.fields) own.set(`${alias}.${field.name}`, { alias, view: viewName, field });
    perAlias.set(alias, own);
  }
  const base = baseAlias(explore);
  for (const [alias, own] of perAlias) {
    const join = alias === base ? undefined : explore.joins.find((j) => j.name === alias);
    if (!join?.fields) {
      for (const [k, v] of own) all.set(k, v);
      continue;
    }
    const keep = evaluate(join.fields, { model, all: own, aliases, defaultAlias: alias });
    for (const [k, v] of own) if (keep.has(k)) all.set(k, v);
  }
  if (!explore.fields) return all;
  const keep = evaluate(explore.fields, { model, all, aliases, defaultAlias: base });
  const out = new Map<string, ExploreField>();
  for (const [k, v] of all) if (keep.has(k)) out.set(k, v);
  return out;
}

/**
 * The `sql_on` a `foreign_key:` join stands for: the key (a base-view field unless
 * qualified) equals the joined view's primary key. Undefined when the joined view
 * or its primary key is missing (the validator reports that).
 */
export function foreignKeySqlOn(model: Model, explore: Explore, join: Join): string | undefined {
  if (join.foreignKey === undefined) return undefined;
  const pk = model.views[join.view]?.fields.find((f) => f.primaryKey);
  if (!pk) return undefined;
  const text = scanRefs(join.foreignKey)[0]?.ref ?? join.foreignKey.trim();
  const { view, field } = splitRef(text);
  return `\${${view ?? baseAlias(explore)}.${field}} = \${${join.name}.${pk.name}}`;
}

/** Aliases a join's SQL (`sql_on`, `sql`, `sql_where`), `foreign_key` and `required_joins` depend on. */
export function joinDependencies(explore: Explore, join: Join): string[] {
  const out: string[] = [];
  const add = (a: string): void => {
    if (a !== join.name && !out.includes(a)) out.push(a);
  };
  for (const sql of [join.sqlOn, join.sql, join.sqlWhere]) {
    if (sql === undefined) continue;
    for (const r of scanRefs(sql)) {
      const { view, field } = splitRef(r.ref);
      if (view !== undefined && field !== 'SQL_TABLE_NAME') add(view);
    }
  }
  if (join.foreignKey !== undefined) {
    const refs = scanRefs(join.foreignKey);
    const text = refs[0]?.ref ?? join.foreignKey.trim();
    add(splitRef(text).view ?? baseAlias(explore));
  }
  for (const r of join.requiredJoins) add(r);
  return out;
}

/**
 * The joins needed for `aliases` (plus `always_join` unless told otherwise), each
 * after the joins it depends on, otherwise in declaration order.
 */
export function requiredJoins(explore: Explore, aliases: Iterable<string>, includeAlwaysJoin = true): Join[] {
  const byName = new Map(explore.joins.map((j) => [j.name, j] as const));
  const needed = new Set<string>();
  const mark = (a: string): void => {
    const j = byName.get(a);
    if (!j || needed.has(a)) return;
    needed.add(a);
    for (const d of joinDependencies(explore, j)) mark(d);
  };
  for (const a of aliases) mark(a);
  if (includeAlwaysJoin) for (const a of explore.alwaysJoin) mark(a);
  const out: Join[] = [];
  const done = new Set<string>();
  const emit = (j: Join): void => {
    if (done.has(j.name)) return;
    done.add(j.name);
    for (const d of joinDependencies(explore, j)) {
      const dj = byName.get(d);
      if (dj && needed.has(d)) emit(dj);
    }
    out.push(j);
  };
  for (const j of explore.joins) if (needed.has(j.name)) emit(j);
  return out;
}

/** The joins needed to reach one alias (empty for the base alias). */
export function resolveJoinPath(explore: Explore, alias: string): Join[] {
  return requiredJoins(explore, [alias], false);
}
