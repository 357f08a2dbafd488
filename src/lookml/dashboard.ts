/**
 * LookML dashboards (`*.dashboard.lookml`): YAML, usually a top-level sequence of
 * `- dashboard: name` maps. Values are kept as written (YAML 1.2 core types: strings,
 * numbers, booleans, null); only the few keys the server needs are lifted out.
 *
 * Looker's exports carry Ruby-isms: `!!null ''` (plain YAML, resolves to null) and
 * `!ruby/hash:ActiveSupport::HashWithIndifferentAccess` maps, read here as plain maps.
 */
import { LineCounter, YAMLMap, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { CollectionTag, Document, Node as YamlNode, YAMLError } from 'yaml';
import type { Diagnostic, Loc, Severity } from './ast.ts';

export interface LookmlDashboard {
  readonly name: string;
  readonly title?: string;
  readonly layout?: string;
  readonly description?: string;
  readonly elements: Record<string, unknown>[];
  readonly filters: Record<string, unknown>[];
  /** The whole `- dashboard:` map as written (including `dashboard`, `elements`, `filters`). */
  readonly raw: Record<string, unknown>;
  /** Location of the `dashboard:` key. */
  readonly loc: Loc;
}

export interface DashboardFile {
  readonly dashboards: LookmlDashboard[];
  readonly diagnostics: Diagnostic[];
}

/** Stable diagnostic codes produced by the dashboard reader. */
export const DashboardCodes = {
  yamlSyntax: 'dashboard/yaml-syntax',
  yamlWarning: 'dashboard/yaml-warning',
  invalidStructure: 'dashboard/invalid-structure',
  missingName: 'dashboard/missing-name',
} as const;

const RUBY_HASH_TAGS = [
  '!ruby/hash:ActiveSupport::HashWithIndifferentAccess',
  '!ruby/hash-with-ivars:ActiveSupport::HashWithIndifferentAccess',
  '!ruby/hash:Hash',
];

const rubyHashTags: CollectionTag[] = RUBY_HASH_TAGS.map((tag) => ({
  tag,
  collection: 'map',
  nodeClass: YAMLMap,
  resolve: (map) => map,
}));

export function parseDashboardFile(text: string, path: string): DashboardFile {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const dashboards: LookmlDashboard[] = [];
  const at = (offset: number): Loc => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: path, line, column: col };
  };
  const report = (code: string, severity: Severity, message: string, loc: Loc): void => {
    diagnostics.push({ code, severity, message, file: loc.file, line: loc.line, column: loc.column });
  };
  const yamlProblem = (e: YAMLError, severity: Severity): void => {
    // Duplicate keys are accepted by Looker's Ruby YAML (last one wins): not fatal here either.
    const sev = e.code === 'DUPLICATE_KEY' ? 'warning' : severity;
    const code = sev === 'error' ? DashboardCodes.yamlSyntax : DashboardCodes.yamlWarning;
    report(code, sev, firstLine(e.message), at(e.pos[0]));
  };

  // The yaml lexer rejects a BOM before `- `; it is not a column either, so drop it.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const docs = parseAllDocuments(source, {
    lineCounter,
    customTags: rubyHashTags,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    for (const e of doc.errors) yamlProblem(e, 'error');
    for (const w of doc.warnings) yamlProblem(w, 'warning');
    const root = doc.contents;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) continue;
    let items: readonly unknown[];
    if (isSeq(root)) items = root.items;
    else if (isMap(root)) items = [root];
    else {
      report(DashboardCodes.invalidStructure, 'error', 'A dashboard file must be a list of dashboards: start each with "- dashboard: name"', at(nodeStart(root)));
      continue;
    }
    for (const item of items) {
      const d = readDashboard(item, doc, at, report);
      if (d) dashboards.push(d);
    }
  }
  return { dashboards, diagnostics };
}

type Report = (code: string, severity: Severity, message: string, loc: Loc) => void;

function readDashboard(item: unknown, doc: Document.Parsed, at: (offset: number) => Loc, report: Report): LookmlDashboard | null {
  if (!isMap(item)) {
    const offset = isNode(item) ? nodeStart(item) : 0;
    report(DashboardCodes.invalidStructure, 'error', 'Each dashboard must be a map starting with "dashboard: name"', at(offset));
    return null;
  }
  const keyPair = item.items.find((p) => isScalar(p.key) && p.key.value === 'dashboard');
  const start = keyPair && isScalar(keyPair.key) ? nodeStart(keyPair.key) : nodeStart(item);
  const loc = at(start);
  const raw = toRecord(item.toJS(doc));
  const name = scalarText(raw.dashboard);
  if (name === undefined || name === '') {
    report(DashboardCodes.missingName, 'error', 'Dashboard has no name: add "dashboard: some_name" to this entry', loc);
    return null;
  }
  const elements = mapList(raw, 'elements', item, at, report);
  const filters = mapList(raw, 'filters', item, at, report);
  const dashboard: { -readonly [K in keyof LookmlDashboard]: LookmlDashboard[K] } = { name, elements, filters, raw, loc };
  const title = scalarText(raw.title);
  const layout = scalarText(raw.layout);
  const description = scalarText(raw.description);
  if (title !== undefined) dashboard.title = title;
  if (layout !== undefined) dashboard.layout = layout;
  if (description !== undefined) dashboard.description = description;
  return dashboard;
}

/** `elements:`/`filters:`: a list of maps; anything else is reported and dropped. */
function mapList(raw: Record<string, unknown>, key: string, node: YAMLMap, at: (offset: number) => Loc, report: Report): Record<string, unknown>[] {
  const value = raw[key];
  if (value === undefined || value === null) return [];
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
  const valueNode: unknown = pair?.value;
  const where = at(isNode(valueNode) ? nodeStart(valueNode) : nodeStart(node));
  if (!Array.isArray(value)) {
    report(DashboardCodes.invalidStructure, 'error', `'${key}' must be a list of maps (each item starting with "- ")`, where);
    return [];
  }
  const out: Record<string, unknown>[] = [];
  const seqItems = isSeq(valueNode) ? valueNode.items : [];
  value.forEach((v: unknown, i) => {
    if (isRecord(v)) {
      out.push(v);
    } else {
      const itemNode = seqItems[i];
      report(DashboardCodes.invalidStructure, 'warning', `Ignored an item of '${key}' that is not a map`, isNode(itemNode) ? at(nodeStart(itemNode)) : where);
    }
  });
  return out;
}

function isNode(v: unknown): v is YamlNode {
  return isMap(v) || isSeq(v) || isScalar(v);
}

function nodeStart(node: YamlNode): number {
  return node.range?.[0] ?? 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toRecord(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return nl < 0 ? message : message.slice(0, nl);
}
