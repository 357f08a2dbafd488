/** A view's final parameters → the `View` IR. */
import type { Diagnostic, PairNode } from '../lookml/ast.ts';
import { pairsToParams } from '../lookml/plain.ts';
import type { DerivedTable, View } from './types.ts';
import type { ResolvedObject } from './resolve.ts';
import { allPairs, body, compact, isScalar, lastPair, list, locsOf, nameLoc, num, str } from './ast-util.ts';
import { buildFields, isFieldKey, readFilters } from './fields.ts';

const NOT_PERSISTENCE = new Set(['sql', 'explore_source']);

function exploreSource(p: PairNode): NonNullable<DerivedTable['exploreSource']> {
  const b = body(p);
  const sortsPair = lastPair(b, 'sorts');
  const sorts: { field: string; desc: boolean }[] = [];
  if (sortsPair?.value.kind === 'list') {
    for (const item of sortsPair.value.items) {
      if (item.kind === 'pair') {
        const dir = isScalar(item.value) ? item.value.value.toLowerCase() : 'asc';
        sorts.push({ field: item.key, desc: dir === 'desc' });
      } else {
        sorts.push({ field: item.value, desc: false });
      }
    }
  }
  const bindAll = str(b, 'bind_all_filters');
  return compact({
    explore: p.name ?? '',
    columns: allPairs(b, 'column')
      .filter((c) => c.name !== undefined)
      .map((c) => {
        const field = str(body(c), 'field');
        const loc = lastPair(body(c), 'field')?.value.loc ?? nameLoc(c);
        return field === undefined ? { name: c.name!, loc } : { name: c.name!, field, loc };
      }),
    derivedColumns: allPairs(b, 'derived_column')
      .filter((c) => c.name !== undefined)
      .map((c) => ({ name: c.name!, sql: str(body(c), 'sql') ?? '' })),
    filters: readFilters(b),
    bindFilters: allPairs(b, 'bind_filters').map((f) => ({
      fromField: str(body(f), 'from_field') ?? '',
      toField: str(body(f), 'to_field') ?? '',
    })),
    bindAllFilters: bindAll === 'yes',
    limit: num(b, 'limit'),
    sorts,
    loc: nameLoc(p),
  });
}

function derivedTable(p: PairNode): DerivedTable {
  const b = body(p);
  const es = lastPair(b, 'explore_source');
  return compact<DerivedTable>({
    sql: str(b, 'sql'),
    exploreSource: es ? exploreSource(es) : undefined,
    persistence: pairsToParams(b.filter((q) => !NOT_PERSISTENCE.has(q.key))),
    paramLocs: locsOf(b),
  });
}

export function buildView(obj: ResolvedObject, fiscalMonthOffset: number, diagnostics: Diagnostic[]): View {
  const pairs = obj.pairs;
  const sets: Record<string, readonly string[]> = {};
  for (const s of allPairs(pairs, 'set')) {
    if (s.name !== undefined) sets[s.name] = list(body(s), 'fields') ?? [];
  }
  const own = pairs.filter((p) => !isFieldKey(p.key) && p.key !== 'set');
  const dt = lastPair(pairs, 'derived_table');
  return compact<View>({
    name: obj.name,
    file: obj.def.loc.file,
    loc: nameLoc(obj.def),
    label: str(pairs, 'label'),
    sqlTableName: str(pairs, 'sql_table_name'),
    derivedTable: dt?.value.kind === 'block' ? derivedTable(dt) : undefined,
    extension: str(pairs, 'extension') === 'required',
    fields: buildFields(obj.name, pairs, fiscalMonthOffset, diagnostics),
    sets,
    params: pairsToParams(own),
    paramLocs: locsOf(own),
  });
}
