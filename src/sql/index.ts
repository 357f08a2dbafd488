/** The SQL stage: Looker query + resolved model → SQL text for one dialect. */
export { compileQuery, DEFAULT_LIMIT, findExplore, parseLimit } from './compile.ts';
export { QueryError, type QueryErrorCode } from './errors.ts';
export { applyPostSql } from './post-sql.ts';
export type { CompiledField, CompiledQuery, CompileOptions, LookerQuery } from './query.ts';
