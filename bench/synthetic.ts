/**
 * A large, deterministic LookML project for the parse/resolve benchmark.
 *
 * Shaped like real projects (see /work/shared/reference/lookml-usage.md): a manifest with
 * constants, one view per file with `${TABLE}` dimensions, time and duration dimension
 * groups, plain and filtered measures, sets, Liquid (html, `{% parameter %}`,
 * `{% condition %}`, `_user_attributes`), an `extension: required` base view that a third of
 * the views extend, refinement files, derived tables, and a model plus an `.explore.lkml`
 * file whose explores join the views through their foreign keys. The same options always
 * produce byte-identical text, so runs on different machines measure the same input.
 */

export interface SyntheticFile {
  readonly path: string;
  readonly text: string;
}

export interface SyntheticOptions {
  /** Number of `views/*.view.lkml` files (one view each). */
  readonly views: number;
  /** Views refined per refinement file, and how many refinement files. */
  readonly refinementFiles: number;
  readonly refinementsPerFile: number;
  /** Explores in the model (each joins 3–6 views). */
  readonly explores: number;
  readonly seed: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = {
  views: 1000,
  refinementFiles: 40,
  refinementsPerFile: 10,
  explores: 300,
  seed: 20240611,
};

const NOUNS = [
  'orders', 'customers', 'products', 'shipments', 'invoices', 'payments', 'sessions', 'events', 'accounts', 'campaigns',
  'subscriptions', 'tickets', 'stores', 'suppliers', 'warehouses', 'refunds', 'leads', 'contracts', 'visits', 'devices',
];
const STRING_COLS = ['status', 'channel', 'region', 'country', 'city', 'category', 'brand', 'source', 'tier', 'segment', 'plan', 'currency'];
const NUMBER_COLS = ['amount', 'quantity', 'discount', 'cost', 'tax', 'score', 'weight', 'duration_s', 'revenue', 'margin'];
const STATUS_VALUES = ['complete', 'pending', 'cancelled', 'returned', 'shipped'];

/** mulberry32: tiny, fast, and the same sequence on every platform. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** `count` distinct items, in a deterministic order. */
function pickSome<T>(rand: () => number, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) {
    const at = Math.floor(rand() * pool.length);
    out.push(pool.splice(at, 1)[0]!);
  }
  return out;
}

export function viewName(i: number): string {
  return `${NOUNS[i % NOUNS.length]!}_${String(i).padStart(4, '0')}`;
}

/** The views a view has foreign keys to (always lower-numbered-independent, never itself). */
export function foreignKeys(i: number, views: number): number[] {
  const out: number[] = [];
  for (const step of [7, 13, 31]) {
    const target = (i * step + step * 3 + 1) % views;
    if (target !== i && !out.includes(target)) out.push(target);
  }
  return out;
}

function fkColumn(target: number): string {
  return `${viewName(target)}_id`;
}

function baseView(): string {
  return `# Columns every entity table carries; views extend this instead of repeating them.
view: base_entity {
  extension: required

  dimension: id {
    primary_key: yes
    type: number
    sql: \${TABLE}.id ;;
  }

  dimension_group: _loaded {
    type: time
    timeframes: [raw, time, date]
    sql: \${TABLE}._loaded_at ;;
    hidden: yes
  }

  measure: count {
    type: count
    drill_fields: [id]
  }
}
`;
}

