/**
 * LookML data tests (`test:` blocks): found in the files a project's models include, read into
 * plain data — the `explore_source` query and the `assert`s — with positioned diagnostics for
 * malformed ones. Running them is `data-tests-run.ts`.
 *
 * A test belongs to every model whose includes reach its file (Looker lists tests per model), so
 * the same test can run against several models.
 */
import type { Diagnostic, Loc, LookmlFile, PairNode, ScalarNode, ValueNode } from '../lookml/ast.ts';
import type { Model, Project } from '../model/types.ts';
import { canonicalQuery, type CanonicalQuery } from '../queries/canonical.ts';
import { QueryError } from '../sql/errors.ts';
import { parseExpression, type Expr } from '../sql/expressions/index.ts';

/**
 * Rows a test query reads when its `explore_source` sets no `limit`: Looker runs data tests as
 * standard queries, which its docs cap at 5,000 rows (an Explore's default of 500 is what the
 * `query_url_params` link shows, see `queryUrlParams`).
 */
export const DATA_TEST_ROW_LIMIT = 5000;
const EXPLORE_URL_DEFAULT_LIMIT = 500;

export interface DataTestColumn {
  readonly name: string;
  /** `field:` as written; absent means the column names a field of the explore's base view. */
  readonly field?: string;
  readonly loc: Loc;
}

export interface DataTestAssert {
  readonly name: string;
  /** The `expression:` text (trimmed). */
  readonly expression: string;
  /** The parsed expression; absent when it is missing or does not parse (see the test's `problems`). */
  readonly expr?: Expr;
  readonly loc: Loc;
}

export interface DataTest {
  readonly name: string;
  /** Project-relative path of the file defining it. */
  readonly file: string;
  /** Where `test:` was written. */
  readonly loc: Loc;
  readonly explore: string;
  readonly columns: readonly DataTestColumn[];
  readonly filters: readonly { readonly field: string; readonly expression: string }[];
  readonly sorts: readonly { readonly field: string; readonly desc: boolean }[];
  readonly limit?: number;
  readonly timezone?: string;
  readonly filterExpression?: string;
  readonly asserts: readonly DataTestAssert[];
  /** Models whose includes reach the test's file, by name, sorted. */
  readonly models: readonly string[];
  /** Errors in this test's definition: running it reports them instead of querying. */
  readonly problems: readonly Diagnostic[];
}

export interface DataTestScan {
  /** Every test with a name and an explore, in file and source order. */
  readonly tests: readonly DataTest[];
  /** Problems of every `test:` block (including those of tests too broken to list), by position. */
  readonly diagnostics: readonly Diagnostic[];
}

const UNSUPPORTED = new Set(['derived_column', 'bind_filters', 'bind_all_filters']);
const SOURCE_KEYS = new Set(['column', 'filters', 'sorts', 'limit', 'timezone', 'expression_custom_filter', ...UNSUPPORTED]);
const TEST_KEYS = new Set(['explore_source', 'assert']);

function diag(code: string, severity: Diagnostic['severity'], message: string, loc: Loc): Diagnostic {
  return { code, severity, message, file: loc.file, line: loc.line, column: loc.column };
}

function isScalar(v: ValueNode): v is ScalarNode {
  return v.kind === 'string' || v.kind === 'bare' || v.kind === 'sql';
}

function blockOf(p: PairNode): readonly PairNode[] | undefined {
  return p.value.kind === 'block' ? p.value.pairs : undefined;
}

function last(pairs: readonly PairNode[], key: string): PairNode | undefined {
  for (let i = pairs.length - 1; i >= 0; i--) if (pairs[i]!.key === key) return pairs[i];
  return undefined;
}

function scalar(pairs: readonly PairNode[], key: string): string | undefined {
  const p = last(pairs, key);
  return p && isScalar(p.value) ? p.value.value : undefined;
}

