/**
 * This node's bare mirrors, one per project, each with the remote's refs cached in memory. The cache
 * changes two ways, never on an ordinary read: a sync (one `ls-remote` compared with the cache, a
 * fetch only when they differ) when a git operation needs the remote's latest refs or when the
 * metadata DB's `ref_generation` for the project is ahead of what this mirror has seen; and this
 * node's own pushes, applied to the cache at once and to the mirror's refs shortly after with
 * compare-and-swap (no fetch).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProjectRecord } from '../store/index.ts';
import {
  ensureMirror, fetchRefs, listRemoteRefs, moveRefs, openObjectReader, readRefState, setHead, type ObjectReader, type RefMove, type RefState,
} from './git/index.ts';
import { KeyedMutex } from './mutex.ts';

export type { RefMove } from './git/index.ts';

/**
 * The remote ref that keeps the deployed commit reachable even if its branch is deleted or rewritten,
 * so every node (and a fresh mirror) can always read production. Mirrors fetch it with the branches.
 */
export const DEPLOYED_REF = 'refs/overlook/deployed';

export interface ProjectRepo {
  readonly projectId: string;
  readonly dir: string;
  readonly remoteUrl: string;
  readonly reader: ObjectReader;
  /** The DB ref generation this mirror's refs reflect. */
  generation: number;
  /** Branch name → commit, as of the last sync (and this node's own pushes since). */
  branches: Map<string, string>;
  /** The remote's default branch (HEAD), null when it has none. */
  defaultBranch: string | null;
  /** Where the remote's `refs/overlook/deployed` points (null: never deployed through Overlook). */
  deployedRef: string | null;
  /** Every ref of the remote (full name → object) as this node knows them: what a sync compares with. */
  refs: Map<string, string>;
  /** The mirror's own refs may differ from `refs` (a background ref update failed): the next sync fetches. */
  mirrorStale: boolean;
}

function sameRefs(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, sha] of a) if (b.get(name) !== sha) return false;
  return true;
}

/** Sets the cached views (refs, branches, deployed ref) from one ref listing of the mirror. */
function applyRefs(repo: ProjectRepo, refs: ReadonlyMap<string, string>): void {
  repo.refs = new Map(refs);
  const branches: [string, string][] = [];
  for (const [name, sha] of refs) if (name.startsWith('refs/heads/')) branches.push([name.slice('refs/heads/'.length), sha]);
  branches.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  repo.branches = new Map(branches);
  repo.deployedRef = refs.get(DEPLOYED_REF) ?? null;
}

/** How long own moves may wait before they are written to the mirror's refs (see recordOwnMoves). */
const MIRROR_FLUSH_MS = 500;

/** Consecutive moves of a ref as one (first `from` to last `to`); refs that end where they began drop out. */
function collapse(moves: readonly RefMove[]): RefMove[] {
  const byRef = new Map<string, RefMove>();
  for (const m of moves) {
    const first = byRef.get(m.ref);
    byRef.set(m.ref, { ref: m.ref, from: first === undefined ? m.from : first.from, to: m.to });
  }
  return [...byRef.values()].filter((m) => m.from !== m.to);
}

function applyState(repo: ProjectRepo, state: RefState): void {
  applyRefs(repo, state.refs);
  repo.defaultBranch = state.head;
}

export class RepoManager {
  readonly #root: string;
  readonly #repos = new Map<string, ProjectRepo>();
  /** Serializes syncs and own-move updates of one mirror's refs (cached and on disk). */
  readonly #sync = new KeyedMutex();
  /** Own moves in the cache but not yet in the mirror's refs, by mirror dir (see recordOwnMoves). */
  readonly #unwritten = new Map<string, RefMove[]>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Mirror ref writes running off the request path. */
  readonly #background = new Set<Promise<void>>();

  readonly #hostedRoot: string;

  /** `hostedDir`: where projects without a remote get their repository (default `<dataDir>/repos`). */
  constructor(dataDir: string, hostedDir?: string) {
    this.#root = path.resolve(dataDir);
    this.#hostedRoot = hostedDir === undefined ? path.join(this.#root, 'repos') : path.resolve(hostedDir);
  }

