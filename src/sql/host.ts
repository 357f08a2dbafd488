/**
 * The Liquid host for one query: what `{% condition %}`, `{% parameter %}`, `_in_query` and
 * friends see. Values become SQL only through the dialect's literal functions or the filter compiler.
 */
import { dateBoundSql, filterToSql, parseFilterExpression } from './filters/index.ts';
import type { FilterNode } from './filters/index.ts';
import { QueryError } from './errors.ts';
import type { Expander } from './expand.ts';
import { filterKind } from './kinds.ts';
import type { LiquidHost } from './liquid.ts';
import { lookupField, type QueryScope } from './scope.ts';

const UNQUOTED = /^[A-Za-z0-9_]+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** A Liquid host that also knows which alias the SQL being rendered belongs to (for bare field names). */
export interface QueryHost extends LiquidHost {
  setOwner(alias: string): void;
}

export function makeHost(scope: QueryScope, expander: () => Expander): QueryHost {
  const d = scope.dialect;
  const viewNames = new Set<string>();
  for (const a of scope.aliases.values()) {
    viewNames.add(a.alias);
    viewNames.add(a.view.name);
  }
  let owner = scope.baseAlias;
  const canonical = (name: string): string => {
    const dot = name.indexOf('.');
    // A bare name means a field of the view whose SQL is being rendered.
    if (dot === -1) return `${owner}.${name}`;
    // `{% condition view.f %}` may name the view rather than the alias it is joined as.
    if (scope.aliases.has(name.slice(0, dot))) return name;
    for (const a of scope.aliases.values()) if (a.view.name === name.slice(0, dot)) return `${a.alias}${name.slice(dot)}`;
    return name;
  };
  /** The query's filter on a field, parsed with the field's grammar; undefined when not filtered. */
  const parsedFilter = (name: string): FilterNode | undefined => {
    const fieldName = canonical(name);
    const value = scope.filters.get(fieldName);
    if (value === undefined) return undefined;
    const { field } = lookupField(scope, fieldName);
    const parsed = parseFilterExpression(filterKind(field), value);
    if (!parsed.ok) throw new QueryError('query/bad-filter', `Invalid filter on ${fieldName}: ${parsed.message}`, fieldName);
    return parsed.node;
  };
  return {
    setOwner(alias) {
      owner = alias;
    },
    modelName: scope.model.name,
    exploreName: scope.explore.name,
    dialectName: d.name,
    timezone: scope.timezone,
    viewNames: [...viewNames],
    userAttributes: scope.userAttributes,
    filters: scope.filters,
    isSelected: (f) => scope.selected.has(canonical(f)),
    isInQuery: (f) => scope.inQuery.has(canonical(f)),
    conditionSql(name, sql) {
      const parsed = parsedFilter(name);
      return parsed ? filterToSql(parsed, sql, expander().filterCtx) : '1=1';
    },
    parameterValue(name) {
      const fieldName = canonical(name);
      const { field } = lookupField(scope, fieldName);
      const value = scope.filters.get(fieldName) ?? field.defaultValue ?? '';
      switch (field.type) {
        case 'unquoted': {
          const allowed = field.allowedValues.map((v) => v.value);
          if (allowed.length > 0 ? !allowed.includes(value) : !UNQUOTED.test(value)) {
            throw new QueryError('query/bad-parameter', `Value '${value}' is not allowed for parameter ${fieldName}${allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : ''}.`, fieldName);
          }
          return value;
        }
        case 'number':
          if (!NUMBER.test(value.trim())) throw new QueryError('query/bad-parameter', `Parameter ${fieldName} needs a number, got '${value}'.`, fieldName);
          return d.numberLiteral(value.trim());
        case 'yesno':
          return d.booleanLiteral(/^yes$/i.test(value.trim()));
        default:
          return d.stringLiteral(value);
      }
    },
    dateBound(name, which) {
      const parsed = parsedFilter(name);
      return parsed ? dateBoundSql(parsed, which, expander().filterCtx) : 'NULL';
    },
  };
}