function viewFile(i: number, opts: SyntheticOptions, rand: () => number): string {
  const name = viewName(i);
  const extendsBase = i % 3 === 0;
  const strings = pickSome(rand, STRING_COLS, 3);
  const numbers = pickSome(rand, NUMBER_COLS, 3);
  const fks = foreignKeys(i, opts.views);
  const derived = i % 50 === 7;
  const L: string[] = [];
  L.push(`# ${name}: generated for the Overlook parse benchmark.`);
  L.push(`view: ${name} {`);
  if (derived) {
    L.push(`  derived_table: {`);
    L.push(`    sql: SELECT *, ROW_NUMBER() OVER (PARTITION BY ${strings[0]!} ORDER BY created_at) AS seq`);
    L.push(`      FROM @{schema}.${name}_raw`);
    L.push(`      WHERE {% condition status_filter %} status {% endcondition %} ;;`);
    L.push(`    datagroup_trigger: nightly`);
    L.push(`  }`);
  } else {
    L.push(`  sql_table_name: @{schema}.${name} ;;`);
  }
  if (extendsBase) L.push(`  extends: [base_entity]`);
  L.push(`  label: "${name.replace('_', ' ')}"`);
  L.push('');
  if (!extendsBase) {
    L.push(`  dimension: id {`, `    primary_key: yes`, `    type: number`, `    sql: \${TABLE}.id ;;`, `  }`, '');
  }
  for (const fk of fks) {
    L.push(`  dimension: ${fkColumn(fk)} {`, `    type: number`, `    hidden: yes`, `    sql: \${TABLE}.${fkColumn(fk)} ;;`, `  }`, '');
  }
  for (const [k, col] of strings.entries()) {
    L.push(`  dimension: ${col} {`);
    L.push(`    type: string`);
    L.push(`    sql: \${TABLE}.${col} ;;`);
    if (k === 0) {
      L.push(`    html: {% if value == '${pick(rand, STATUS_VALUES)}' %}<b>{{ rendered_value }}</b>{% else %}{{ rendered_value }}{% endif %} ;;`);
      L.push(`    link: {`, `      label: "Search"`, `      url: "https://example.com/search?q={{ value | url_encode }}"`, `    }`);
    }
    if (k === 1) L.push(`    suggestions: ["${STATUS_VALUES.join('", "')}"]`);
    if (k === 2) L.push(`    group_label: "Attributes"`);
    L.push(`  }`, '');
  }
  for (const col of numbers) {
    L.push(`  dimension: ${col} {`, `    type: number`, `    sql: \${TABLE}.${col} ;;`, `  }`, '');
  }
  L.push(`  dimension: is_large {`, `    type: yesno`, `    sql: \${${numbers[0]!}} > ${Math.floor(rand() * 900) + 100} ;;`, `  }`, '');
  L.push(`  dimension: ${numbers[1]!}_tier {`, `    type: tier`, `    tiers: [0, 10, 50, 100, 500]`, `    style: integer`, `    sql: \${${numbers[1]!}} ;;`, `  }`, '');
  L.push(`  dimension_group: created {`);
  L.push(`    type: time`);
  L.push(`    timeframes: [raw, time, date, week, month, quarter, year, day_of_week, hour_of_day]`);
  L.push(`    sql: \${TABLE}.created_at ;;`);
  L.push(`  }`, '');
  L.push(`  dimension_group: processing {`);
  L.push(`    type: duration`);
  L.push(`    intervals: [hour, day, week]`);
  L.push(`    sql_start: \${created_raw} ;;`);
  L.push(`    sql_end: \${TABLE}.updated_at ;;`);
  L.push(`  }`, '');
  L.push(`  filter: status_filter {`, `    type: string`, `    suggest_dimension: ${strings[0]!}`, `  }`, '');
  L.push(`  parameter: metric_selector {`);
  L.push(`    type: unquoted`);
  for (const col of numbers.slice(0, 3)) L.push(`    allowed_value: { label: "${col}" value: "${col}" }`);
  L.push(`    default_value: "${numbers[0]!}"`);
  L.push(`  }`, '');
  L.push(`  dimension: region_scoped {`);
  L.push(`    sql: CASE WHEN \${TABLE}.region = '{{ _user_attributes['region'] }}' THEN \${TABLE}.region END ;;`);
  L.push(`  }`, '');
  if (!extendsBase) L.push(`  measure: count {`, `    type: count`, `    drill_fields: [detail*]`, `  }`, '');
  L.push(`  measure: total_${numbers[0]!} {`, `    type: sum`, `    sql: \${${numbers[0]!}} ;;`, `    value_format_name: usd`, `  }`, '');
  L.push(`  measure: average_${numbers[1]!} {`, `    type: average`, `    sql: \${${numbers[1]!}} ;;`, `  }`, '');
  L.push(`  measure: distinct_${strings[2]!} {`, `    type: count_distinct`, `    sql: \${${strings[2]!}} ;;`, `  }`, '');
  const status = pick(rand, STATUS_VALUES);
  L.push(`  measure: ${status}_count {`, `    type: count`, `    filters: [${strings[0]!}: "${status}", is_large: "yes"]`, `  }`, '');
  L.push(`  measure: ${status}_${numbers[0]!} {`);
  L.push(`    type: sum`);
  L.push(`    sql: \${${numbers[0]!}} ;;`);
  L.push(`    filters: [created_date: "last 90 days"]`);
  L.push(`  }`, '');
  L.push(`  measure: ${status}_share {`, `    type: number`, `    sql: 1.0 * \${${status}_count} / NULLIF(\${count}, 0) ;;`, `    value_format_name: percent_1`, `  }`, '');
  L.push(`  measure: dynamic_metric {`);
  L.push(`    type: sum`);
  L.push(`    sql: \${TABLE}.{% parameter metric_selector %} ;;`);
  L.push(`    label_from_parameter: metric_selector`);
  L.push(`  }`, '');
  L.push(`  set: detail {`, `    fields: [id, ${strings.join(', ')}, created_date, total_${numbers[0]!}, ${status}_count]`, `  }`);
  L.push(`}`);
  return L.join('\n') + '\n';
}