  /**
   * Where a hosted project's own bare repository lives. Its path is the project's remote URL in the
   * DB, so in a cluster every node must reach it: a shared folder (`--hosted-git-dir`), not a data dir.
   */
  hostedRepoPath(projectId: string): string {
    return path.join(this.#hostedRoot, `${projectId}.git`);
  }

  // Asked on every request that resolves a workspace: computed once per (project, remote).
  readonly #mirrorDirs = new Map<string, string>();

  #mirrorDir(project: ProjectRecord): string {
    const key = `${project.id}\0${project.git_remote_url}`;
    let dir = this.#mirrorDirs.get(key);
    if (dir === undefined) {
      const urlKey = createHash('sha1').update(project.git_remote_url).digest('hex').slice(0, 12);
      dir = path.join(this.#root, 'mirrors', `${project.id}-${urlKey}.git`);
      this.#mirrorDirs.set(key, dir);
    }
    return dir;
  }

  /**
   * The project's mirror, synced first when `fetch` is set or when another node (or this one) moved a
   * ref since the mirror last looked; cloned (or fetched, when it is on disk already) when new.
   */
  async open(project: ProjectRecord, options: { fetch?: boolean } = {}): Promise<ProjectRepo> {
    const dir = this.#mirrorDir(project);
    let repo = this.#repos.get(project.id);
    if (repo && repo.dir !== dir) {
      // The remote URL changed: the old mirror is kept on disk but no longer used.
      await repo.reader.close();
      this.#repos.delete(project.id);
      repo = undefined;
    }
    if (!repo) {
      await ensureMirror(project.git_remote_url, dir);
      repo = {
        projectId: project.id, dir, remoteUrl: project.git_remote_url, reader: openObjectReader(dir),
        generation: project.ref_generation, branches: new Map(), defaultBranch: null, deployedRef: null, refs: new Map(),
        mirrorStale: false,
      };
      applyState(repo, await readRefState(dir));
      // Two first requests may race to here; the first handle wins and the other's reader is closed.
      const raced = this.#repos.get(project.id);
      if (raced && raced.dir === dir) {
        await repo.reader.close();
        return raced;
      }
      this.#repos.set(project.id, repo);
      return repo;
    }
    if (options.fetch === true || repo.mirrorStale || repo.generation !== project.ref_generation) await this.sync(repo, project.ref_generation);
    return repo;
  }

  /**
   * Brings the cached refs up to the remote's: one `ls-remote`, then a fetch only when a ref differs,
   * and HEAD repointed when the default branch changed. `generation` is the DB's as read before the
   * call, so everything moved up to it is seen (omitted: the generation is left as it is).
   */
  async sync(repo: ProjectRepo, generation?: number): Promise<void> {
    await this.#sync.run(repo.dir, async () => {
      const remote = await listRemoteRefs(repo.dir);
      if (repo.mirrorStale || !sameRefs(remote.refs, repo.refs)) {
        // The fetch writes every ref as the remote has it, this node's unwritten pushes included.
        this.#unwritten.delete(repo.dir);
        await fetchRefs(repo.dir);
        repo.mirrorStale = false;
        applyRefs(repo, (await readRefState(repo.dir)).refs);
      }
      if (remote.head !== null && remote.head !== repo.defaultBranch) {
        await setHead(repo.dir, remote.head);
        repo.defaultBranch = remote.head;
      }
      if (generation !== undefined) repo.generation = generation;
    });
  }

  /**
   * After this node pushed `moves` itself: the remote now has them, so the cached refs take them at
   * once (no fetch), provided each ref is where its move started from; otherwise (a sync got there
   * first, or the cache was behind) it is a sync instead.
   *
   * The mirror's own refs follow shortly after, in batches: one compare-and-swap `update-ref` for all
   * moves of the last MIRROR_FLUSH_MS, off the request path (spawning git costs a busy server more
   * than the update itself). Nothing reads branch heads from the mirror's refs meanwhile (the cache
   * answers, objects are read by id); a fetch supersedes the batch, and a failed batch marks the
   * mirror stale so the next sync fetches.
   */
  async recordOwnMoves(repo: ProjectRepo, moves: readonly RefMove[]): Promise<void> {
    const applied = await this.#sync.run(repo.dir, () => {
      const todo = moves.filter((m) => (repo.refs.get(m.ref) ?? null) !== m.to);
      if (todo.some((m) => (repo.refs.get(m.ref) ?? null) !== m.from)) return Promise.resolve(false);
      const refs = new Map(repo.refs);
      for (const m of todo) {
        if (m.to === null) refs.delete(m.ref);
        else refs.set(m.ref, m.to);
      }
      applyRefs(repo, refs);
      if (todo.length > 0) this.#unwritten.set(repo.dir, [...(this.#unwritten.get(repo.dir) ?? []), ...todo]);
      return Promise.resolve(true);
    });
    if (!applied) {
      await this.sync(repo);
      return;
    }
    if (this.#unwritten.has(repo.dir) && !this.#timers.has(repo.dir)) {
      const timer = setTimeout(() => {
        this.#timers.delete(repo.dir);
        this.#track(this.flush(repo));
      }, MIRROR_FLUSH_MS);
      timer.unref();
      this.#timers.set(repo.dir, timer);
    }
  }

  /** Writes the own moves the mirror's refs do not have yet (a no-op when there are none). */
  async flush(repo: ProjectRepo): Promise<void> {
    const timer = this.#timers.get(repo.dir);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(repo.dir);
    if (!this.#unwritten.has(repo.dir)) return;
    await this.#sync.run(repo.dir, async () => {
      const moves = collapse(this.#unwritten.get(repo.dir) ?? []);
      this.#unwritten.delete(repo.dir);
      try {
        if (!(await moveRefs(repo.dir, moves))) repo.mirrorStale = true;
      } catch {
        repo.mirrorStale = true;
      }
    });
  }

  #track(task: Promise<void>): void {
    const settled = task.catch(() => undefined);
    this.#background.add(settled);
    void settled.then(() => this.#background.delete(settled));
  }

  /** Writes every pending own move to the mirrors and waits for it (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.#repos.values()].map((r) => this.flush(r)));
    await Promise.all([...this.#background]);
  }

  /**
   * This node moved refs and bumped the DB generation from `previous` to `generation`: the mirror
   * skips the next sync only if nobody else moved anything in between.
   */
  advanceGeneration(repo: ProjectRepo, previous: number, generation: number): void {
    if (previous + 1 === generation && repo.generation === previous) repo.generation = generation;
  }

  /** Forgets a project's mirror handle (after delete_project); files stay until the data dir is cleaned. */
  async drop(projectId: string): Promise<void> {
    const repo = this.#repos.get(projectId);
    this.#repos.delete(projectId);
    if (repo) await this.flush(repo);
    await Promise.all([...this.#background]);
    await repo?.reader.close();
  }

  /** The project's mirror if this node has opened it (readiness checks look at it without opening one). */
  opened(projectId: string): ProjectRepo | undefined {
    return this.#repos.get(projectId);
  }

  hostedRepoExists(projectId: string): boolean {
    return existsSync(this.hostedRepoPath(projectId));
  }

  async close(): Promise<void> {
    await this.settled();
    const repos = [...this.#repos.values()];
    this.#repos.clear();
    await Promise.all(repos.map((r) => r.reader.close()));
  }
}
