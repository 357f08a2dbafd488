/**
 * Comparison 1: parse + resolve the synthetic project (Overlook) against parse-only with npm
 * `lookml-parser` on the same files, two ways: from the files (Overlook lists, reads, parses and
 * builds; the peer's `parseFiles` globs, reads, parses and assembles models, its transformations
 * off) and from the texts in memory (Overlook parse + build vs the peer's `parse()` per text).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseLookml } from '../../src/lookml/index.ts';
import type { LookmlFile } from '../../src/lookml/index.ts';
import { buildProject } from '../../src/model/index.ts';
import type { ParseOverlookResult, ParsePeerResult, ProjectSize } from '../protocol.ts';

const OVERLOOK_WARMUP = 2;
const OVERLOOK_ITERATIONS = 7;
const PEER_WARMUP = 2;
const PEER_ITERATIONS = 3;

interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** Project-relative paths of every LookML file, sorted so both sides see the same order. */
function listLookml(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.lkml'))
    .map((p) => p.split('\\').join('/'))
    .sort();
}

function readAll(root: string): SourceFile[] {
  return listLookml(root).map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

export function projectSize(files: readonly SourceFile[]): ProjectSize {
  let lines = 0;
  let bytes = 0;
  for (const f of files) {
    bytes += Buffer.byteLength(f.text);
    for (let i = 0; i < f.text.length; i++) if (f.text.charCodeAt(i) === 10) lines++;
  }
  return { files: files.length, viewFiles: files.filter((f) => f.path.endsWith('.view.lkml')).length, lines, bytes };
}

export function parseOverlook(root: string): ParseOverlookResult {
  const totalMs: number[] = [];
  const resolveMs: number[] = [];
  const readMs: number[] = [];
  const parseMs: number[] = [];
  const buildMs: number[] = [];
  let last: ReturnType<typeof buildProject> | undefined;
  let size: ProjectSize | undefined;
  for (let i = 0; i < OVERLOOK_WARMUP + OVERLOOK_ITERATIONS; i++) {
    const t0 = performance.now();
    const sources = readAll(root);
    const t1 = performance.now();
    const parsed: LookmlFile[] = sources.map((f) => parseLookml(f.text, f.path));
    const t2 = performance.now();
    const project = buildProject(parsed);
    const t3 = performance.now();
    last = project;
    size ??= projectSize(sources);
    if (i < OVERLOOK_WARMUP) continue;
    totalMs.push(t3 - t0);
    resolveMs.push(t3 - t1);
    readMs.push(t1 - t0);
    parseMs.push(t2 - t1);
    buildMs.push(t3 - t2);
  }
  if (!last || !size) throw new Error('no iterations ran');
  let views = 0;
  let explores = 0;
  let joins = 0;
  let fields = 0;
  for (const model of Object.values(last.models)) {
    const vs = Object.values(model.views);
    views += vs.length;
    for (const v of vs) fields += v.fields.length;
    const es = Object.values(model.explores);
    explores += es.length;
    for (const e of es) joins += e.joins.length;
  }
  return {
    task: 'parse-overlook',
    size,
    totalMs,
    resolveMs,
    readMs,
    parseMs,
    buildMs,
    views,
    explores,
    joins,
    fields,
    diagnostics: last.diagnostics.length,
    firstDiagnostics: last.diagnostics.slice(0, 5).map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`),
  };
}

interface ParseFilesOptions {
  readonly source: string;
  readonly cwd: string;
  readonly console: { log(): void; warn(): void; error(): void };
  readonly transformations: { readonly applyExtensionsRefinements: boolean; readonly removeAbstract: boolean };
}

interface LookmlParserModule {
  parse(text: string): unknown;
  parseFiles(options: ParseFilesOptions): Promise<{ file?: Record<string, unknown>; errors?: unknown[] }>;
}

function isLookmlParser(mod: unknown): mod is LookmlParserModule {
  return typeof mod === 'object' && mod !== null && 'parse' in mod && typeof mod.parse === 'function'
    && 'parseFiles' in mod && typeof mod.parseFiles === 'function';
}

const QUIET = { log: (): void => undefined, warn: (): void => undefined, error: (): void => undefined };

/** lookml-parser's project API on the folder, parse only: its extends/refinements transformations off. */
async function peerParseFiles(mod: LookmlParserModule, root: string, files: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < PEER_WARMUP + PEER_ITERATIONS; i++) {
    const start = performance.now();
    const project = await mod.parseFiles({
      source: '**/*.lkml', cwd: root, console: QUIET,
      transformations: { applyExtensionsRefinements: false, removeAbstract: false },
    });
    const elapsed = performance.now() - start;
    const parsed = Object.keys(project.file ?? {}).length;
    if (parsed !== files || (project.errors?.length ?? 0) > 0) {
      throw new Error(`lookml-parser parseFiles read ${parsed} of ${files} files with ${project.errors?.length ?? 0} errors`);
    }
    if (i >= PEER_WARMUP) ms.push(elapsed);
  }
  return ms;
}

export async function parsePeer(root: string): Promise<ParsePeerResult> {
  const mod: unknown = createRequire(import.meta.url)('lookml-parser');
  if (!isLookmlParser(mod)) throw new Error('lookml-parser does not export parse()');
  const sources = readAll(root);
  const parseMs: number[] = [];
  let errors = 0;
  const firstErrors: string[] = [];
  for (let i = 0; i < PEER_WARMUP + PEER_ITERATIONS; i++) {
    errors = 0;
    const start = performance.now();
    for (const f of sources) {
      try {
        mod.parse(f.text);
      } catch (e) {
        // lookml-parser throws plain objects, not Errors.
        errors++;
        if (i === 0 && firstErrors.length < 3) firstErrors.push(`${f.path}: ${String(e).slice(0, 200)}`);
      }
    }
    if (i >= PEER_WARMUP) parseMs.push(performance.now() - start);
  }
  const filesMs = await peerParseFiles(mod, root, sources.length);
  return { task: 'parse-peer', size: projectSize(sources), parseMs, filesMs, errors, firstErrors };
}
