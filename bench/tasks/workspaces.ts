/**
 * Comparison 5 (issue 4): git-backed projects and per-user dev workspaces, against the limits.
 *
 * `workspaces-branches`: create / check out / hard-reset a branch of a 1,000-file project committed
 * to a real bare remote, through the `Workspaces` service over a SQLite store (every call spawns the
 * real git processes: fetch, push, ref reads), and check-out once more through the HTTP API.
 *
 * `workspaces-users` (run with --expose-gc): many users whose dev copies each differ from production
 * by one file. Heap with production alone vs after every user has loaded their workspace once, and
 * the latency of each user's first `lookml_model_explore` (resolve + load + present, exactly the
 * route's path without HTTP).
 */
import childProcess from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookmlModelExploreJson } from '../../src/api/presenters/lookml-explore.ts';
import { serve } from '../../src/cli/serve.ts';
import type { Project } from '../../src/model/types.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { blobId } from '../../src/workspaces/content.ts';
import { fetchMirror } from '../../src/workspaces/git/index.ts';
import { git } from '../../src/workspaces/git/run.ts';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';
import { Workspaces, type Caller } from '../../src/workspaces/index.ts';
import { personalBranchName } from '../../src/workspaces/names.ts';
import { pushFiles } from '../../src/workspaces/test-support.ts';
import type { DevCopiesRun, HeapPoint, ProjectSize, WorkspaceOpTiming, WorkspacesBranchesResult, WorkspacesUsersResult } from '../protocol.ts';
import { summarize, timeAsync, type Summary } from '../stats.ts';
import { DEFAULT_SYNTHETIC, generateProject, lineCount, viewName, type SyntheticFile, type SyntheticOptions } from '../synthetic.ts';

const PROJECT = 'bench';
const MODEL = 'synthetic';
/** The model's first explore (`exploreText(0)` in bench/synthetic.ts): base view 0 and its joins. */
const EXPLORE = viewName(0);
const BRANCH_OPS = { iterations: 60, warmup: 2, budget: { budgetMs: 2_500, minIterations: 15 } } as const;
/** ContentCache's default bound, passed explicitly so the report states what was measured. */
const LRU_WORKSPACES = 64;
const MANY_USERS = 1000;
/** On a machine busy with other work, stop early rather than hit the orchestrator's task timeout. */
const MANY_BUDGET_MS = 45_000;
const MANY_VIEWS = 100;
const LARGE_SAMPLE = 8;

function synthetic(views: number): SyntheticFile[] {
  const opts: SyntheticOptions = views === DEFAULT_SYNTHETIC.views ? DEFAULT_SYNTHETIC : {
    ...DEFAULT_SYNTHETIC, views, refinementFiles: Math.max(1, Math.round(views / 25)), explores: Math.max(4, Math.round(views * 0.3)),
  };
  return generateProject(opts);
}

function sizeOf(files: readonly SyntheticFile[]): ProjectSize {
  return {
    files: files.length,
    viewFiles: files.filter((f) => f.path.endsWith('.view.lkml')).length,
    lines: lineCount(files),
    bytes: files.reduce((n, f) => n + Buffer.byteLength(f.text), 0),
  };
}

interface Env {
  readonly root: string;
  readonly remote: string;
  readonly store: Store;
  readonly workspaces: Workspaces;
  /** The developer who created the project (has a dev copy). */
  readonly admin: string;
  close(): Promise<void>;
}

