import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { assertSafeName, baseArgs, cleanGitEnv, git, gitText } from './run.ts';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface GitObject {
  sha: string;
  type: ObjectType;
  content: Buffer;
}

export interface TreeEntry {
  /** Path from the root of the listed tree, '/'-separated, raw (no quoting). */
  path: string;
  /** Octal mode as git prints it: '100644', '100755', '120000', '040000', '160000'. */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

interface Pending {
  resolve: (obj: GitObject | null) => void;
  reject: (err: Error) => void;
}

/**
 * One long-lived `git cat-file --batch` per mirror: spawning git per file would dominate the cost of
 * loading a project. Requests are pipelined; git answers strictly in request order, so a FIFO of
 * callbacks is all the serialization concurrent callers need.
 */
export class ObjectReader {
  readonly mirrorDir: string;
  private child: ChildProcessWithoutNullStreams | null = null;
  private pending: Pending[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Header of the object whose body is still arriving. */
  private current: { sha: string; type: ObjectType; size: number } | null = null;
  private closed = false;

  constructor(mirrorDir: string) {
    this.mirrorDir = mirrorDir;
  }

  /** Reads any object; null when it does not exist (or the name is ambiguous). */
  readObject(name: string): Promise<GitObject | null> {
    if (this.closed) return Promise.reject(new Error('ObjectReader is closed'));
    try {
      assertSafeName('object name', name);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const child = this.ensureChild();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      child.stdin.write(`${name}\n`);
    });
  }

  /** A blob's bytes; null when the object is missing or is not a blob. */
  async readBlob(sha: string): Promise<Buffer | null> {
    const obj = await this.readObject(sha);
    return obj !== null && obj.type === 'blob' ? obj.content : null;
  }

  /** Tree of a commit, read through the batch process (no extra spawn). */
  async treeOf(commit: string): Promise<string | null> {
    const obj = await this.readObject(commit);
    if (obj === null || obj.type !== 'commit') return null;
    const m = /^tree ([0-9a-f]+)\n/.exec(obj.content.toString('utf8'));
    return m?.[1] ?? null;
  }

  /** Unix seconds of a commit's committer date, read through the batch process; null when it is not a commit here. */
  async commitTime(commit: string): Promise<number | null> {
    const obj = await this.readObject(commit);
    if (obj === null || obj.type !== 'commit') return null;
    const header = obj.content.toString('utf8').split('\n\n', 1)[0] ?? '';
    const m = /^committer .* (\d+) [+-]\d{4}$/m.exec(header);
    return m?.[1] === undefined ? null : Number(m[1]);
  }

  /** Ends the git process; outstanding requests still get their answers before it exits. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (child === null) return;
    await new Promise<void>((resolve) => {
      child.once('close', () => { resolve(); });
      child.stdin.end();
    });
  }

  private ensureChild(): ChildProcessWithoutNullStreams {
    if (this.child !== null) return this.child;
    const child = spawn('git', [...baseArgs(this.mirrorDir), 'cat-file', '--batch'], {
      env: cleanGitEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.stdout.on('data', (c: Buffer) => { this.onData(c); });
    child.stdin.on('error', () => undefined);
    const fail = (why: string) => {
      if (this.child !== child) return;
      // Drop the dead process; the next request starts a fresh one instead of failing forever.
      this.child = null;
      this.chunks = [];
      this.buffered = 0;
      this.current = null;
      const waiting = this.pending;
      this.pending = [];
      for (const p of waiting) p.reject(new Error(`git cat-file --batch ${why}: ${stderr.trim()}`));
    };
    child.on('error', (err) => { fail(err.message); });
    child.on('close', (code, signal) => { fail(`exited (${signal ?? String(code)})`); });
    this.child = child;
    return child;
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.current === null) {
        const buf = this.take(this.buffered);
        const nl = buf.indexOf(0x0a);
        this.putBack(buf);
        if (nl < 0) return;
        const header = this.take(nl + 1).subarray(0, nl).toString('utf8');
        this.onHeader(header);
      } else {
        // Body plus the trailing newline git adds after every object.
        const need = this.current.size + 1;
        if (this.buffered < need) return;
        const body = this.take(need).subarray(0, this.current.size);
        const { sha, type } = this.current;
        this.current = null;
        this.pending.shift()?.resolve({ sha, type, content: body });
      }
    }
  }

  private onHeader(header: string): void {
    const parts = header.split(' ');
    if (parts.length === 3) {
      const [sha = '', type = '', size = ''] = parts;
      this.current = { sha, type: type as ObjectType, size: Number(size) };
      return;
    }
    // "<name> missing" or "<name> ambiguous": no body follows.
    this.pending.shift()?.resolve(null);
  }

  /** Removes and returns the first n buffered bytes (concatenating only when a read spans chunks). */
  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(this.chunks);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return head;
  }

  private putBack(buf: Buffer): void {
    this.chunks = buf.length > 0 ? [buf, ...this.chunks] : this.chunks;
    this.buffered += buf.length;
  }
}

export function openObjectReader(mirrorDir: string): ObjectReader {
  return new ObjectReader(mirrorDir);
}

/**
 * Lists a tree (or a commit's tree). With -z, paths come out raw, so spaces, tabs and non-ASCII names
 * need no unquoting. Recursive listings contain blobs (and submodule commits), not subtrees.
 */
export async function lsTree(
  mirrorDir: string,
  commitOrTree: string,
  opts: { recursive?: boolean } = {},
): Promise<TreeEntry[]> {
  assertSafeName('tree-ish', commitOrTree);
  const args = ['ls-tree', '-z', '--full-tree'];
  if (opts.recursive === true) args.push('-r');
  args.push('--end-of-options', commitOrTree);
  const out = (await git(args, { gitDir: mirrorDir })).toString('utf8');
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', sha = ''] = record.slice(0, tab).split(' ');
    entries.push({ path: record.slice(tab + 1), mode, type: type as TreeEntry['type'], sha });
  }
  return entries;
}

/** The tree id of a commit: the workspace content key for committed files. */
export async function treeOf(mirrorDir: string, commit: string): Promise<string> {
  assertSafeName('commit', commit);
  return gitText(['rev-parse', '--verify', '--end-of-options', `${commit}^{tree}`], { gitDir: mirrorDir });
}
