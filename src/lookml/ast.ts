/**
 * The LookML syntax tree: a generic key/value tree, not a fixed schema.
 *
 * LookML has one grammar for every file kind (model, view, explore, manifest…);
 * meaning is given later by `src/model`. So the parser keeps every key it sees,
 * in source order, with its location — duplicates included, because the model
 * stage must be able to report them.
 */

/** 1-based line and column, as editors and Looker's validator show them. */
export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** Every stage reports problems as data; exceptions are reserved for bugs. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /**
   * Where the model validator found the problem, as Looker's validator reports it
   * (`model_id`, `explore`, `field_name`). Absent for problems of the text itself.
   */
  readonly model?: string;
  readonly explore?: string;
  /** The field being validated, `view.field` (the join's name for a joined view). */
  readonly field?: string;
}

/** `"quoted string"` — escapes already decoded. */
export interface StringNode {
  readonly kind: 'string';
  readonly value: string;
  readonly loc: Loc;
}

/** An unquoted scalar: identifiers, numbers, `yes`/`no`, `orders.id`, `ALL_FIELDS*`, `-users.email`. */
export interface BareNode {
  readonly kind: 'bare';
  readonly value: string;
  readonly loc: Loc;
}

/** The verbatim text of a `sql…:`/`html:`/`expression:` value up to (not including) `;;`, trimmed. */
export interface SqlNode {
  readonly kind: 'sql';
  readonly value: string;
  readonly loc: Loc;
}

/** `[a, b, c]` or a map-list `[f: "v", g: "w"]` (items are then `PairNode`s). */
export interface ListNode {
  readonly kind: 'list';
  readonly items: readonly (ScalarNode | PairNode)[];
  readonly loc: Loc;
}

/** `{ … }` — the body of a named or anonymous block. */
export interface BlockNode {
  readonly kind: 'block';
  readonly pairs: readonly PairNode[];
  readonly loc: Loc;
}

export type ScalarNode = StringNode | BareNode | SqlNode;
export type ValueNode = ScalarNode | ListNode | BlockNode;

/**
 * `key: value`, `key: name { … }` (named block: `name` set, value is a block)
 * or `key: { … }` (anonymous block). Refinement names keep their leading `+`.
 */
export interface PairNode {
  readonly kind: 'pair';
  readonly key: string;
  readonly name?: string;
  readonly value: ValueNode;
  /** Location of the key. */
  readonly loc: Loc;
  /** Location of the name of a named block. */
  readonly nameLoc?: Loc;
}

export interface LookmlFile {
  readonly path: string;
  readonly pairs: readonly PairNode[];
  readonly diagnostics: readonly Diagnostic[];
}
