/**
 * `manifest.lkml` and `@{CONSTANT}` substitution.
 *
 * Looker replaces constants textually before it interprets anything else, so this
 * runs on the syntax tree: every string, bare and SQL value (include paths and
 * `connection:` too) comes out with its constants spelled out.
 */
import type { Diagnostic, LookmlFile, PairNode, ScalarNode, ValueNode } from '../lookml/ast.ts';
import { filePairs, sourcePairs, sourceScalar, tapeOf, type Tape, type TapeSource } from '../lookml/tape.ts';
import type { Manifest } from './types.ts';
import { allPairs, body, diag, isScalar, offsetLoc, str, withPairs, withText, withValue } from './ast-util.ts';

const CONSTANT_RE = /@\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;

export function isManifest(path: string): boolean {
  return path === 'manifest.lkml' || path.endsWith('/manifest.lkml');
}

/** Read a manifest's declarations; `overrides` are the importing project's `override_constant`s. */
export function readManifest(file: LookmlFile | undefined, overrides: Readonly<Record<string, string>> = {}): Manifest {
  const constants: Record<string, { value: string; export?: string }> = {};
  const localDependencies: { projectName: string; path?: string }[] = [];
  const remoteDependencies: { name: string; url?: string; ref?: string }[] = [];
  let projectName: string | undefined;
  for (const p of file ? filePairs(file) : []) {
    switch (p.key) {
      case 'project_name':
        if (isScalar(p.value)) projectName = p.value.value;
        break;
      case 'constant': {
        if (p.name === undefined) break;
        const b = body(p);
        const exp = str(b, 'export');
        const value = overrides[p.name] ?? str(b, 'value') ?? '';
        constants[p.name] = exp === undefined ? { value } : { value, export: exp };
        break;
      }
      case 'local_dependency': {
        const b = body(p);
        const project = str(b, 'project') ?? p.name;
        if (project !== undefined) {
          const path = str(b, 'path');
          localDependencies.push(path === undefined ? { projectName: project } : { projectName: project, path });
        }
        break;
      }
      case 'remote_dependency': {
        if (p.name === undefined) break;
        const b = body(p);
        const url = str(b, 'url');
        const ref = str(b, 'ref');
        remoteDependencies.push({
          name: p.name,
          ...(url === undefined ? {} : { url }),
          ...(ref === undefined ? {} : { ref }),
        });
        break;
      }
      default:
        break;
    }
  }
  return { ...(projectName === undefined ? {} : { projectName }), constants, localDependencies, remoteDependencies };
}

/** `override_constant: NAME { value: "…" }` inside each dependency block, by project name. */
export function constantOverrides(file: LookmlFile | undefined): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const p of file ? filePairs(file) : []) {
    if (p.key !== 'local_dependency' && p.key !== 'remote_dependency') continue;
    const b = body(p);
    const project = p.key === 'local_dependency' ? (str(b, 'project') ?? p.name) : p.name;
    if (project === undefined) continue;
    for (const o of allPairs(b, 'override_constant')) {
      const value = str(body(o), 'value');
      if (o.name !== undefined && value !== undefined) (out[project] ??= {})[o.name] = value;
    }
  }
  return out;
}

/** Constant values may themselves use constants; expand them once, up front. */
export function expandConstantValues(manifest: Manifest): Record<string, string> {
  const raw = manifest.constants;
  const done: Record<string, string> = {};
  const expand = (name: string, seen: Set<string>): string => {
    const hit = done[name];
    if (hit !== undefined) return hit;
    const c = raw[name];
    if (c === undefined) return `@{${name}}`;
    if (seen.has(name)) return c.value;
    seen.add(name);
    const v = c.value.replace(CONSTANT_RE, (m, inner: string) => (raw[inner] ? expand(inner, seen) : m));
    seen.delete(name);
    done[name] = v;
    return v;
  };
  for (const name of Object.keys(raw)) expand(name, new Set());
  return done;
}

interface Substitution {
  readonly constants: Readonly<Record<string, string>>;
  readonly diagnostics: Diagnostic[];
}

/**
 * A copy of `file` with every `@{NAME}` replaced; unknown names are reported and left as written.
 * The pairs of a parsed file come out as views over its tape (see `filePairs`).
 */
