/**
 * Whether this node can serve a project's git content (the `/readyz` probe). A project whose mirror
 * this node has open is usable when the mirror directory is there and its object reader answers for
 * a commit the mirror holds; one not opened here yet (opening clones it: too slow for a probe) when
 * its remote answers an `ls-remote` within the timeout, an answer reused for a few seconds because
 * probes come every few seconds from every load balancer.
 */
import { stat } from 'node:fs/promises';
import type { ProjectRecord } from '../store/index.ts';
import { gitMessage } from './core.ts';
import { git } from './git/run.ts';
import type { ProjectRepo, RepoManager } from './repos.ts';

export interface MirrorHealth {
  readonly projectId: string;
  readonly ok: boolean;
  /** What was checked: this node's open mirror, or (none open yet) the remote. */
  readonly via: 'mirror' | 'remote';
  /** Why it is not usable. */
  readonly message?: string;
}

export interface MirrorHealthOptions {
  /** Per check (default 2000 ms). */
  readonly timeoutMs?: number;
  /** How long a remote's answer is reused (default 10 000 ms). */
  readonly remoteCacheMs?: number;
  readonly now?: () => number;
}

class Timeout extends Error {}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Timeout(`no answer within ${ms} ms`)); }, ms);
    timer.unref();
  });
  return Promise.race([promise, expired]).finally(() => { clearTimeout(timer); });
}

const describe = (error: unknown): string => (error instanceof Timeout ? error.message : gitMessage(error));

/** A commit the mirror itself holds (fetched or made here); a deploy it has not synced yet does not count. */
function knownCommit(repo: ProjectRepo): string | null {
  return repo.deployedRef ?? repo.branches.values().next().value ?? repo.refs.values().next().value ?? null;
}

export class MirrorHealthChecker {
  readonly #repos: RepoManager;
  readonly #timeoutMs: number;
  readonly #remoteCacheMs: number;
  readonly #now: () => number;
  /** By remote URL: the answer (null = reachable, else why not), shared by concurrent probes. */
  readonly #remotes = new Map<string, { at: number; answer: Promise<string | null> }>();

  constructor(repos: RepoManager, options: MirrorHealthOptions = {}) {
    this.#repos = repos;
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#remoteCacheMs = options.remoteCacheMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async check(project: ProjectRecord): Promise<MirrorHealth> {
    const repo = this.#repos.opened(project.id);
    if (repo === undefined || repo.remoteUrl !== project.git_remote_url) {
      const why = await this.#remote(project.git_remote_url);
      return why === null ? { projectId: project.id, ok: true, via: 'remote' } : { projectId: project.id, ok: false, via: 'remote', message: why };
    }
    const why = await this.#mirror(repo);
    return why === null ? { projectId: project.id, ok: true, via: 'mirror' } : { projectId: project.id, ok: false, via: 'mirror', message: why };
  }

  async #mirror(repo: ProjectRepo): Promise<string | null> {
    // A running `cat-file` may still answer from files it holds open: look at the directory itself.
    const found = await stat(repo.dir).catch(() => null);
    if (found === null || !found.isDirectory()) return `the mirror directory ${repo.dir} is missing`;
    const commit = knownCommit(repo);
    if (commit === null) return null;
    try {
      const obj = await within(repo.reader.readObject(commit), this.#timeoutMs);
      return obj === null ? `commit ${commit} is missing from the mirror` : null;
    } catch (error) {
      return `the mirror's object reader failed: ${describe(error)}`;
    }
  }

  #remote(url: string): Promise<string | null> {
    const now = this.#now();
    const cached = this.#remotes.get(url);
    if (cached !== undefined && now - cached.at < this.#remoteCacheMs) return cached.answer;
    const answer = within(git(['ls-remote', '--heads', '--', url], { timeoutMs: this.#timeoutMs }), this.#timeoutMs + 500)
      .then(() => null, (error: unknown) => `the git remote is unreachable: ${describe(error)}`);
    if (this.#remotes.size > 1000) this.#remotes.clear();
    this.#remotes.set(url, { at: now, answer });
    return answer;
  }
}