/** The position of character `offset` of a `;;` value (its loc is its first character). */
function offsetLoc(node: ScalarNode, offset: number): Loc {
  const before = node.value.slice(0, offset);
  const nl = before.lastIndexOf('\n');
  if (nl === -1) return { file: node.loc.file, line: node.loc.line, column: node.loc.column + (node.kind === 'string' ? 1 : 0) + offset };
  const lines = before.split('\n').length - 1;
  return { file: node.loc.file, line: node.loc.line + lines, column: offset - nl };
}

/** Models reaching each file: the model file itself and everything its includes pulled in. */
function modelsByFile(project: Project): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (file: string, model: string): void => {
    const list = out.get(file);
    if (!list) out.set(file, [model]);
    else if (!list.includes(model)) list.push(model);
  };
  for (const model of Object.values(project.models)) {
    add(model.file, model.name);
    for (const f of model.includedFiles) add(f, model.name);
  }
  for (const list of out.values()) list.sort();
  return out;
}

export function findDataTests(files: readonly LookmlFile[], project: Project): DataTestScan {
  const reach = modelsByFile(project);
  const tests: DataTest[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, Loc>();
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    for (const pair of file.pairs) {
      if (pair.key !== 'test') continue;
      const problems: Diagnostic[] = [];
      const test = readTest(pair, file.path, reach.get(file.path) ?? [], problems);
      if (test) {
        const key = `${test.name}\0${test.explore}`;
        const first = seen.get(key);
        if (first) {
          problems.push(diag('data-test/duplicate', 'error',
            `Data test "${test.name}" on explore "${test.explore}" is already defined at ${first.file}:${first.line}; data tests with the same explore_source need different names`, test.loc));
        } else {
          seen.set(key, test.loc);
        }
        if (test.models.length === 0) {
          diagnostics.push(diag('data-test/not-included', 'warning', `Data test "${test.name}" is in ${file.path}, which no model includes, so it never runs`, test.loc));
        }
        tests.push({ ...test, problems });
      }
      diagnostics.push(...problems);
    }
  }
  diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  return { tests, diagnostics };
}

function readTest(pair: PairNode, file: string, models: readonly string[], problems: Diagnostic[]): Omit<DataTest, 'problems'> | null {
  const at = pair.nameLoc ?? pair.loc;
  const body = blockOf(pair);
  if (pair.name === undefined || body === undefined) {
    problems.push(diag('data-test/syntax', 'error', 'A data test is written `test: name { explore_source: explore { … } assert: name { expression: … ;; } }`', pair.loc));
    return null;
  }
  for (const p of body) {
    if (!TEST_KEYS.has(p.key)) problems.push(diag('data-test/unknown-parameter', 'error', `Unknown parameter "${p.key}" in data test "${pair.name}"; a data test has explore_source and assert`, p.loc));
  }
  const sources = body.filter((p) => p.key === 'explore_source');
  const source = sources[sources.length - 1];
  if (sources.length > 1) problems.push(diag('data-test/duplicate-explore-source', 'error', `Data test "${pair.name}" has more than one explore_source`, sources[1]!.loc));
  if (!source || source.name === undefined || blockOf(source) === undefined) {
    problems.push(diag('data-test/missing-explore-source', 'error',
      `Data test "${pair.name}" needs an explore_source: explore_name { column: … } naming the explore its query runs on`, source?.loc ?? at));
    return null;
  }
  const query = readSource(pair.name, source, problems);
  const asserts = readAsserts(pair.name, body, problems);
  if (asserts.length === 0) {
    problems.push(diag('data-test/missing-assert', 'error', `Data test "${pair.name}" has no assert; add assert: name { expression: … ;; }`, at));
  }
  return { name: pair.name, file, loc: pair.loc, explore: source.name, ...query, asserts, models };
}

type SourceQuery = Pick<DataTest, 'columns' | 'filters' | 'sorts' | 'limit' | 'timezone' | 'filterExpression'>;

