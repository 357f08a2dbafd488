/** Helpers for the model tests: in-memory projects from `{ path: text }` maps. */
import type { LookmlFile } from '../lookml/ast.ts';
import { parseLookml } from '../lookml/parser.ts';
import { buildProject, type BuildOptions } from './index.ts';
import type { Project } from './types.ts';

export type Files = Readonly<Record<string, string | readonly string[]>>;

export function parseAll(files: Files): LookmlFile[] {
  return Object.entries(files).map(([path, text]) => parseLookml(typeof text === 'string' ? text : text.join('\n'), path));
}

export function build(files: Files, options?: BuildOptions): Project {
  return buildProject(parseAll(files), options);
}

/** `[code, line, column]` of each diagnostic in `file`, for compact assertions. */
export function where(diags: Project['diagnostics'], file?: string): [string, number, number][] {
  return diags.filter((d) => file === undefined || d.file === file).map((d) => [d.code, d.line, d.column]);
}

/** 1-based `[line, column]` of the `nth` occurrence of `needle` in a file given as lines. */
export function pos(lines: string | readonly string[], needle: string, nth = 0): [number, number] {
  const all = typeof lines === 'string' ? lines.split('\n') : lines;
  let seen = 0;
  for (let i = 0; i < all.length; i++) {
    let from = 0;
    for (;;) {
      const col = all[i]!.indexOf(needle, from);
      if (col === -1) break;
      if (seen === nth) return [i + 1, col + 1];
      seen++;
      from = col + 1;
    }
  }
  throw new Error(`"${needle}" (#${nth}) not found`);
}
