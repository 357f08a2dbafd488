/** Markdown for comparison 5 (issue 4's workspace benchmarks), measured against the issue's limits. */
import { WORKSPACE_LIMITS } from './protocol.ts';
import type { DevCopiesRun, TaskFailure, WorkspaceOpTiming, WorkspacesBranchesResult, WorkspacesUsersResult } from './protocol.ts';
import { formatInt, formatMs, formatRatio } from './stats.ts';

const BRANCH_LIMIT_MS = WORKSPACE_LIMITS.branchP50Ms;
const EXPLORE_LIMIT_MS = WORKSPACE_LIMITS.firstExploreMs;
const MEMORY_LIMIT = WORKSPACE_LIMITS.memoryRatio;

export interface WorkspaceResults {
  readonly workspacesBranches: WorkspacesBranchesResult | TaskFailure;
  readonly workspacesUsers: WorkspacesUsersResult | TaskFailure;
}

function failed(r: WorkspacesBranchesResult | WorkspacesUsersResult | TaskFailure): r is TaskFailure {
  return 'error' in r;
}

function failureCell(r: TaskFailure): string {
  return `failed: ${r.error.replaceAll('|', '\\|').slice(0, 160)}`;
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** "3.5× the limit (missed)" / "0.4× the limit (met)". */
function againstLimit(value: number, limit: number): string {
  const r = value / limit;
  return `${formatRatio(r)} the limit (${r <= 1 ? 'met' : 'missed'})`;
}

function opLabel(o: WorkspaceOpTiming): string {
  return `\`${o.op}\`${o.via === 'http' ? ' through the HTTP API' : ''}`;
}

/** Heap the models take: everything above the baseline (store, mirror, users, dev copies, no model loaded). */
function modelBytes(run: DevCopiesRun, point: 'production' | 'afterUsers'): number {
  return run[point].heapUsed - run.baseline.heapUsed;
}

function memoryRatio(run: DevCopiesRun): number {
  return modelBytes(run, 'afterUsers') / modelBytes(run, 'production');
}

/** Heap one more assembled workspace costs: measured while none was evicted yet. */
function perWorkspace(run: DevCopiesRun): number {
  const kept = Math.min(run.users, run.lruWorkspaces);
  const until = run.lruFull ?? run.afterUsers;
  return (until.heapUsed - run.production.heapUsed) / kept;
}

function usersText(run: DevCopiesRun): string {
  return run.users === run.plannedUsers ? formatInt(run.users) : `${formatInt(run.users)} of ${formatInt(run.plannedUsers)} (time budget ran out)`;
}

function sizeText(run: DevCopiesRun): string {
  return `${formatInt(run.size.files)}-file project`;
}

export function workspaceSummaryRows(r: WorkspaceResults): string[] {
  const rows: string[] = [];
  const b = r.workspacesBranches;
  if (failed(b)) {
    rows.push(`| Branch create / check out / hard reset on a 1,000-file project | ${failureCell(b)} | limit ${BRANCH_LIMIT_MS} ms | n/a | p50 ≤ ${BRANCH_LIMIT_MS} ms |`);
  } else {
    for (const o of b.ops.filter((x) => x.via !== 'git')) {
      rows.push(`| ${opLabel(o)}, ${formatInt(b.size.files)}-file project, p50 (real bare remote, SQLite store) | ${formatMs(o.ms.p50)} (p95 ${formatMs(o.ms.p95)}) | limit ${BRANCH_LIMIT_MS} ms | ${againstLimit(o.ms.p50, BRANCH_LIMIT_MS)} | p50 ≤ ${BRANCH_LIMIT_MS} ms |`);
    }
  }
  const u = r.workspacesUsers;
  if (failed(u)) {
    rows.push(`| 1,000 dev copies one file off production: memory and first \`lookml_model_explore\` | ${failureCell(u)} | | n/a | ≤ ${MEMORY_LIMIT}×, ≤ ${EXPLORE_LIMIT_MS} ms |`);
    return rows;
  }
  const m = u.many;
  rows.push(`| ${usersText(m)} dev copies one file off production (${sizeText(m)}): heap of the models vs production alone | ${mb(modelBytes(m, 'afterUsers'))} vs ${mb(modelBytes(m, 'production'))} | limit ${MEMORY_LIMIT}× | ${formatRatio(memoryRatio(m))} production, ${againstLimit(memoryRatio(m), MEMORY_LIMIT)} | ≤ ${MEMORY_LIMIT}× |`);
  for (const run of [u.many, u.large]) {
    rows.push(`| First \`lookml_model_explore\` of a dev copy, p50 (${sizeText(run)}, ${usersText(run)} users) | ${formatMs(run.firstExploreMs.p50)} (p95 ${formatMs(run.firstExploreMs.p95)}) | limit ${EXPLORE_LIMIT_MS} ms | ${againstLimit(run.firstExploreMs.p50, EXPLORE_LIMIT_MS)} | ≤ ${EXPLORE_LIMIT_MS} ms |`);
  }
  return rows;
}

function branchSection(b: WorkspacesBranchesResult | TaskFailure): string[] {
  if (failed(b)) return [failureCell(b)];
  const L = [
    `The project of section 1 (${formatInt(b.size.files)} files, ${mb(b.size.bytes)}) committed to a bare remote in a temp dir, plus a second commit on \`feature\`; \`Workspaces\` over a fresh SQLite store, one developer with a dev copy. Every call is the full operation: fetch the mirror, push to the remote (with a lease), record the head in the store, fetch back, read refs, answer the branch view. Check-out alternates two branches; hard reset alternates \`origin/feature\` and \`origin/main\` on one branch (so each call really moves it and force-pushes); each create makes a new branch (${formatInt(b.remoteBranches)} branches on the remote at the end). The HTTP row is \`PUT /projects/{id}/git_branch\` against \`overlook serve\` in the same process (own data dir, same remote). The \`git\` rows are the floor: one git process on the mirror, and a fetch with nothing new. Setup (not timed): ${formatMs(b.setupMs)}.`,
    '',
    '| Operation | iterations | p50 | p95 | p99 | max | git processes per call | p50 / limit |',
    '| --- | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const o of b.ops) {
    const ratio = o.via === 'git' ? '—' : againstLimit(o.ms.p50, BRANCH_LIMIT_MS);
    L.push(`| ${o.via === 'git' ? o.op : opLabel(o)} | ${formatInt(o.ms.n)} | ${formatMs(o.ms.p50)} | ${formatMs(o.ms.p95)} | ${formatMs(o.ms.p99)} | ${formatMs(o.ms.max)} | ${o.gitProcesses} | ${ratio} |`);
  }
  return L;
}

function usersSection(u: WorkspacesUsersResult | TaskFailure): string[] {
  if (failed(u)) return [failureCell(u)];
  const runs = [u.many, u.large];
  const L = [
    `Every user has a dev copy (personal branch at production's commit, made in bulk: one push for all) whose overlay changes one view file (its label, different per user, so no two users share a content key; user *i* edits view *i* mod the view count). Production is deployed (which validates, so loads it) and presented once. Then each user in turn makes their first \`lookml_model_explore\` call for \`${u.explore}\` (the route's path after authentication: list projects, resolve the workspace, load it, \`lookmlModelExploreJson\`), then the same call again (warm). On the ${sizeText(u.large)} each user first checks out their branch with \`update_git_branch\`. Heap is \`heapUsed\` after two \`global.gc()\`; "model heap" is heap above the baseline taken before production was loaded (store, mirror, users and dev copies in place). The content cache keeps ${u.many.lruWorkspaces} assembled workspaces (LRU) and parsed files by blob; a dev copy is assembled as a delta over production (every view and explore whose inputs its change does not reach is production's object, and unchanged fields of a rebuilt view are too), so "one assembled dev workspace" below is what a dev copy adds.`,
    '',
    '| Project | users | baseline heap | production model | + LRU full | + all users | model heap / production | one assembled dev workspace | RSS at the end |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const run of runs) {
    const full = run.lruFull === null ? '—' : mb(run.lruFull.heapUsed - run.baseline.heapUsed);
    L.push(`| ${sizeText(run)} | ${usersText(run)} | ${mb(run.baseline.heapUsed)} | ${mb(modelBytes(run, 'production'))} | ${full} | ${mb(modelBytes(run, 'afterUsers'))} | ${formatRatio(memoryRatio(run))} | ${mb(perWorkspace(run))} | ${mb(run.afterUsers.rss)} |`);
  }
  const large = u.large;
  const prod = modelBytes(large, 'production');
  const each = perWorkspace(large);
  const bounded = (prod + Math.min(1000, large.lruWorkspaces) * each) / prod;
  const unbounded = (prod + 1000 * each) / prod;
  L.push(
    '',
    `Computed for 1,000 users on the ${sizeText(large)} from its measured production model (${mb(prod)}) and assembled dev workspace (${mb(each)}): with the LRU at ${large.lruWorkspaces}, ${formatRatio(bounded)} production (${mb(prod + large.lruWorkspaces * each)}); without the bound, ${formatRatio(unbounded)} (${mb(prod + 1000 * each)}). The bound keeps memory flat, but only the ${large.lruWorkspaces} most recent workspaces stay assembled: with more active users than that, each evicted user's next call pays the first-call latency below again (a delta over production while production, or a dev copy built on it, is kept).`,
    '',
    '| Project | users | first explore p50 | p95 | p99 | ↳ resolve p50 | ↳ load p50 | ↳ present p50 | warm again p50 | production warm p50 | fields |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
  );
  for (const run of runs) {
    L.push(`| ${sizeText(run)} | ${usersText(run)} | ${formatMs(run.firstExploreMs.p50)} | ${formatMs(run.firstExploreMs.p95)} | ${formatMs(run.firstExploreMs.p99)} | ${formatMs(run.resolveMs.p50)} | ${formatMs(run.loadMs.p50)} | ${formatMs(run.presentMs.p50)} | ${formatMs(run.warmExploreMs.p50)} | ${formatMs(run.productionExploreMs.p50)} | ${formatInt(run.exploreFields)} |`);
  }
  return L;
}

export function workspacesSection(r: WorkspaceResults): string[] {
  return [
    '### 5. Git-backed workspaces (issue 4)',
    '',
    '#### Branch operations',
    '',
    ...branchSection(r.workspacesBranches),
    '',
    '#### Dev copies of many users',
    '',
    ...usersSection(r.workspacesUsers),
  ];
}