function readSource(test: string, source: PairNode, problems: Diagnostic[]): SourceQuery {
  const body = blockOf(source) ?? [];
  for (const p of body) {
    if (UNSUPPORTED.has(p.key)) problems.push(diag('data-test/unsupported', 'error', `${p.key} is not supported in the explore_source of a data test ("${test}")`, p.loc));
    else if (!SOURCE_KEYS.has(p.key)) problems.push(diag('data-test/unknown-parameter', 'error', `Unknown parameter "${p.key}" in the explore_source of data test "${test}"`, p.loc));
  }
  const columns: DataTestColumn[] = [];
  for (const c of body.filter((p) => p.key === 'column')) {
    if (c.name === undefined) {
      problems.push(diag('data-test/syntax', 'error', `A column of data test "${test}" needs a name: column: name { field: view.field }`, c.loc));
      continue;
    }
    const inner = blockOf(c) ?? [];
    const fieldPair = last(inner, 'field');
    const field = fieldPair && isScalar(fieldPair.value) ? fieldPair.value.value : undefined;
    columns.push(field === undefined ? { name: c.name, loc: c.nameLoc ?? c.loc } : { name: c.name, field, loc: fieldPair!.value.loc });
  }
  if (columns.length === 0) problems.push(diag('data-test/missing-column', 'error', `The explore_source of data test "${test}" selects no column`, source.nameLoc ?? source.loc));
  const limitText = scalar(body, 'limit');
  let limit: number | undefined;
  if (limitText !== undefined) {
    if (/^\d+$/.test(limitText.trim()) && Number(limitText) > 0) limit = Number(limitText);
    else problems.push(diag('data-test/bad-limit', 'error', `limit of data test "${test}" must be a positive whole number, not "${limitText}"`, last(body, 'limit')!.value.loc));
  }
  const timezone = scalar(body, 'timezone');
  const filterExpression = scalar(body, 'expression_custom_filter');
  return {
    columns,
    filters: readFilters(body),
    sorts: readSorts(body),
    ...(limit === undefined ? {} : { limit }),
    ...(timezone === undefined ? {} : { timezone }),
    ...(filterExpression === undefined ? {} : { filterExpression }),
  };
}

/** `filters: [view.field: "expr", …]`, and the older `filters: { field: … value: … }` blocks. */
function readFilters(body: readonly PairNode[]): { field: string; expression: string }[] {
  const out: { field: string; expression: string }[] = [];
  for (const p of body) {
    if (p.key !== 'filters') continue;
    if (p.value.kind === 'list') {
      for (const item of p.value.items) if (item.kind === 'pair' && isScalar(item.value)) out.push({ field: item.key, expression: item.value.value });
    } else if (p.value.kind === 'block') {
      const field = scalar(p.value.pairs, 'field');
      const value = scalar(p.value.pairs, 'value');
      if (field !== undefined && value !== undefined) out.push({ field, expression: value });
    }
  }
  return out;
}

function readSorts(body: readonly PairNode[]): { field: string; desc: boolean }[] {
  const p = last(body, 'sorts');
  if (p?.value.kind !== 'list') return [];
  return p.value.items.map((item) => item.kind === 'pair'
    ? { field: item.key, desc: isScalar(item.value) && item.value.value.toLowerCase() === 'desc' }
    : { field: item.value, desc: false });
}

function readAsserts(test: string, body: readonly PairNode[], problems: Diagnostic[]): DataTestAssert[] {
  const out: DataTestAssert[] = [];
  for (const a of body.filter((p) => p.key === 'assert')) {
    const inner = blockOf(a);
    if (a.name === undefined || inner === undefined) {
      problems.push(diag('data-test/syntax', 'error', `An assert of data test "${test}" is written assert: name { expression: … ;; }`, a.loc));
      continue;
    }
    const loc = a.nameLoc ?? a.loc;
    if (out.some((o) => o.name === a.name)) problems.push(diag('data-test/duplicate-assert', 'error', `Data test "${test}" has two asserts named "${a.name}"`, loc));
    const exprPair = last(inner, 'expression');
    if (!exprPair || !isScalar(exprPair.value) || exprPair.value.value.trim() === '') {
      problems.push(diag('data-test/missing-expression', 'error', `Assert "${a.name}" of data test "${test}" needs expression: … ;; (a yes/no Looker expression)`, exprPair?.loc ?? loc));
      out.push({ name: a.name, expression: '', loc });
      continue;
    }
    const node = exprPair.value;
    try {
      out.push({ name: a.name, expression: node.value, expr: parseExpression(node.value, `expression of assert "${a.name}"`), loc });
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      problems.push(diag('data-test/bad-expression', 'error', e.message, offsetLoc(node, e.position ?? 0)));
      out.push({ name: a.name, expression: node.value, loc });
    }
  }
  return out;
}

