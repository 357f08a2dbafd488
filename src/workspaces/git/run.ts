import { spawn } from 'node:child_process';

/** Result of one git invocation; stdout stays a Buffer because blobs and -z output are binary-safe. */
export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface GitOptions {
  /** The repository (bare mirror); passed as --git-dir so no work tree or discovery is involved. */
  gitDir?: string;
  /** Working directory (only needed for commands that run outside a repository, e.g. clone). */
  cwd?: string;
  input?: string | Buffer;
  /** Extra variables (GIT_INDEX_FILE, GIT_AUTHOR_*), added on top of the clean environment. */
  env?: Record<string, string>;
  /** Kill git after this long; network fetch/push may legitimately take a while. */
  timeoutMs?: number;
}

/** Identity used for anything git might record (reflogs); commits set their own author/committer. */
export const DEFAULT_IDENTITY = { name: 'Overlook', email: 'overlook@localhost' } as const;

// GIT_* variables from our own environment (GIT_DIR, GIT_INDEX_FILE, GIT_WORK_TREE...) would silently
// redirect plumbing to another repository, so only these transport-related ones survive.
const INHERITED_GIT_VARS = new Set(['GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSH_VARIANT']);

export function cleanGitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key.startsWith('GIT_') && !INHERITED_GIT_VARS.has(key)) continue;
    env[key] = value;
  }
  // Never block on a credential/passphrase prompt: a server has nobody to answer it.
  env.GIT_TERMINAL_PROMPT = '0';
  env.GCM_INTERACTIVE = 'never';
  // Error messages are parsed in a few places; keep them in English.
  env.LC_ALL = 'C';
  env.LANGUAGE = 'C';
  return { ...env, ...extra };
}

/** Arguments placed before the subcommand: identity, repository, and no pager/ambient surprises. */
export function baseArgs(gitDir?: string): string[] {
  const args = [
    '-c', `user.name=${DEFAULT_IDENTITY.name}`,
    '-c', `user.email=${DEFAULT_IDENTITY.email}`,
    // Paths are read with -z where possible, but keep non-ASCII unquoted elsewhere too.
    '-c', 'core.quotePath=false',
    '--no-pager',
  ];
  if (gitDir !== undefined) args.push('--git-dir', gitDir);
  return args;
}

/** Runs git without a shell and collects its output; never throws on a non-zero exit code. */
export function runGit(args: readonly string[], opts: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...baseArgs(opts.gitDir), ...args], {
      cwd: opts.cwd,
      env: cleanGitEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    // git may exit before reading all of stdin (e.g. on a bad argument); that EPIPE is not our error.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal !== null ? 128 : 1),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export class GitError extends Error {
  readonly args: readonly string[];
  readonly code: number;
  readonly stderr: string;
  constructor(args: readonly string[], result: GitResult) {
    super(`git ${args[0] ?? ''} failed (exit ${result.code}): ${result.stderr.trim()}`);
    this.name = 'GitError';
    this.args = args;
    this.code = result.code;
    this.stderr = result.stderr;
  }
}

/** Runs git and returns stdout, throwing GitError on failure. */
export async function git(args: readonly string[], opts: GitOptions = {}): Promise<Buffer> {
  const result = await runGit(args, opts);
  if (result.code !== 0) throw new GitError(args, result);
  return result.stdout;
}

/** Same as git() but as trimmed text, for commands that print one sha or name. */
export async function gitText(args: readonly string[], opts: GitOptions = {}): Promise<string> {
  return (await git(args, opts)).toString('utf8').trim();
}

const SHA_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isSha(value: string): boolean {
  return SHA_RE.test(value);
}

/**
 * Object/ref names reach git as arguments or protocol lines; a leading '-' would be read as an option and
 * a newline would split a cat-file request, so both are refused outright.
 */
export function assertSafeName(kind: string, value: string): void {
  if (value === '' || value.startsWith('-') || /[\0\n\r]/.test(value)) {
    throw new Error(`invalid ${kind}: ${JSON.stringify(value)}`);
  }
}
