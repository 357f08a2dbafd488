/**
 * Dialect lookup by Looker `dialect_name`. Names are matched case-insensitively and a
 * few spellings Looker users write (`bigquery`, `postgresql`) resolve to the canonical one.
 */
import type { Dialect } from './dialect.ts';
import { bigqueryDialect } from './bigquery.ts';
import { duckdbDialect } from './duckdb.ts';
import { postgresDialect } from './postgres.ts';
import { redshiftDialect } from './redshift.ts';
import { snowflakeDialect } from './snowflake.ts';
import { trinoDialect } from './trino.ts';

const DIALECTS: readonly Dialect[] = [bigqueryDialect, duckdbDialect, postgresDialect, redshiftDialect, snowflakeDialect, trinoDialect];

const ALIASES: Readonly<Record<string, string>> = {
  postgresql: 'postgres',
  pg: 'postgres',
  bigquery: 'bigquery_standard_sql',
  bigquery_standard: 'bigquery_standard_sql',
  starburst: 'trino',
};

const BY_NAME = new Map(DIALECTS.map((d) => [d.name, d]));

/** Canonical dialect names, sorted. */
export function dialectNames(): string[] {
  return [...BY_NAME.keys()].sort();
}

export function getDialect(name: string): Dialect {
  const key = name.trim().toLowerCase();
  const found = BY_NAME.get(ALIASES[key] ?? key);
  if (!found) {
    throw new Error(`Unknown SQL dialect ${JSON.stringify(name)}; known dialects: ${dialectNames().join(', ')}`);
  }
  return found;
}