/** The explore's base alias: unqualified names in a test refer to its fields (as in native derived tables). */
function baseAlias(test: DataTest, model: Model | undefined): string {
  const explore = model?.explores[test.explore];
  return explore?.alias ?? explore?.name ?? test.explore;
}

/** The field each column selects, fully qualified. */
export function columnFields(test: DataTest, model: Model | undefined): string[] {
  const alias = baseAlias(test, model);
  return test.columns.map((c) => c.field ?? `${alias}.${c.name}`);
}

/** The test's query, as the query runner takes it. */
export function dataTestQuery(test: DataTest, model: Model | undefined, modelName: string): CanonicalQuery {
  const alias = baseAlias(test, model);
  const qualify = (name: string): string => (name.includes('.') ? name : `${alias}.${name}`);
  const fields = columnFields(test, model);
  const filters: Record<string, string> = {};
  for (const f of test.filters) filters[qualify(f.field)] = f.expression;
  // Sorts may name a column (as in native derived tables) or a field.
  const sorts = test.sorts.map((s) => {
    const i = test.columns.findIndex((c) => c.name === s.field);
    return `${i === -1 ? qualify(s.field) : fields[i]!}${s.desc ? ' desc' : ''}`;
  });
  const parsed = canonicalQuery({
    model: modelName,
    view: test.explore,
    fields,
    filters,
    ...(sorts.length > 0 ? { sorts } : {}),
    limit: String(test.limit ?? DATA_TEST_ROW_LIMIT),
    ...(test.timezone === undefined ? {} : { query_timezone: test.timezone }),
    ...(test.filterExpression === undefined ? {} : { filter_expression: test.filterExpression }),
  });
  if ('problems' in parsed) throw new Error(`data test "${test.name}" built an invalid query: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return parsed.query;
}

/** `age_should_be_positive` → `Age Should Be Positive`, as Looker labels the assert's table calculation. */
export function assertLabel(name: string): string {
  return name.split('_').filter((w) => w !== '').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

function formEncode(text: string): string {
  return new URLSearchParams([['', text]]).toString().slice(1);
}

/**
 * Explore URL parameters reproducing the test's query, each assert a table calculation named
 * `looker_assert_<name>` (the form Looker's `query_url_params` has).
 */
export function queryUrlParams(test: DataTest, model: Model | undefined): string {
  const alias = baseAlias(test, model);
  const qualify = (name: string): string => (name.includes('.') ? name : `${alias}.${name}`);
  const fields = columnFields(test, model);
  const parts = [`fields=${fields.map(formEncode).join(',')}`];
  for (const f of test.filters) parts.push(`f[${formEncode(qualify(f.field))}]=${formEncode(f.expression)}`);
  if (test.sorts.length > 0) {
    const sorts = test.sorts.map((s) => {
      const i = test.columns.findIndex((c) => c.name === s.field);
      return `${formEncode(i === -1 ? qualify(s.field) : fields[i]!)}${s.desc ? '+desc' : ''}`;
    });
    parts.push(`sorts=${sorts.join(',')}`);
  }
  parts.push(`limit=${test.limit ?? EXPLORE_URL_DEFAULT_LIMIT}`);
  if (test.timezone !== undefined) parts.push(`query_timezone=${formEncode(test.timezone)}`);
  if (test.filterExpression !== undefined) parts.push(`filter_expression=${formEncode(test.filterExpression)}`);
  const calcs = test.asserts.map((a) => ({ table_calculation: `looker_assert_${a.name}`, label: assertLabel(a.name), expression: a.expression }));
  if (calcs.length > 0) parts.push(`dynamic_fields=${formEncode(JSON.stringify(calcs))}`);
  return parts.join('&');
}
