import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveRef } from './mirror.ts';
import { assertSafeName, git, gitText, isSha, runGit } from './run.ts';

export interface Person {
  name: string;
  email: string;
}

export interface CommitFilesInput {
  /** Commit the new one builds on; null starts a root commit from an empty tree. */
  parent: string | null;
  /** path → new content; null deletes the path. Paths are repo-relative with '/' separators. */
  files: Record<string, string | null>;
  message: string;
  author: Person;
  /** Defaults to the author (a user's commit from the IDE is committed by that user). */
  committer?: Person;
  /** Fixed timestamp, mainly so tests can produce reproducible shas. */
  date?: Date;
}

const ZERO_SHA = '0000000000000000000000000000000000000000';

/** Refuses paths git would store oddly or that escape the tree; callers do their own LookML checks. */
export function assertRepoPath(p: string): void {
  const bad =
    p === '' ||
    p.startsWith('/') ||
    p.endsWith('/') ||
    /[\0\n\r\\]/.test(p) ||
    p.split('/').some((seg) => seg === '' || seg === '.' || seg === '..' || seg.toLowerCase() === '.git');
  if (bad) throw new Error(`invalid repository path: ${JSON.stringify(p)}`);
}

/**
 * Writes a commit = parent's tree + the given file changes, without any work tree: blobs via
 * hash-object, the tree via a throwaway index (GIT_INDEX_FILE) so the mirror itself is never touched
 * except for new objects. Returns the new commit's sha; no ref is moved (see updateRef/pushRef).
 */