export function substituteConstants(
  file: LookmlFile,
  constants: Readonly<Record<string, string>>,
  diagnostics: Diagnostic[],
): LookmlFile {
  const sub: Substitution = { constants, diagnostics };
  const tape = tapeOf(file);
  if (tape) return { path: file.path, pairs: sourcePairs(substituteTape(tape, sub)), diagnostics: file.diagnostics };
  const pairs = substitutePairs(file.pairs, sub);
  return pairs === file.pairs ? file : { path: file.path, pairs, diagnostics: file.diagnostics };
}

const substituted = new WeakMap<LookmlFile, { readonly key: string; readonly file: LookmlFile; readonly diagnostics: readonly Diagnostic[] }>();

/**
 * `substituteConstants`, remembered per file for the last constants it was asked with
 * (`constantsKey` names them): builds of similar content (memo.ts) then share the copies, which
 * also keeps their pairs the same objects from one build to the next.
 */
export function substituteConstantsCached(
  file: LookmlFile,
  constants: Readonly<Record<string, string>>,
  constantsKey: string,
  diagnostics: Diagnostic[],
): LookmlFile {
  const hit = substituted.get(file);
  if (hit?.key === constantsKey) {
    for (let i = 0; i < hit.diagnostics.length; i++) diagnostics.push(hit.diagnostics[i]!);
    return hit.file;
  }
  const own: Diagnostic[] = [];
  const out = substituteConstants(file, constants, own);
  for (let i = 0; i < own.length; i++) diagnostics.push(own[i]!);
  substituted.set(file, { key: constantsKey, file: out, diagnostics: own });
  return out;
}

/** The parser lists the scalars that use constants, in source order: only those are visited. */
function substituteTape(tape: Tape, sub: Substitution): TapeSource {
  const asParsed: TapeSource = { tape, texts: undefined };
  let texts: Map<number, string> | undefined;
  for (const i of tape.consts) {
    const node = sourceScalar(asParsed, i);
    if (!node) continue;
    const value = substituteText(node, sub);
    if (value !== node.value) (texts ??= new Map()).set(i, value);
  }
  return texts ? { tape, texts } : asParsed;
}

/*
 * Copy-on-write: a node is copied only when something below it changed, so the common
 * file without constants costs one walk and no allocation.
 */

function substitutePairs(pairs: readonly PairNode[], sub: Substitution): readonly PairNode[] {
  let out: PairNode[] | undefined;
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    const q = substitutePair(p, sub);
    if (q !== p) (out ??= pairs.slice())[i] = q;
  }
  return out ?? pairs;
}

function substitutePair(p: PairNode, sub: Substitution): PairNode {
  const before = p.value;
  const v = substituteValue(before, sub);
  return v === before ? p : withValue(p, v);
}

function substituteValue(v: ValueNode, sub: Substitution): ValueNode {
  if (isScalar(v)) return substituteScalar(v, sub);
  if (v.kind === 'block') {
    const pairs = substitutePairs(v.pairs, sub);
    return pairs === v.pairs ? v : withPairs(v, pairs);
  }
  let items: (ScalarNode | PairNode)[] | undefined;
  for (let i = 0; i < v.items.length; i++) {
    const item = v.items[i]!;
    const next = item.kind === 'pair' ? substitutePair(item, sub) : substituteScalar(item, sub);
    if (next !== item) (items ??= v.items.slice())[i] = next;
  }
  return items ? { kind: 'list', items, loc: v.loc } : v;
}

function substituteScalar(node: ScalarNode, sub: Substitution): ScalarNode {
  const text = node.value;
  if (!text.includes('@{')) return node;
  const value = substituteText(node, sub);
  return value === text ? node : withText(node, value);
}

function substituteText(node: ScalarNode, sub: Substitution): string {
  return node.value.replace(CONSTANT_RE, (m, name: string, offset: number) => {
    const v = sub.constants[name];
    if (v !== undefined) return v;
    sub.diagnostics.push(
      diag(
        'model/unknown-constant',
        'error',
        `Unknown constant "@{${name}}": declare it in manifest.lkml with constant: ${name} { value: "…" }`,
        offsetLoc(node, offset),
      ),
    );
    return m;
  });
}
