/**
 * Looker expressions (custom filters today, table calculations later): parse once into a
 * plain AST, then compile to SQL for any dialect through an `ExpressionContext` that says
 * what a `${view.field}` is in the place the expression is used.
 */
export type { BinaryOp, CallExpr, Expr, ExprType, FieldExpr } from './ast.ts';
export { fieldRefs } from './ast.ts';
export { parseExpression } from './parser.ts';
export { compileCondition, compileExpression, type CompiledExpr, type ExpressionContext } from './to-sql.ts';
export { filterExpressionSql, prepareFilterExpression, type PreparedFilterExpression } from './query-filter.ts';