export async function commitFiles(mirrorDir: string, input: CommitFilesInput): Promise<string> {
  const paths = Object.keys(input.files);
  for (const p of paths) assertRepoPath(p);
  let parent: string | null = null;
  if (input.parent !== null) {
    parent = await resolveRef(mirrorDir, input.parent);
    if (parent === null) throw new Error(`parent commit not found: ${input.parent}`);
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'overlook-commit-'));
  try {
    const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    await git(parent === null ? ['read-tree', '--empty'] : ['read-tree', parent], { gitDir: mirrorDir, env });

    // One hash-object process for all blobs: contents go through temp files named by position, so
    // the repository path never has to be a valid local file name.
    const written = paths.filter((p) => input.files[p] !== null);
    await Promise.all(
      written.map((p, i) => writeFile(path.join(tmp, `blob-${i}`), input.files[p] ?? '', 'utf8')),
    );
    let shas: string[] = [];
    if (written.length > 0) {
      const list = written.map((_, i) => path.join(tmp, `blob-${i}`)).join('\n');
      const out = await gitText(['hash-object', '-w', '--no-filters', '--stdin-paths'], {
        gitDir: mirrorDir,
        input: `${list}\n`,
      });
      shas = out.split('\n');
    }

    // --index-info with -z takes raw paths; mode 0 with the null sha removes an entry.
    const records: string[] = [];
    written.forEach((p, i) => records.push(`100644 ${shas[i] ?? ''}\t${p}`));
    for (const p of paths) if (input.files[p] === null) records.push(`0 ${ZERO_SHA}\t${p}`);
    if (records.length > 0) {
      await git(['update-index', '-z', '--index-info'], {
        gitDir: mirrorDir,
        env,
        input: records.map((r) => `${r}\0`).join(''),
      });
    }
    const tree = await gitText(['write-tree'], { gitDir: mirrorDir, env });

    const committer = input.committer ?? input.author;
    const date = input.date === undefined ? undefined : `${Math.floor(input.date.getTime() / 1000)} +0000`;
    const commitEnv: Record<string, string> = {
      GIT_AUTHOR_NAME: input.author.name,
      GIT_AUTHOR_EMAIL: input.author.email,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
    };
    if (date !== undefined) {
      commitEnv.GIT_AUTHOR_DATE = date;
      commitEnv.GIT_COMMITTER_DATE = date;
    }
    const args = ['commit-tree', tree];
    if (parent !== null) args.push('-p', parent);
    // The message goes through stdin (-F -) so no quoting or length limits apply.
    args.push('-F', '-');
    return await gitText(args, { gitDir: mirrorDir, env: commitEnv, input: input.message });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Moves a local ref with compare-and-swap: succeeds only if the ref currently equals expectedOldSha
 * (null = the ref must not exist yet). Returns false when someone else moved it first.
 */
export async function updateRef(
  mirrorDir: string,
  ref: string,
  newSha: string,
  expectedOldSha: string | null,
): Promise<boolean> {
  assertFullRef(ref);
  if (!isSha(newSha)) throw new Error(`updateRef needs a full sha, got ${JSON.stringify(newSha)}`);
  if (expectedOldSha !== null && !isSha(expectedOldSha)) {
    throw new Error(`expected old sha must be a full sha, got ${JSON.stringify(expectedOldSha)}`);
  }
  const res = await runGit(['update-ref', '-m', 'overlook', ref, newSha, expectedOldSha ?? ZERO_SHA], {
    gitDir: mirrorDir,
  });
  if (res.code === 0) return true;
  // Tell a lost race (ref moved / appeared / vanished) from real errors by looking at the ref itself.
  const now = await runGit(['rev-parse', '--verify', '--quiet', ref], { gitDir: mirrorDir });
  const current = now.code === 0 ? now.stdout.toString('utf8').trim() : null;
  if (current !== expectedOldSha) return false;
  throw new Error(`git update-ref ${ref} failed: ${res.stderr.trim()}`);
}

/** Deletes a local ref only if it still points at expectedOldSha. */
export async function deleteRef(mirrorDir: string, ref: string, expectedOldSha: string): Promise<boolean> {
  assertFullRef(ref);
  if (!isSha(expectedOldSha)) throw new Error(`expected old sha must be a full sha`);
  const res = await runGit(['update-ref', '-m', 'overlook', '-d', ref, expectedOldSha], { gitDir: mirrorDir });
  if (res.code === 0) return true;
  const now = await runGit(['rev-parse', '--verify', '--quiet', ref], { gitDir: mirrorDir });
  const current = now.code === 0 ? now.stdout.toString('utf8').trim() : null;
  if (current !== expectedOldSha) return false;
  throw new Error(`git update-ref -d ${ref} failed: ${res.stderr.trim()}`);
}

export type PushResult =
  | { ok: true }
  | { ok: false; reason: 'stale' | 'non-fast-forward' | 'rejected'; message: string };

/**
 * Pushes localRef (a ref or a commit sha) to remoteRef on remoteUrl. Without expectedRemoteSha the
 * push must fast-forward; with it, the remote ref is overwritten only if it still equals that sha
 * (null = must not exist), which is how hard resets are published without clobbering others' pushes.
 */
export async function pushRef(
  mirrorDir: string,
  remoteUrl: string,
  localRef: string,
  remoteRef: string,
  expectedRemoteSha?: string | null,
): Promise<PushResult> {
  assertSafeName('remote url', remoteUrl);
  assertSafeName('ref', localRef);
  assertFullRef(remoteRef);
  const args = ['push', '--porcelain'];
  if (expectedRemoteSha !== undefined) args.push(`--force-with-lease=${remoteRef}:${expectedRemoteSha ?? ''}`);
  args.push('--', remoteUrl, `${localRef}:${remoteRef}`);
  const res = await runGit(args, { gitDir: mirrorDir, timeoutMs: 600_000 });
  const out = res.stdout.toString('utf8');
  if (res.code === 0) return { ok: true };
  // Porcelain lines look like "!\t<src>:<dst>\t[rejected] (stale info)".
  const line = out.split('\n').find((l) => l.startsWith('!\t')) ?? '';
  const message = `${line} ${res.stderr}`.trim();
  if (line === '') throw new Error(`git push failed: ${res.stderr.trim()}`);
  if (line.includes('stale info')) return { ok: false, reason: 'stale', message };
  if (line.includes('non-fast-forward') || line.includes('fetch first')) {
    return { ok: false, reason: 'non-fast-forward', message };
  }
  return { ok: false, reason: 'rejected', message };
}

/** One ref of a multi-ref push; `expect` as pushRef's expectedRemoteSha (undefined: fast-forward only). */
export interface PushUpdate {
  readonly src: string;
  readonly dst: string;
  readonly expect?: string | null;
}

export type PushRefsResult =
  | { ok: true }
  | {
    ok: false;
    /** 'unsupported': the remote cannot do atomic pushes (nothing was pushed). */
    reason: 'stale' | 'non-fast-forward' | 'rejected' | 'unsupported';
    /** The refs refused for their own reason (not merely because another one failed the atomic push). */
    refused: string[];
    message: string;
  };

/**
 * Pushes several refs in one `git push --atomic`: all move or none does. A lease on a ref pushed at
 * the value it already has is how a caller checks, in the same round trip, that it did not move.
 */
export async function pushRefsAtomic(mirrorDir: string, remoteUrl: string, updates: readonly PushUpdate[]): Promise<PushRefsResult> {
  assertSafeName('remote url', remoteUrl);
  const args = ['push', '--porcelain', '--atomic'];
  for (const u of updates) {
    assertSafeName('ref', u.src);
    assertFullRef(u.dst);
    if (u.expect !== undefined) args.push(`--force-with-lease=${u.dst}:${u.expect ?? ''}`);
  }
  args.push('--', remoteUrl, ...updates.map((u) => `${u.src}:${u.dst}`));
  const res = await runGit(args, { gitDir: mirrorDir, timeoutMs: 600_000 });
  if (res.code === 0) return { ok: true };
  const lines = res.stdout.toString('utf8').split('\n').filter((l) => l.startsWith('!\t'));
  const message = `${lines.join(' ')} ${res.stderr}`.trim();
  if (lines.length === 0) {
    if (/does not support --atomic/.test(res.stderr)) return { ok: false, reason: 'unsupported', refused: [], message };
    throw new Error(`git push failed: ${res.stderr.trim()}`);
  }
  // Porcelain lines look like "!\t<src>:<dst>\t[rejected] (stale info)"; ref names hold no ':' or tab.
  const own = lines.filter((l) => !l.includes('(atomic push failed)'));
  const refused = own.map((l) => l.split('\t')[1]?.split(':')[1] ?? '');
  const reason = own.some((l) => l.includes('stale info')) ? 'stale'
    : own.some((l) => l.includes('non-fast-forward') || l.includes('fetch first')) ? 'non-fast-forward' : 'rejected';
  return { ok: false, reason, refused, message };
}

function assertFullRef(ref: string): void {
  assertSafeName('ref', ref);
  // Only full names: 'main' could silently mean refs/heads/main or refs/tags/main.
  if (!ref.startsWith('refs/')) throw new Error(`expected a full ref name (refs/...), got ${JSON.stringify(ref)}`);
}
