import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { assertSafeName, git, gitText, runGit } from './run.ts';

export interface BranchInfo {
  name: string;
  sha: string;
}

async function isBareRepo(dir: string): Promise<boolean> {
  try {
    await stat(path.join(dir, 'HEAD'));
    await stat(path.join(dir, 'objects'));
  } catch {
    return false;
  }
  const res = await runGit(['rev-parse', '--is-bare-repository'], { gitDir: dir });
  return res.code === 0 && res.stdout.toString('utf8').trim() === 'true';
}

/**
 * Makes sure mirrorDir is a bare mirror of remoteUrl and is up to date.
 * A fresh clone goes to a temporary sibling and is renamed into place, so a crash mid-clone never
 * leaves a half-populated mirror that later calls would mistake for a good one.
 */
export async function ensureMirror(remoteUrl: string, mirrorDir: string): Promise<void> {
  assertSafeName('remote url', remoteUrl);
  if (await isBareRepo(mirrorDir)) {
    const current = await runGit(['config', '--get', 'remote.origin.url'], { gitDir: mirrorDir });
    if (current.code !== 0 || current.stdout.toString('utf8').trim() !== remoteUrl) {
      // The project's remote was changed (update_project git_remote_url): repoint and refetch.
      if (current.code === 0) await git(['remote', 'set-url', 'origin', remoteUrl], { gitDir: mirrorDir });
      else await git(['remote', 'add', '--mirror=fetch', 'origin', remoteUrl], { gitDir: mirrorDir });
    }
    await fetchMirror(mirrorDir);
    return;
  }
  const parent = path.dirname(path.resolve(mirrorDir));
  await mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.${path.basename(mirrorDir)}.clone-${randomBytes(6).toString('hex')}`);
  try {
    await git(['clone', '--mirror', '--quiet', '--', remoteUrl, tmp], { cwd: parent, timeoutMs: 600_000 });
    try {
      await rename(tmp, mirrorDir);
    } catch (err) {
      // Another caller finished the same clone first; theirs is as good as ours.
      if (await isBareRepo(mirrorDir)) return;
      throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Fetches every ref from the remote (mirror refspec +refs/*:refs/*, pruned), so local refs equal the
 * remote's after this call: anything meant to survive must be pushed, not only written locally.
 */
export async function fetchMirror(mirrorDir: string): Promise<void> {
  await git(['fetch', '--quiet', '--prune', 'origin'], { gitDir: mirrorDir, timeoutMs: 600_000 });
  // fetch never moves HEAD, yet the remote's default branch can change; ask for it explicitly.
  const res = await runGit(['ls-remote', '--symref', 'origin', 'HEAD'], { gitDir: mirrorDir, timeoutMs: 120_000 });
  if (res.code !== 0) return;
  const m = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(res.stdout.toString('utf8'));
  if (m?.[1] !== undefined) await git(['symbolic-ref', 'HEAD', m[1]], { gitDir: mirrorDir });
}

/**
 * The commit a ref (branch, tag, sha, `refs/...`) points to, or null when it does not exist.
 * Peels tags, so an annotated tag resolves to its commit.
 */
export async function resolveRef(mirrorDir: string, ref: string): Promise<string | null> {
  assertSafeName('ref', ref);
  const res = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    gitDir: mirrorDir,
  });
  if (res.code !== 0) return null;
  const sha = res.stdout.toString('utf8').trim();
  return sha === '' ? null : sha;
}

/** Local branches of the mirror (= the remote's branches after a fetch), sorted by name. */
export async function listBranches(mirrorDir: string): Promise<BranchInfo[]> {
  const out = await gitText(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'], {
    gitDir: mirrorDir,
  });
  const branches: BranchInfo[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    // Ref names cannot contain spaces, so the first space always separates sha from name.
    const space = line.indexOf(' ');
    branches.push({ sha: line.slice(0, space), name: line.slice(space + 1).slice('refs/heads/'.length) });
  }
  return branches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The remote's default branch name (HEAD's target), or null if HEAD is detached or unset. */
export async function defaultBranch(mirrorDir: string): Promise<string | null> {
  const res = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { gitDir: mirrorDir });
  if (res.code !== 0) return null;
  const ref = res.stdout.toString('utf8').trim();
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
}

/** Every ref of a repository (full name → object id) and the branch HEAD names (null: detached/unset/unknown). */
export interface RefState {
  readonly refs: ReadonlyMap<string, string>;
  readonly head: string | null;
}

function headBranch(symref: string): string | null {
  return symref.startsWith('refs/heads/') ? symref.slice('refs/heads/'.length) : null;
}

/**
 * The remote's refs and default branch in one round trip (`ls-remote --symref`): about a third of a
 * no-op fetch, so callers compare it with the mirror and fetch only when something differs.
 */
export async function listRemoteRefs(mirrorDir: string): Promise<RefState> {
  const out = await gitText(['ls-remote', '--symref', 'origin'], { gitDir: mirrorDir, timeoutMs: 120_000 });
  const refs = new Map<string, string>();
  let head: string | null = null;
  for (const line of out.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const left = line.slice(0, tab);
    const name = line.slice(tab + 1);
    if (left.startsWith('ref: ')) {
      if (name === 'HEAD') head = headBranch(left.slice('ref: '.length));
      continue;
    }
    // HEAD is reported through its symref above; `^{}` lines are peeled tags, not refs.
    if (name === 'HEAD' || name.endsWith('^{}') || !name.startsWith('refs/')) continue;
    refs.set(name, left);
  }
  return { refs, head };
}

/**
 * The mirror's refs with one `for-each-ref`, and HEAD read from its file (no process): a bare
 * repository with the files ref backend keeps `ref: <target>` there.
 */
export async function readRefState(mirrorDir: string): Promise<RefState> {
  const out = await gitText(['for-each-ref', '--format=%(objectname) %(refname)'], { gitDir: mirrorDir });
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    // Ref names cannot contain spaces, so the first space always separates sha from name.
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  let head: string | null;
  const text = (await readFile(path.join(mirrorDir, 'HEAD'), 'utf8').catch(() => '')).trim();
  if (text.startsWith('ref: ') && !text.endsWith('/.invalid')) head = headBranch(text.slice('ref: '.length));
  else if (/^[0-9a-f]{40,64}$/.test(text)) head = null;
  // Another ref backend (reftable) keeps a placeholder in the file: ask git.
  else head = await defaultBranch(mirrorDir);
  return { refs, head };
}

/** Fetches every ref (mirror refspec, pruned) without asking for the remote's HEAD. */
export async function fetchRefs(mirrorDir: string): Promise<void> {
  await git(['fetch', '--quiet', '--prune', 'origin'], { gitDir: mirrorDir, timeoutMs: 600_000 });
}

/** Points the mirror's HEAD at `branch` (the remote's default branch). */
export async function setHead(mirrorDir: string, branch: string): Promise<void> {
  assertSafeName('branch', branch);
  await git(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], { gitDir: mirrorDir });
}

/** One ref change: `from`/`to` null mean absent (create, delete). */
export interface RefMove {
  readonly ref: string;
  readonly from: string | null;
  readonly to: string | null;
}

/**
 * Applies ref moves to the mirror in one atomic `update-ref --stdin` transaction, each one
 * compare-and-swap against `from`. False when any ref was not at its `from` (nothing changes then).
 */
export async function moveRefs(mirrorDir: string, moves: readonly RefMove[]): Promise<boolean> {
  if (moves.length === 0) return true;
  const lines: string[] = [];
  for (const m of moves) {
    assertSafeName('ref', m.ref);
    if (!m.ref.startsWith('refs/') || /\s/.test(m.ref)) throw new Error(`expected a full ref name, got ${JSON.stringify(m.ref)}`);
    for (const sha of [m.from, m.to]) if (sha !== null && !/^[0-9a-f]{40,64}$/.test(sha)) throw new Error(`expected a full sha, got ${JSON.stringify(sha)}`);
    if (m.to === null) {
      if (m.from !== null) lines.push(`delete ${m.ref} ${m.from}`);
    } else if (m.from === null) {
      lines.push(`create ${m.ref} ${m.to}`);
    } else {
      lines.push(`update ${m.ref} ${m.to} ${m.from}`);
    }
  }
  if (lines.length === 0) return true;
  const res = await runGit(['update-ref', '-m', 'overlook', '--stdin'], { gitDir: mirrorDir, input: `${lines.join('\n')}\n` });
  return res.code === 0;
}
