/**
 * Scaffolding for the workspace service suites: a real bare remote made by the test, a real SQLite
 * store in a temp data dir, the `Workspaces` facade over both, and helpers that change the remote
 * behind Overlook's back the way another developer (or CI) would.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openStore, type Store } from '../store/index.ts';
import { makeRemote, tempRoot } from './git/test-helpers.ts';
import { git, gitText, runGit } from './git/run.ts';
import { WorkspaceError, Workspaces, type Caller } from './index.ts';

export const MODEL = 'connection: "duckdb"\ninclude: "/views/*.view.lkml"\nexplore: orders {}\n';
export const USERS_VIEW = 'view: users {\n  dimension: id { type: number }\n}\n';

export function ordersView(ws: string): string {
  return `view: orders {\n  dimension: ws { sql: '${ws}' ;; }\n}\n`;
}

/** main: `ws` is 'prod'. */
export const BASE_FILES: Readonly<Record<string, string>> = {
  'shop.model.lkml': MODEL,
  'views/orders.view.lkml': ordersView('prod'),
  'views/users.view.lkml': USERS_VIEW,
};

export interface Env {
  readonly root: string;
  readonly remote: string;
  readonly dataDir: string;
  readonly store: Store;
  readonly workspaces: Workspaces;
  cleanup(): Promise<void>;
}

export async function setupEnv(files: Readonly<Record<string, string>> = BASE_FILES): Promise<Env> {
  const { dir: root, cleanup } = await tempRoot();
  const remote = await makeRemote(root, files);
  const dataDir = path.join(root, 'data');
  await mkdir(dataDir, { recursive: true });
  const store = await openStore({ dataDir });
  const workspaces = new Workspaces(store, { dataDir });
  return {
    root, remote, dataDir, store, workspaces,
    cleanup: async () => {
      await workspaces.close();
      await store.close();
      await cleanup();
    },
  };
}

export async function newUser(store: Store, first: string | null, last: string | null): Promise<string> {
  return (await store.users.createUser({ first_name: first, last_name: last })).id;
}

export const dev = (userId: string): Caller => ({ userId, workspace: 'dev' });
export const prod = (userId: string): Caller => ({ userId, workspace: 'production' });

/**
 * Commits `files` (null = delete) on `branch` of the remote from an ordinary clone and pushes it;
 * a missing branch starts from `base`. Returns the new commit.
 */
export async function pushFiles(
  root: string, remote: string, branch: string, files: Readonly<Record<string, string | null>>,
  options: { base?: string; message?: string } = {},
): Promise<string> {
  const work = await mkdtemp(path.join(root, 'push-'));
  try {
    await git(['clone', '--quiet', remote, work]);
    const has = async (ref: string) => (await runGit(['rev-parse', '--verify', '--quiet', ref], { cwd: work })).code === 0;
    const start = (await has(`origin/${branch}`)) ? `origin/${branch}` : `origin/${options.base ?? 'main'}`;
    // An empty remote has nothing to start from: the first commit is a root commit.
    if (await has(start)) await git(['checkout', '--quiet', '-B', branch, start], { cwd: work });
    else await git(['checkout', '--quiet', '--orphan', branch], { cwd: work });
    for (const [p, content] of Object.entries(files)) {
      const full = path.join(work, p);
      if (content === null) {
        await rm(full, { force: true });
      } else {
        await mkdir(path.dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
    await git(['add', '-A'], { cwd: work });
    await git(['commit', '--quiet', '--allow-empty', '-m', options.message ?? `change ${branch}`], { cwd: work });
    await git(['push', '--quiet', 'origin', `${branch}:refs/heads/${branch}`], { cwd: work });
    return await gitText(['rev-parse', 'HEAD'], { cwd: work });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The remote's branches as `git ls-remote --heads` reports them, asked fresh. */
export async function remoteHeads(remote: string): Promise<Map<string, string>> {
  const out = await gitText(['ls-remote', '--heads', '--', remote]);
  const heads = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [sha = '', ref = ''] = line.split('\t');
    heads.set(ref.slice('refs/heads/'.length), sha);
  }
  return heads;
}

/** A file's text at a commit/ref of the remote (null when the path does not exist there). */
export async function remoteFile(remote: string, ref: string, file: string): Promise<string | null> {
  const res = await runGit(['show', `${ref}:${file}`], { gitDir: remote });
  return res.code === 0 ? res.stdout.toString('utf8') : null;
}

/** The `sql` of `orders.ws` in the caller's workspace; undefined when the model or view is absent. */
export async function wsSql(workspaces: Workspaces, projectId: string, caller: Caller): Promise<string | undefined> {
  const { loaded } = await workspaces.load(projectId, caller);
  return loaded.project.models.shop?.views.orders?.fields.find((f) => f.name === 'ws')?.sql;
}

/** Awaits a promise that must reject with a WorkspaceError, and returns that error. */
export async function workspaceError(promise: Promise<unknown>): Promise<WorkspaceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkspaceError) return error;
    throw error;
  }
  throw new Error('expected a WorkspaceError');
}
