/**
 * This node's bare mirrors, one per project. A mirror is refreshed (fetched) when a git operation
 * needs the remote's latest refs or when the metadata DB's `ref_generation` for the project is ahead
 * of what this mirror has seen — never on an ordinary read.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProjectRecord } from '../store/index.ts';
import {
  defaultBranch, ensureMirror, fetchMirror, listBranches, openObjectReader, resolveRef, type ObjectReader,
} from './git/index.ts';

export interface ProjectRepo {
  readonly projectId: string;
  readonly dir: string;
  readonly remoteUrl: string;
  readonly reader: ObjectReader;
  /** The DB ref generation this mirror's refs reflect. */
  generation: number;
  /** Branch name → commit, as of the last fetch. */
  branches: Map<string, string>;
  /** The remote's default branch (HEAD), null when it has none. */
  defaultBranch: string | null;
  /** Where the remote's `refs/overlook/deployed` points (null: never deployed through Overlook). */
  deployedRef: string | null;
}

export class RepoManager {
  readonly #root: string;
  readonly #repos = new Map<string, ProjectRepo>();

  constructor(dataDir: string) {
    this.#root = path.resolve(dataDir);
  }

  /** Where a hosted project's own bare repository lives. */
  hostedRepoPath(projectId: string): string {
    return path.join(this.#root, 'repos', `${projectId}.git`);
  }

  #mirrorDir(project: ProjectRecord): string {
    const urlKey = createHash('sha1').update(project.git_remote_url).digest('hex').slice(0, 12);
    return path.join(this.#root, 'mirrors', `${project.id}-${urlKey}.git`);
  }

  /**
   * The project's mirror, fetched first when `fetch` is set, when it is new, or when another node (or
   * this one) moved a ref since the mirror last looked.
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
        generation: project.ref_generation, branches: new Map(), defaultBranch: null, deployedRef: null,
      };
      await this.#readRefs(repo);
      this.#repos.set(project.id, repo);
      return repo;
    }
    if (options.fetch === true || repo.generation !== project.ref_generation) {
      await fetchMirror(dir);
      repo.generation = project.ref_generation;
      await this.#readRefs(repo);
    }
    return repo;
  }

  /** After this node moved refs itself (and bumped the generation to `generation`). */
  async afterOwnRefMove(repo: ProjectRepo, previousGeneration: number, generation: number): Promise<void> {
    // A push to the remote's URL does not move the mirror's own refs: fetch them back.
    await fetchMirror(repo.dir);
    await this.#readRefs(repo);
    // Only skip the next fetch if nobody else moved anything in between.
    if (previousGeneration + 1 === generation && repo.generation === previousGeneration) repo.generation = generation;
  }

  async #readRefs(repo: ProjectRepo): Promise<void> {
    repo.branches = new Map((await listBranches(repo.dir)).map((b) => [b.name, b.sha]));
    repo.defaultBranch = await defaultBranch(repo.dir);
    repo.deployedRef = await resolveRef(repo.dir, 'refs/overlook/deployed');
  }

  /** Forgets a project's mirror handle (after delete_project); files stay until the data dir is cleaned. */
  async drop(projectId: string): Promise<void> {
    const repo = this.#repos.get(projectId);
    this.#repos.delete(projectId);
    await repo?.reader.close();
  }

  hostedRepoExists(projectId: string): boolean {
    return existsSync(this.hostedRepoPath(projectId));
  }

  async close(): Promise<void> {
    const repos = [...this.#repos.values()];
    this.#repos.clear();
    await Promise.all(repos.map((r) => r.reader.close()));
  }
}