function refinementFile(file: number, opts: SyntheticOptions, rand: () => number): string {
  const L: string[] = [`# Refinements layered on generated views (file ${file}).`];
  for (let k = 0; k < opts.refinementsPerFile; k++) {
    const target = (file * opts.refinementsPerFile + k) * 7 % opts.views;
    const name = viewName(target);
    const days = Math.floor(rand() * 60) + 1;
    L.push(`view: +${name} {`);
    L.push(`  dimension: is_recent {`, `    type: yesno`, `    sql: \${created_raw} > CURRENT_DATE - INTERVAL '${days} days' ;;`, `  }`, '');
    L.push(`  measure: recent_count {`, `    type: count`, `    filters: [is_recent: "yes"]`, `  }`, '');
    L.push(`  dimension: id {`, `    label: "${name} ID"`, `  }`);
    L.push(`}`, '');
  }
  return L.join('\n');
}

function joinBlock(alias: string, from: string | undefined, sqlOn: string, relationship: string): string[] {
  const L = [`  join: ${alias} {`];
  if (from !== undefined) L.push(`    from: ${from}`);
  L.push(`    type: left_outer`, `    relationship: ${relationship}`, `    sql_on: ${sqlOn} ;;`, `  }`);
  return L;
}

/** Explores: base view, its foreign-key targets, and one second-level join through the first target. */
function exploreText(e: number, opts: SyntheticOptions): string[] {
  const base = (e * 37) % opts.views;
  const baseName = viewName(base);
  const L: string[] = [`explore: ${baseName} {`];
  if (e % 10 === 0) L.push(`  extends: [base_explore]`);
  L.push(`  label: "Explore ${e}"`);
  if (e % 4 === 0) L.push(`  sql_always_where: \${${baseName}.created_date} >= '2020-01-01' ;;`);
  if (e % 6 === 0) L.push(`  always_filter: {`, `    filters: [${baseName}.created_date: "last 30 days"]`, `  }`);
  const joined = new Set<string>([baseName]);
  for (const fk of foreignKeys(base, opts.views)) {
    const target = viewName(fk);
    if (joined.has(target)) continue;
    joined.add(target);
    L.push(...joinBlock(target, undefined, `\${${baseName}.${fkColumn(fk)}} = \${${target}.id}`, 'many_to_one'));
    for (const fk2 of foreignKeys(fk, opts.views).slice(0, 1)) {
      const second = viewName(fk2);
      const alias = joined.has(second) ? `${second}_via_${target}` : second;
      joined.add(alias);
      L.push(...joinBlock(alias, alias === second ? undefined : second, `\${${target}.${fkColumn(fk2)}} = \${${alias}.id}`, 'many_to_one'));
    }
  }
  L.push(`}`, '');
  return L;
}

export function generateProject(opts: SyntheticOptions = DEFAULT_SYNTHETIC): SyntheticFile[] {
  const rand = prng(opts.seed);
  const files: SyntheticFile[] = [];
  files.push({
    path: 'manifest.lkml',
    text: `project_name: "bench_synthetic"\n\nconstant: schema {\n  value: "analytics"\n  export: override_optional\n}\n`,
  });
  files.push({ path: 'views/base_entity.view.lkml', text: baseView() });
  for (let i = 0; i < opts.views; i++) files.push({ path: `views/${viewName(i)}.view.lkml`, text: viewFile(i, opts, rand) });
  for (let f = 0; f < opts.refinementFiles; f++) {
    files.push({ path: `refinements/refine_${String(f).padStart(3, '0')}.view.lkml`, text: refinementFile(f, opts, rand) });
  }
  const half = Math.floor(opts.explores / 2);
  const explores: string[] = [
    `# Shared explore settings, extended by some explores.`,
    `explore: base_explore {`,
    `  extension: required`,
    `  persist_with: nightly`,
    `}`,
    '',
  ];
  for (let e = half; e < opts.explores; e++) explores.push(...exploreText(e, opts));
  files.push({ path: 'explores/more.explore.lkml', text: explores.join('\n') });
  const model: string[] = [
    `connection: "warehouse"`,
    `label: "Synthetic"`,
    '',
    `include: "/views/*.view.lkml"`,
    `include: "/refinements/*.view.lkml"`,
    `include: "/explores/*.explore.lkml"`,
    '',
    `datagroup: nightly {`,
    `  sql_trigger: SELECT CURRENT_DATE ;;`,
    `  max_cache_age: "24 hours"`,
    `}`,
    '',
    `named_value_format: euro {`,
    `  value_format: "\\"€\\"#,##0.00"`,
    `}`,
    '',
  ];
  for (let e = 0; e < half; e++) model.push(...exploreText(e, opts));
  files.push({ path: 'models/synthetic.model.lkml', text: model.join('\n') });
  return files;
}

export function lineCount(files: readonly SyntheticFile[]): number {
  let n = 0;
  for (const f of files) {
    for (let i = 0; i < f.text.length; i++) if (f.text.charCodeAt(i) === 10) n++;
  }
  return n;
}
