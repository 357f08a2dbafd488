/**
 * Looker expressions (Lexp: custom filters, custom fields, table calculations) as a small
 * tree of plain data. Every node keeps the character range it came from, so errors found
 * while type-checking or compiling can point at the exact place in the user's text.
 */

/** The value types of Looker expressions; `null` is the type of the `null` literal only. */
export type ExprType = 'number' | 'string' | 'date' | 'boolean' | 'null';

export type BinaryOp =
  | '+' | '-' | '*' | '/'
  | '=' | '!=' | '<' | '>' | '<=' | '>='
  | 'and' | 'or';

interface At {
  /** 0-based offset of the node's first character. */
  readonly pos: number;
  /** 0-based offset just past the node's last character. */
  readonly end: number;
}

export type Expr =
  /** A finite decimal as written (`12`, `-0.5`, `1e3`); negative when a unary minus was folded in. */
  | (At & { readonly kind: 'number'; readonly value: string })
  /** A `"double quoted"` string, escapes resolved. */
  | (At & { readonly kind: 'string'; readonly value: string })
  /** A `` `backtick` `` Looker filter expression (only meaningful as `matches_filter`'s second argument). */
  | (At & { readonly kind: 'filter'; readonly text: string })
  | (At & { readonly kind: 'boolean'; readonly value: boolean })
  | (At & { readonly kind: 'null' })
  /** `${view.field}`: `name` is `view.field`. */
  | (At & { readonly kind: 'field'; readonly name: string })
  | (At & { readonly kind: 'unary'; readonly op: '-' | 'not'; readonly operand: Expr })
  | (At & { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr })
  /** `name(args…)`; `name` is lower-cased (Looker function names are case-insensitive). */
  | (At & { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] });

export type CallExpr = Extract<Expr, { kind: 'call' }>;
export type FieldExpr = Extract<Expr, { kind: 'field' }>;

/** Every `${view.field}` in the expression, in source order (duplicates kept). */
export function fieldRefs(expr: Expr): FieldExpr[] {
  const out: FieldExpr[] = [];
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'field': out.push(e); break;
      case 'unary': walk(e.operand); break;
      case 'binary': walk(e.left); walk(e.right); break;
      case 'call': e.args.forEach(walk); break;
      default: break;
    }
  };
  walk(expr);
  return out;
}
