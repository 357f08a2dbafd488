/**
 * Content-keyed loading (DESIGN "Content keys"): a file's key is its git blob id (overlay content is
 * hashed the same way), a workspace's key is its tree id plus the overlay entries that differ from
 * it. Parsed files are cached by (blob, path) and assembled projects by workspace key, so every token
 * and user whose workspace has the same content shares one parsed, resolved project, and switching a
 * workspace never re-parses a file whose content did not change.
 *
 * A workspace whose content differs from one already assembled (a dev copy a file or two off
 * production) is assembled as a delta over it (model/memo.ts): every view and explore whose inputs
 * did not change is the very object of the earlier build, so the dev copy costs roughly its changed
 * files and what they affect, in time and in memory, and yet is exactly what a full build gives.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../lookml/ast.ts';
import type { OverlayFile } from '../store/index.ts';
import type { BuildMemo } from '../model/index.ts';
import { assembleProjectIncremental, parseSource, validateAssembled, type AssembledProject, type ParsedSource } from './assemble.ts';
import { lsTree, type TreeEntry } from './git/index.ts';
import { Lru } from './lru.ts';
import { isLookmlPath } from './names.ts';
import type { ProjectRepo } from './repos.ts';

/** git's blob id of a text: overlay files get the key the same content would have once committed. */
export function blobId(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

export interface SnapshotFile {
  readonly path: string;
  /** Blob id: the content key. */
  readonly blob: string;
  /** Where the content comes from: the commit's tree, or the user's overlay (uncommitted). */
  readonly source: 'git' | 'overlay';
}

/** A workspace's file list at one moment: what to load and how to name it. */
export interface WorkspaceSnapshot {
  readonly projectId: string;
  /** null: the project has no commit here (never deployed, in production). */
  readonly commit: string | null;
  readonly tree: string | null;
  readonly key: string;
  readonly files: readonly SnapshotFile[];
  /** Overlay content by path, for files whose source is the overlay. */
  readonly overlayText: ReadonlyMap<string, string>;
  /** Overlay entries that differ from the commit (the user's uncommitted changes). */
  readonly changes: readonly { readonly path: string; readonly action: 'add' | 'modify' | 'delete' }[];
}

/** Everything derived from a workspace's content alone (shared by every snapshot with its key). */
export interface LoadedWorkspace extends AssembledProject {
  readonly key: string;
  /** UTF-8 bytes of the LookML sources it was assembled from. */
  readonly sourceBytes: number;
  /**
   * The part of `sourceBytes` whose built objects this workspace holds itself (what its cache weight
   * is estimated from): all of it when built from scratch; for a delta over an earlier build, the
   * share of its views and explores it built, or its uncommitted files if those are more.
   */
  readonly ownSourceBytes: number;
  /** Validation diagnostics, computed on first ask (validate_project, deploy). */
  diagnostics(): readonly Diagnostic[];
}

interface TreeListing {
  readonly tree: string;
  readonly entries: readonly TreeEntry[];
}

export interface ContentCacheOptions {
  /** Assembled projects kept (each is one workspace content). */
  readonly maxWorkspaces?: number;
  /**
   * Approximate heap the assembled projects may take together, estimated from their source size
   * (see ASSEMBLED_BYTES_PER_SOURCE_BYTE); whichever of this and `maxWorkspaces` is hit first evicts.
   */
  readonly maxWorkspaceBytes?: number;
  /** Parsed files kept. */
  readonly maxFiles?: number;
  /**
   * Parsed overlay (uncommitted) files kept beyond those the kept workspaces hold: each user's
   * edits are their own, so unlike committed files they are rarely shared.
   */
  readonly maxOverlayFiles?: number;
  /** Told whether each `load` found the assembled project cached (or being assembled) — metrics. */
  readonly onLookup?: (hit: boolean) => void;
}

/** Assembled projects of one project kept, by the kind of workspace that used them (metrics). */
export interface ProjectCacheStats {
  readonly projectId: string;
  /** `production` when a production caller used the content (it may be shared with dev callers). */
  readonly kind: 'production' | 'dev';
  readonly count: number;
  readonly approximateBytes: number;
}

export const DEFAULT_MAX_WORKSPACES = 64;
export const DEFAULT_MAX_WORKSPACE_BYTES = 512 * 1024 * 1024;

export const DEFAULT_MAX_OVERLAY_FILES = 64;

/**
 * Heap of one workspace assembled from scratch per byte of its LookML source, beyond the parsed
 * files it shares with other workspaces. Measured by `npm run bench` (workspaces-users) before
 * workspaces were assembled as deltas: 26.3 MB for the 3.59 MB 1,044-file project and 2.6 MB for
 * the 108-file one, about 7× either way. Measuring the object graph itself is not possible from
 * JavaScript short of a heap snapshot, so this ratio stands in.
 */
export const ASSEMBLED_BYTES_PER_SOURCE_BYTE = 7;

/** The approximate heap a loaded workspace holds itself (the content cache's weight for it). */
export function approximateBytes(loaded: LoadedWorkspace): number {
  return Math.round(loaded.ownSourceBytes * ASSEMBLED_BYTES_PER_SOURCE_BYTE);
}

function byPathOrder(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** A snapshot's key: its commit's, plus a hash of its changes (sorted by path) and their blobs (`-` when deleted). */
function contentKey(commitKey: string, changes: readonly { readonly path: string }[], blobOf: (path: string) => string): string {
  if (changes.length === 0) return commitKey;
  const h = createHash('sha1');
  for (const c of changes) h.update(`${c.path}\0${blobOf(c.path)}\0`);
  return `${commitKey}+${h.digest('hex')}`;
}

interface ParsedEntry {
  readonly parsed: ParsedSource;
  readonly bytes: number;
}

/** A snapshot's files and the parse of each (undefined: not LookML). */
interface Inputs {
  readonly files: readonly SnapshotFile[];
  readonly entries: readonly (ParsedEntry | undefined)[];
}

export class ContentCache {
  readonly #trees = new Lru<string, TreeListing>(256);
  readonly #parsed: Lru<string, ParsedEntry>;
  readonly #overlayParsed: Lru<string, ParsedEntry>;
  readonly #workspaces: Lru<string, LoadedWorkspace>;
  /**
   * What a later build of similar content can start from, per workspace: the memo its own build
   * recorded, or the one it was built from. Held by the workspaces, so a base lives as long as any
   * kept workspace uses it.
   */
  readonly #memos = new WeakMap<LoadedWorkspace, BuildMemo>();
  /** The latest memo recorded per project, while some workspace keeps it. */
  readonly #latestMemo = new Map<string, WeakRef<BuildMemo>>();
  /** The parsed inputs of the workspaces that recorded a memo, for those assembled over them. */
  readonly #inputs = new WeakMap<LoadedWorkspace, Inputs>();
  readonly #loading = new Map<string, Promise<LoadedWorkspace>>();
  /** Overlay-free snapshots by commit listing (dropped with it) and project. */
  readonly #plainSnapshots = new WeakMap<TreeListing, Map<string, WorkspaceSnapshot>>();
  /** Where each path is in an overlay-free snapshot's files. */
  readonly #pathIndexes = new WeakMap<WorkspaceSnapshot, Map<string, number>>();
  readonly #production = new WeakSet<LoadedWorkspace>();
  readonly #onLookup: ((hit: boolean) => void) | undefined;

  constructor(options: ContentCacheOptions = {}) {
    this.#onLookup = options.onLookup;
    this.#parsed = new Lru(options.maxFiles ?? 50_000);
    this.#overlayParsed = new Lru(options.maxOverlayFiles ?? DEFAULT_MAX_OVERLAY_FILES);
    this.#workspaces = new Lru(options.maxWorkspaces ?? DEFAULT_MAX_WORKSPACES, {
      maxWeight: options.maxWorkspaceBytes ?? DEFAULT_MAX_WORKSPACE_BYTES,
      weigh: approximateBytes,
    });
  }

  /** Assembled workspaces kept, and their approximate heap in bytes. */
  get workspaceStats(): { readonly count: number; readonly approximateBytes: number } {
    return { count: this.#workspaces.size, approximateBytes: this.#workspaces.weight };
  }

  /** `workspaceStats` per project and workspace kind. */
  statsByProject(): ProjectCacheStats[] {
    const out = new Map<string, { projectId: string; kind: 'production' | 'dev'; count: number; approximateBytes: number }>();
    for (const [key, loaded, weight] of this.#workspaces.entries()) {
      // Keys are `<project>@<tree>[+<overlay hash>]` (see snapshot); tree and hash are hex.
      const projectId = key.slice(0, key.lastIndexOf('@'));
      const kind = this.#production.has(loaded) ? 'production' : 'dev';
      const slot = `${kind}\0${projectId}`;
      const stats = out.get(slot) ?? { projectId, kind, count: 0, approximateBytes: 0 };
      stats.count += 1;
      stats.approximateBytes += weight;
      out.set(slot, stats);
    }
    return [...out.values()];
  }

  /** The commit's blobs (commits never change, so listings are cached by commit id). */
  async #listing(repo: ProjectRepo, commit: string): Promise<TreeListing> {
    const hit = this.#trees.get(commit);
    if (hit) return hit;
    const [tree, entries] = await Promise.all([repo.reader.treeOf(commit), lsTree(repo.dir, commit, { recursive: true })]);
    if (tree === null) throw new Error(`commit ${commit} is missing from the mirror of ${repo.projectId}`);
    const listing = { tree, entries: entries.filter((e) => e.type === 'blob') };
    this.#trees.set(commit, listing);
    return listing;
  }

  async snapshot(repo: ProjectRepo, commit: string | null, overlay: readonly OverlayFile[] = []): Promise<WorkspaceSnapshot> {
    if (commit === null) return this.#build(repo, commit, { tree: null, entries: [] }, overlay);
    const listing = await this.#listing(repo, commit);
    // Without an overlay a snapshot depends on the commit alone (every production request resolves
    // one): build it once per cached listing instead of re-sorting the project's files each time.
    let byProject = this.#plainSnapshots.get(listing);
    if (byProject === undefined) {
      byProject = new Map();
      this.#plainSnapshots.set(listing, byProject);
    }
    let plain = byProject.get(repo.projectId);
    if (plain === undefined) {
      plain = this.#build(repo, commit, listing, []);
      byProject.set(repo.projectId, plain);
      this.#pathIndexes.set(plain, new Map(plain.files.map((f, i) => [f.path, i])));
    }
    if (overlay.length === 0) return plain;
    return this.#modified(plain, overlay) ?? this.#build(repo, commit, listing, overlay);
  }

  /**
   * `plain` with an overlay that only modifies committed files (the usual dev copy): its files are
   * `plain`'s, the same objects but for the modified ones, in the same places. Undefined when the
   * overlay adds or deletes files.
   */
  #modified(plain: WorkspaceSnapshot, overlay: readonly OverlayFile[]): WorkspaceSnapshot | undefined {
    const index = this.#pathIndexes.get(plain);
    if (index === undefined) return undefined;
    let files: SnapshotFile[] | undefined;
    const overlayText = new Map<string, string>();
    const changes: { path: string; action: 'add' | 'modify' | 'delete' }[] = [];
    for (const o of overlay) {
      const at = index.get(o.path);
      if (o.content === null || o.blob_id === null) {
        if (at === undefined) continue;
        return undefined;
      }
      if (at === undefined || overlayText.has(o.path)) return undefined;
      if (plain.files[at]!.blob === o.blob_id) continue;
      (files ??= plain.files.slice())[at] = { path: o.path, blob: o.blob_id, source: 'overlay' };
      overlayText.set(o.path, o.content);
      changes.push({ path: o.path, action: 'modify' });
    }
    if (files === undefined) return plain;
    changes.sort(byPathOrder);
    return { ...plain, key: contentKey(plain.key, changes, (path) => overlay.find((o) => o.path === path)?.blob_id ?? '-'), files, overlayText, changes };
  }

  #build(repo: ProjectRepo, commit: string | null, listing: { readonly tree: string | null; readonly entries: readonly TreeEntry[] }, overlay: readonly OverlayFile[]): WorkspaceSnapshot {
    const byPath = new Map<string, SnapshotFile>();
    for (const e of listing.entries) byPath.set(e.path, { path: e.path, blob: e.sha, source: 'git' });
    const overlayText = new Map<string, string>();
    const changes: { path: string; action: 'add' | 'modify' | 'delete' }[] = [];
    for (const o of overlay) {
      const committed = byPath.get(o.path);
      if (o.content === null || o.blob_id === null) {
        if (committed) {
          byPath.delete(o.path);
          changes.push({ path: o.path, action: 'delete' });
        }
        continue;
      }
      // An overlay entry equal to the commit (e.g. left over after a commit) is no change.
      if (committed?.blob === o.blob_id) continue;
      byPath.set(o.path, { path: o.path, blob: o.blob_id, source: 'overlay' });
      overlayText.set(o.path, o.content);
      changes.push({ path: o.path, action: committed ? 'modify' : 'add' });
    }
    const files = [...byPath.values()].sort(byPathOrder);
    // The key must not depend on the order the overlay was listed in (DB collations differ).
    changes.sort(byPathOrder);
    const key = contentKey(`${repo.projectId}@${listing.tree ?? 'empty'}`, changes, (path) => byPath.get(path)?.blob ?? '-');
    return { projectId: repo.projectId, commit, tree: listing.tree, key, files, overlayText, changes };
  }

  /** A file's text in the snapshot; null when it does not exist there. */
  async readText(repo: ProjectRepo, snapshot: WorkspaceSnapshot, path: string): Promise<string | null> {
    const file = snapshot.files.find((f) => f.path === path);
    if (!file) return null;
    if (file.source === 'overlay') return snapshot.overlayText.get(path) ?? null;
    const buf = await repo.reader.readBlob(file.blob);
    return buf === null ? null : buf.toString('utf8');
  }

  /** `workspace` when the cache still holds it under its key (counted as a hit, as `load` counts one). */
  stillCached(workspace: LoadedWorkspace): boolean {
    const held = this.#workspaces.get(workspace.key) === workspace;
    if (held) this.#onLookup?.(true);
    return held;
  }

  /** The assembled project of a snapshot, shared by every caller with the same content key. */
  load(repo: ProjectRepo, snapshot: WorkspaceSnapshot, kind?: 'production' | 'dev'): Promise<LoadedWorkspace> {
    const hit = this.#workspaces.get(snapshot.key);
    if (hit && kind === 'production') this.#production.add(hit);
    if (hit) {
      this.#onLookup?.(true);
      return Promise.resolve(hit);
    }
    let promise = this.#loading.get(snapshot.key);
    this.#onLookup?.(promise !== undefined);
    if (promise === undefined) {
      promise = this.#assemble(repo, snapshot).finally(() => this.#loading.delete(snapshot.key));
      this.#loading.set(snapshot.key, promise);
    }
    if (kind !== 'production') return promise;
    return promise.then((loaded) => {
      this.#production.add(loaded);
      return loaded;
    });
  }

  /** A parsed file by content and path, if cached; overlay files have a cache of their own (see `maxOverlayFiles`). */
  #cachedParse(f: SnapshotFile): ParsedEntry | undefined {
    const cacheKey = `${f.blob}\0${f.path}`;
    const cached = this.#parsed.get(cacheKey);
    if (cached) return cached;
    const edited = this.#overlayParsed.get(cacheKey);
    if (edited && f.source === 'git') {
      // Committed since: from now on it is shared like any committed file.
      this.#overlayParsed.delete(cacheKey);
      this.#parsed.set(cacheKey, edited);
    }
    return edited;
  }

  async #parse(repo: ProjectRepo, snapshot: WorkspaceSnapshot, f: SnapshotFile): Promise<ParsedEntry> {
    const text = (await this.readText(repo, snapshot, f.path)) ?? '';
    const entry = { parsed: parseSource(f.path, text), bytes: Buffer.byteLength(text, 'utf8') };
    (f.source === 'overlay' ? this.#overlayParsed : this.#parsed).set(`${f.blob}\0${f.path}`, entry);
    return entry;
  }

  /**
   * Every LookML file's parse, in order: a file of `prior` (the inputs of the snapshot's commit, when
   * assembled) that is the same object here is taken as it is; cached ones at once; the rest read
   * and parsed concurrently.
   */
  async #parseAll(repo: ProjectRepo, snapshot: WorkspaceSnapshot, prior: Inputs | undefined): Promise<Inputs> {
    const all = snapshot.files;
    const same = prior !== undefined && prior.files.length === all.length;
    const entries: (ParsedEntry | undefined)[] = [];
    const missing: Promise<void>[] = [];
    for (let i = 0; i < all.length; i++) {
      const f = all[i]!;
      if (same && prior.files[i] === f) {
        entries.push(prior.entries[i]);
        continue;
      }
      if (!isLookmlPath(f.path)) {
        entries.push(undefined);
        continue;
      }
      const hit = this.#cachedParse(f);
      entries.push(hit);
      if (!hit) {
        missing.push(this.#parse(repo, snapshot, f).then((entry) => {
          entries[i] = entry;
        }));
      }
    }
    await Promise.all(missing);
    return { files: all, entries };
  }

  /**
   * What to assemble `snapshot` from: its commit's own workspace when it is kept (a dev copy's
   * uncommitted edits over its branch), else the project's latest memo.
   */
  #base(snapshot: WorkspaceSnapshot): { memo: BuildMemo | undefined; inputs: Inputs | undefined } {
    if (snapshot.changes.length > 0) {
      const commit = this.#workspaces.get(`${snapshot.projectId}@${snapshot.tree ?? 'empty'}`);
      const memo = commit && this.#memos.get(commit);
      if (commit && memo) return { memo, inputs: this.#inputs.get(commit) };
    }
    return { memo: this.#latestMemo.get(snapshot.projectId)?.deref(), inputs: undefined };
  }

  async #assemble(repo: ProjectRepo, snapshot: WorkspaceSnapshot): Promise<LoadedWorkspace> {
    const base = this.#base(snapshot);
    const inputs = await this.#parseAll(repo, snapshot, base.inputs);
    const sources: ParsedSource[] = [];
    let sourceBytes = 0;
    let overlayBytes = 0;
    for (let i = 0; i < inputs.entries.length; i++) {
      const e = inputs.entries[i];
      if (e === undefined) continue;
      sources.push(e.parsed);
      sourceBytes += e.bytes;
      if (inputs.files[i]!.source === 'overlay') overlayBytes += e.bytes;
    }
    // Commit content (production, branch heads) is what others build on; a dev copy's
    // uncommitted edits are its own, unless nothing of the project is assembled yet.
    const record = snapshot.changes.length === 0 || base.memo === undefined;
    const built = assembleProjectIncremental(sources, snapshot.projectId, base.memo, record);
    const assembled = built.assembled;
    let ownSourceBytes = sourceBytes;
    if (base.memo !== undefined) {
      const objects = built.stats.built + built.stats.reused;
      ownSourceBytes = Math.max(objects === 0 ? 0 : (sourceBytes * built.stats.built) / objects, overlayBytes);
    }
    let diagnostics: readonly Diagnostic[] | undefined;
    const loaded: LoadedWorkspace = {
      ...assembled,
      key: snapshot.key,
      sourceBytes,
      ownSourceBytes,
      diagnostics: () => (diagnostics ??= validateAssembled(assembled)),
    };
    const memo = built.memo ?? base.memo;
    if (memo) this.#memos.set(loaded, memo);
    if (built.memo) {
      this.#latestMemo.set(snapshot.projectId, new WeakRef(built.memo));
      this.#inputs.set(loaded, inputs);
    }
    this.#workspaces.set(snapshot.key, loaded);
    return loaded;
  }
}