/** A real bare remote holding `files` on main (and whatever `beforeProject` pushes), a SQLite store, `Workspaces`, and the project. */
async function setupEnv(files: readonly SyntheticFile[], beforeProject?: (root: string, remote: string) => Promise<void>): Promise<Env> {
  const root = await mkdtemp(join(tmpdir(), 'overlook-bench-ws-'));
  const remote = await makeRemote(root, Object.fromEntries(files.map((f) => [f.path, f.text])));
  await beforeProject?.(root, remote);
  const dataDir = join(root, 'data');
  await mkdir(dataDir, { recursive: true });
  const store = await openStore({ dataDir });
  const workspaces = new Workspaces(store, { dataDir, maxCachedWorkspaces: LRU_WORKSPACES });
  const admin = (await store.users.createUser({ first_name: 'Bench', last_name: 'Developer' })).id;
  await workspaces.createProject({ userId: admin, workspace: 'dev' }, { name: PROJECT, git_remote_url: remote });
  return {
    root, remote, store, workspaces, admin,
    close: async () => {
      await workspaces.close();
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

const dev = (userId: string): Caller => ({ userId, workspace: 'dev' });

// ---------------------------------------------------------------------------------------------
// Branch operations

async function timeOp(fn: (i: number) => Promise<unknown>): Promise<{ ms: Summary; calls: number }> {
  let i = 0;
  const samples = await timeAsync(() => fn(i++), BRANCH_OPS.iterations, BRANCH_OPS.warmup, BRANCH_OPS.budget);
  return { ms: summarize(samples), calls: i };
}

let gitSpawns = 0;

/** Counts `spawn('git', …)` from here on (the workspace code imports `spawn` from node:child_process). */
function countGitSpawns(): void {
  const original = childProcess.spawn;
  const counting = function (this: unknown, ...args: unknown[]): unknown {
    if (args[0] === 'git') gitSpawns++;
    return Reflect.apply(original, this, args);
  };
  childProcess.spawn = counting as unknown as typeof original;
  // ESM named imports of a builtin see the patched property only after this.
  syncBuiltinESMExports();
}

/**
 * Times `fn` call by call, then counts the git processes of one more (untimed) call: the next one in
 * sequence, so it does what a timed call did (the budget may stop the timing early, and a fixed index
 * could repeat the last call's target, e.g. a hard reset to where the branch already is).
 */
async function measureOp(op: string, via: WorkspaceOpTiming['via'], fn: (i: number) => Promise<unknown>): Promise<WorkspaceOpTiming> {
  const { ms, calls } = await timeOp(fn);
  const before = gitSpawns;
  await fn(calls);
  return { op, via, ms, gitProcesses: gitSpawns - before };
}

const ADMIN_ENV = { OVERLOOK_ADMIN_EMAIL: 'bench@example.com', OVERLOOK_ADMIN_CLIENT_ID: 'benchadmin', OVERLOOK_ADMIN_CLIENT_SECRET: 'bench-secret-0123456789abcdef' };

/** `update_git_branch` (check out) through the real server on its own data dir, same remote. */
async function httpCheckout(root: string, remote: string): Promise<WorkspaceOpTiming> {
  const server = await serve({ port: 0, host: '127.0.0.1', dataDir: join(root, 'http-data'), adminEnv: ADMIN_ENV, handleSignals: false, log: () => undefined });
  try {
    const login = await fetch(`${server.url}/api/4.0/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: ADMIN_ENV.OVERLOOK_ADMIN_CLIENT_ID, client_secret: ADMIN_ENV.OVERLOOK_ADMIN_CLIENT_SECRET }).toString(),
    });
    const token = ((await login.json()) as { access_token?: string }).access_token;
    if (token === undefined) throw new Error(`login answered ${login.status}`);
    const call = async (method: string, path: string, body: unknown): Promise<unknown> => {
      const res = await fetch(`${server.url}/api/4.0${path}`, {
        method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status} ${text.slice(0, 200)}`);
      return JSON.parse(text) as unknown;
    };
    await call('PATCH', '/session', { workspace_id: 'dev' });
    await call('POST', '/projects', { name: PROJECT, git_remote_url: remote });
    for (const name of ['http-a', 'http-b']) await call('POST', `/projects/${PROJECT}/git_branch`, { name });
    return await measureOp('update_git_branch (check out)', 'http', async (i) => {
      const name = i % 2 === 0 ? 'http-a' : 'http-b';
      const branch = (await call('PUT', `/projects/${PROJECT}/git_branch`, { name })) as { name?: string };
      if (branch.name !== name) throw new Error(`checked out ${String(branch.name)}, expected ${name}`);
    });
  } finally {
    await server.close();
  }
}

export async function workspacesBranches(): Promise<WorkspacesBranchesResult> {
  countGitSpawns();
  const started = performance.now();
  const files = synthetic(DEFAULT_SYNTHETIC.views);
  const changed = files.find((f) => f.path === `views/${viewName(1)}.view.lkml`);
  if (!changed) throw new Error('the synthetic project has no view 1');
  // A second commit on the remote, so every hard reset below really moves the branch.
  const env = await setupEnv(files, async (root, remote) => {
    await pushFiles(root, remote, 'feature', { [changed.path]: changed.text.replace('  label: "', '  label: "Feature ') });
  });
  try {
    const w = env.workspaces;
    const me = dev(env.admin);
    for (const name of ['bench-a', 'bench-b', 'bench-r']) await w.createBranch(PROJECT, me, name);
    const mirror = (await w.core.repo(await w.project(PROJECT))).dir;
    const setupMs = performance.now() - started;
    const ops: WorkspaceOpTiming[] = [];
    // Each create starts from the current branch and checks the new one out, like the IDE's "new branch".
    ops.push(await measureOp('create_git_branch', 'service', (i) => w.createBranch(PROJECT, me, `bench-new-${i}`)));
    ops.push(await measureOp('update_git_branch (check out)', 'service', (i) => w.updateBranch(PROJECT, me, i % 2 === 0 ? 'bench-a' : 'bench-b')));
    ops.push(await measureOp('update_git_branch with ref (hard reset + force push)', 'service',
      (i) => w.updateBranch(PROJECT, me, 'bench-r', i % 2 === 0 ? 'origin/feature' : 'origin/main')));
    ops.push(await httpCheckout(env.root, env.remote));
    ops.push(await measureOp('`git rev-parse HEAD` (one process)', 'git', () => git(['rev-parse', 'HEAD'], { gitDir: mirror })));
    ops.push(await measureOp('`git fetch` of the mirror, nothing new', 'git', () => fetchMirror(mirror)));
    const heads = await git(['ls-remote', '--heads', '--', env.remote]);
    const remoteBranches = heads.toString('utf8').split('\n').filter((l) => l !== '').length;
    return { task: 'workspaces-branches', size: sizeOf(files), remoteBranches, ops, setupMs };
  } finally {
    await env.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Dev copies of many users

function heapNow(): HeapPoint {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('workspaces-users needs node --expose-gc');
  // Twice: the first pass can leave objects that only a second one frees (weak refs, finalizers).
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

/** This user's one-file change: the view's label, different for every user (so every content key differs). */
function userEdit(files: readonly SyntheticFile[], views: number, i: number): { path: string; text: string } {
  const path = `views/${viewName(i % views)}.view.lkml`;
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path}`);
  return { path, text: file.text.replace('  label: "', `  label: "User ${i} `) };
}

/**
 * Dev copies made in bulk, with the same result as each user's first dev operation (a personal
 * branch pushed at production's commit, the DB rows) but one `git push` for all of them: making
 * them one by one costs ~0.2 s each, which is setup, not what is measured here.
 */
async function bulkDevCopies(env: Env, users: readonly string[]): Promise<Map<string, string>> {
  const w = env.workspaces;
  const project = await w.project(PROJECT);
  const repo = await w.core.repo(project, true);
  const start = w.core.productionCommit(project, repo);
  if (start === null) throw new Error('the project has no production commit');
  const branches = new Map(users.map((u, i) => [u, personalBranchName('User', String(i), u)]));
  await git(['push', '--quiet', repo.remoteUrl, ...[...branches.values()].map((b) => `${start}:refs/heads/${b}`)], { gitDir: repo.dir });
  for (const [user, branch] of branches) {
    await env.store.projects.setBranchHead(user, PROJECT, branch, start);
    await env.store.projects.ensureDevCopy(user, PROJECT, branch);
  }
  await w.core.refsMoved(project, repo);
  return branches;
}

interface ExploreCall {
  /** Content key of the workspace the call answered from. */
  readonly key: string;
  readonly fields: number;
  readonly resolveMs: number;
  readonly loadMs: number;
  readonly presentMs: number;
}

/** What `GET /lookml_models/{model}/explores/{explore}` does after authentication, timed by part. */
async function explore(w: Workspaces, caller: Caller): Promise<ExploreCall> {
  let resolveMs = 0;
  let loadMs = 0;
  let found: { projectId: string; project: Project; key: string } | undefined;
  // As `Workspaces.models`: every project the caller can see, resolved then loaded.
  for (const project of await w.allProjects()) {
    if (caller.workspace === 'production' && project.deployed_commit === null) continue;
    const t0 = performance.now();
    const ws = await w.core.resolve(project.id, caller);
    const t1 = performance.now();
    const loaded = await w.core.load(ws);
    loadMs += performance.now() - t1;
    resolveMs += t1 - t0;
    if (loaded.project.models[MODEL]) found = { projectId: project.id, project: loaded.project, key: loaded.key };
  }
  const t2 = performance.now();
  const model = found?.project.models[MODEL];
  const ex = model?.explores[EXPLORE];
  if (!found || !model || !ex) throw new Error(`explore ${MODEL}::${EXPLORE} not found for ${caller.userId} in ${caller.workspace}`);
  const json = lookmlModelExploreJson(found.project, model, ex, { projectName: found.projectId });
  const presentMs = performance.now() - t2;
  const f = json.fields as Record<string, unknown[]>;
  const fields = Object.values(f).reduce((n, list) => n + list.length, 0);
  return { key: found.key, fields, resolveMs, loadMs, presentMs };
}

async function devCopies(views: number, userCount: number, checkoutFirst: boolean, budgetMs = Number.POSITIVE_INFINITY): Promise<DevCopiesRun> {
  const files = synthetic(views);
  const env = await setupEnv(files);
  try {
    const w = env.workspaces;
    const users: string[] = [];
    for (let i = 0; i < userCount; i++) users.push((await env.store.users.createUser({ first_name: 'User', last_name: String(i) })).id);
    const branches = await bulkDevCopies(env, users);
    for (const [i, user] of users.entries()) {
      const edit = userEdit(files, views, i);
      await env.store.projects.putOverlayFile(user, PROJECT, branches.get(user) ?? '', edit.path, edit.text, blobId(edit.text));
    }
    const baseline = heapNow();
    // Deploying validates, so it loads production's workspace (as a real deploy does).
    await w.deployRefToProduction(PROJECT, { userId: env.admin, workspace: 'production' }, { branch: 'main' });
    const prodCaller: Caller = { userId: env.admin, workspace: 'production' };
    const prod = await explore(w, prodCaller);
    const prodFields = prod.fields;
    const keys = new Set([prod.key]);
    const production = heapNow();
    const first: ExploreCall[] = [];
    const warm: number[] = [];
    const total: number[] = [];
    let lruFull: HeapPoint | null = null;
    const deadline = performance.now() + budgetMs;
    for (const [i, user] of users.entries()) {
      if (i === LRU_WORKSPACES) lruFull = heapNow();
      if (i > LRU_WORKSPACES && performance.now() > deadline) break;
      if (checkoutFirst) await w.updateBranch(PROJECT, dev(user), branches.get(user));
      const t = performance.now();
      const call = await explore(w, dev(user));
      total.push(performance.now() - t);
      // Same explore as production, but from the user's own content (the one-file change).
      if (call.fields !== prodFields) throw new Error(`user ${user} sees ${call.fields} fields, production ${prodFields}`);
      if (keys.has(call.key)) throw new Error(`user ${user} shares content key ${call.key}`);
      keys.add(call.key);
      first.push(call);
      const t2 = performance.now();
      await explore(w, dev(user));
      warm.push(performance.now() - t2);
    }
    const afterUsers = heapNow();
    const prodSamples = await timeAsync(() => explore(w, prodCaller), 100, 5);
    return {
      size: sizeOf(files), users: first.length, plannedUsers: userCount, lruWorkspaces: LRU_WORKSPACES, baseline, production, lruFull, afterUsers,
      firstExploreMs: summarize(total),
      resolveMs: summarize(first.map((c) => c.resolveMs)),
      loadMs: summarize(first.map((c) => c.loadMs)),
      presentMs: summarize(first.map((c) => c.presentMs)),
      warmExploreMs: summarize(warm),
      productionExploreMs: summarize(prodSamples),
      exploreFields: prodFields,
    };
  } finally {
    await env.close();
  }
}

export async function workspacesUsers(): Promise<WorkspacesUsersResult> {
  const many = await devCopies(MANY_VIEWS, MANY_USERS, false, MANY_BUDGET_MS);
  const large = await devCopies(DEFAULT_SYNTHETIC.views, LARGE_SAMPLE, true);
  return { task: 'workspaces-users', explore: `${MODEL}::${EXPLORE}`, many, large };
}
