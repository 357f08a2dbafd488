/** An explore's final parameters → the `Explore` IR (joins included). */
import type { Diagnostic, PairNode } from '../lookml/ast.ts';
import { pairsToParams, tapeParams } from '../lookml/plain.ts';
import { locAt } from '../lookml/tape.ts';
import type { Explore, Join, JoinType, Relationship } from './types.ts';
import type { ResolvedObject } from './resolve.ts';
import { allPairs, body, compact, diag, lastPair, list, locsOf, nameLoc, str, yesNo } from './ast-util.ts';
import { readFilters } from './fields.ts';
import { blockLocs, blockOf, findValue, listIn, scalarAt, strIn, type TapeBlock } from './tape-read.ts';

const JOIN_TYPES: readonly JoinType[] = ['left_outer', 'inner', 'full_outer', 'cross'];
const RELATIONSHIPS: readonly Relationship[] = ['many_to_one', 'one_to_many', 'one_to_one', 'many_to_many'];

function oneOf<T extends string>(
  b: TapeBlock,
  key: string,
  allowed: readonly T[],
  fallback: T,
  what: string,
  diagnostics: Diagnostic[],
): T {
  const at = findValue(b, key);
  const v = scalarAt(b.src, at);
  if (v === undefined) return fallback;
  const hit = allowed.find((a) => a === v);
  if (hit !== undefined) return hit;
  diagnostics.push(
    diag(`model/invalid-${key.replace(/_/g, '-')}`, 'error', `Unknown ${what} "${v}"; use one of ${allowed.join(', ')}`, locAt(b.src.tape, at)),
  );
  return fallback;
}

function buildJoin(p: PairNode, diagnostics: Diagnostic[]): Join {
  const b = blockOf(p);
  const name = p.name ?? '';
  return compact<Join>({
    name,
    view: strIn(b, 'from') ?? name,
    type: oneOf(b, 'type', JOIN_TYPES, 'left_outer', 'join type', diagnostics),
    relationship: oneOf(b, 'relationship', RELATIONSHIPS, 'many_to_one', 'join relationship', diagnostics),
    sqlOn: strIn(b, 'sql_on'),
    sql: strIn(b, 'sql'),
    foreignKey: strIn(b, 'foreign_key'),
    sqlWhere: strIn(b, 'sql_where'),
    sqlTableName: strIn(b, 'sql_table_name'),
    fields: listIn(b, 'fields'),
    requiredJoins: listIn(b, 'required_joins') ?? [],
    viewLabel: strIn(b, 'view_label'),
    loc: nameLoc(p),
    params: tapeParams(b.src, b.start, b.end),
    paramLocs: blockLocs(b),
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
