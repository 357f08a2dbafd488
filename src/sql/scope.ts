/**
 * Per-query state shared by the compiler's parts: which aliases exist in the explore,
 * field lookup, the query's filters, and the user's attributes.
 */
import type { Explore, Field, Join, Model, View } from '../model/types.ts';
import type { Dialect, WeekDay } from './dialects/dialect.ts';
import { QueryError } from './errors.ts';
import type { LookerQuery } from './query.ts';

export interface AliasInfo {
  readonly alias: string;
  readonly view: View;
  /** Undefined for the explore's base alias. */
  readonly join?: Join;
  /** Position in the explore (base = 0), used to keep join order stable. */
  readonly order: number;
}

export interface QueryScope {
  readonly model: Model;
  readonly explore: Explore;
  readonly query: LookerQuery;
  readonly dialect: Dialect;
  readonly aliases: ReadonlyMap<string, AliasInfo>;
  readonly baseAlias: string;
  readonly timezone: string;
  readonly databaseTimezone: string;
  readonly now?: string;
  readonly weekStartDay: WeekDay;
  readonly userAttributes: Readonly<Record<string, string>>;
  /** Non-empty query filters by `alias.field`. */
  readonly filters: ReadonlyMap<string, string>;
  /** Fields in the query's `fields` list. */
  readonly selected: ReadonlySet<string>;
  /** Fields named anywhere in the query (fields, filters, sorts, pivots). */
  readonly inQuery: ReadonlySet<string>;
}

const fieldIndexCache = new WeakMap<View, Map<string, Field>>();

/** Fields of a view by local name; built once per view object (views are immutable). */
export function fieldsOf(view: View): Map<string, Field> {
  let idx = fieldIndexCache.get(view);
  if (!idx) {
    idx = new Map(view.fields.map((f) => [f.name, f]));
    fieldIndexCache.set(view, idx);
  }
  return idx;
}

/** The base view's alias: the explore name, or the view's name with `view_name:`. */
export function baseAliasOf(explore: Explore): string {
  return explore.alias ?? explore.name;
}

const aliasCache = new WeakMap<Explore, Map<string, AliasInfo>>();

/** Aliases of an explore (base + joins), cached per explore object. */
export function aliasesOf(model: Model, explore: Explore): Map<string, AliasInfo> {
  let aliases = aliasCache.get(explore);
  if (aliases) return aliases;
  aliases = new Map();
  const base = model.views[explore.view];
  if (!base) throw new QueryError('query/unknown-explore', `Explore '${explore.name}' reads view '${explore.view}', which is not in model '${model.name}'.`);
  aliases.set(baseAliasOf(explore), { alias: baseAliasOf(explore), view: base, order: 0 });
  explore.joins.forEach((join, i) => {
    const view = model.views[join.view];
    if (view) aliases.set(join.name, { alias: join.name, view, join, order: i + 1 });
  });
  aliasCache.set(explore, aliases);
  return aliases;
}

/** Split `view.field` (the first dot separates; field names never contain dots). */
export function splitFieldName(name: string): { alias: string; field: string } | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return undefined;
  return { alias: name.slice(0, dot), field: name.slice(dot + 1) };
}

/** Look up `alias.field` in the explore, with Looker's error message when it is not there. */
export function lookupField(scope: Pick<QueryScope, 'aliases' | 'explore'>, name: string): { alias: AliasInfo; field: Field } {
  const parts = splitFieldName(name);
  const alias = parts && scope.aliases.get(parts.alias);
  const field = parts && alias && fieldsOf(alias.view).get(parts.field);
  if (!alias || !field) {
    throw new QueryError('query/unknown-field', `Unknown field '${name}' in explore '${scope.explore.name}'.`, name);
  }
  return { alias, field };
}
