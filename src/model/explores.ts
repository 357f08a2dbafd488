/** An explore's final parameters → the `Explore` IR (joins included). */
import type { Diagnostic, PairNode } from '../lookml/ast.ts';
import { pairsToParams } from '../lookml/plain.ts';
import type { Explore, Join, JoinType, Relationship } from './types.ts';
import type { ResolvedObject } from './merge.ts';
import { allPairs, body, compact, diag, lastPair, list, locsOf, nameLoc, str, yesNo } from './ast-util.ts';
import { readFilters } from './fields.ts';

const JOIN_TYPES: readonly JoinType[] = ['left_outer', 'inner', 'full_outer', 'cross'];
const RELATIONSHIPS: readonly Relationship[] = ['many_to_one', 'one_to_many', 'one_to_one', 'many_to_many'];

function oneOf<T extends string>(
  pairs: readonly PairNode[],
  key: string,
  allowed: readonly T[],
  fallback: T,
  what: string,
  diagnostics: Diagnostic[],
): T {
  const p = lastPair(pairs, key);
  const v = str(pairs, key);
  if (v === undefined || !p) return fallback;
  const hit = allowed.find((a) => a === v);
  if (hit !== undefined) return hit;
  diagnostics.push(
    diag(`model/invalid-${key.replace(/_/g, '-')}`, 'error', `Unknown ${what} "${v}"; use one of ${allowed.join(', ')}`, p.value.loc),
  );
  return fallback;
}

function buildJoin(p: PairNode, diagnostics: Diagnostic[]): Join {
  const b = body(p);
  const name = p.name ?? '';
  return compact<Join>({
    name,
    view: str(b, 'from') ?? name,
    type: oneOf(b, 'type', JOIN_TYPES, 'left_outer', 'join type', diagnostics),
    relationship: oneOf(b, 'relationship', RELATIONSHIPS, 'many_to_one', 'join relationship', diagnostics),
    sqlOn: str(b, 'sql_on'),
    sql: str(b, 'sql'),
    foreignKey: str(b, 'foreign_key'),
    sqlWhere: str(b, 'sql_where'),
    sqlTableName: str(b, 'sql_table_name'),
    fields: list(b, 'fields'),
    requiredJoins: list(b, 'required_joins') ?? [],
    viewLabel: str(b, 'view_label'),
    loc: nameLoc(p),
    params: pairsToParams(b),
    paramLocs: locsOf(b),
  });
}

export function buildExplore(obj: ResolvedObject, diagnostics: Diagnostic[]): Explore {
  const pairs = obj.pairs;
  const viewName = str(pairs, 'view_name');
  const from = str(pairs, 'from');
  const cf = lastPair(pairs, 'conditionally_filter');
  const own = pairs.filter((p) => p.key !== 'join');
  return compact<Explore>({
    name: obj.name,
    file: obj.def.loc.file,
    loc: nameLoc(obj.def),
    label: str(pairs, 'label'),
    description: str(pairs, 'description'),
    groupLabel: str(pairs, 'group_label'),
    viewLabel: str(pairs, 'view_label'),
    hidden: yesNo(pairs, 'hidden') ?? false,
    extension: str(pairs, 'extension') === 'required',
    view: from ?? viewName ?? obj.name,
    alias: viewName ?? obj.name,
    joins: allPairs(pairs, 'join')
      .filter((j) => j.name !== undefined)
      .map((j) => buildJoin(j, diagnostics)),
    fields: list(pairs, 'fields'),
    sqlAlwaysWhere: str(pairs, 'sql_always_where'),
    sqlAlwaysHaving: str(pairs, 'sql_always_having'),
    alwaysFilter: allPairs(pairs, 'always_filter').flatMap((p) => readFilters(body(p))),
    conditionallyFilter: cf
      ? { filters: readFilters(body(cf)), unless: list(body(cf), 'unless') ?? [] }
      : undefined,
    accessFilters: allPairs(pairs, 'access_filter').map((p) => ({
      field: str(body(p), 'field') ?? '',
      userAttribute: str(body(p), 'user_attribute') ?? '',
    })),
    alwaysJoin: list(pairs, 'always_join') ?? [],
    symmetricAggregates: yesNo(pairs, 'symmetric_aggregates') ?? true,
    params: pairsToParams(own),
    paramLocs: locsOf(own),
  });
}
