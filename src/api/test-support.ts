// Test double for ApiDeps. The real implementation (metadata store: hashed tokens, sessions) is being
// built separately; these tests exercise only the HTTP layer, so an in-memory token table stands in.
import { Writable } from 'node:stream';
import type { ApiDeps } from './app.ts';
import type { AuthContext } from './auth-context.ts';

export interface FakeDeps extends ApiDeps {
  tokens: Map<string, AuthContext>;
  /** Issue a token for a user, as a stand-in for `POST /login`. */
  issue(userId: string, permissions?: readonly string[]): string;
  closed: number;
}

export function fakeDeps(): FakeDeps {
  const tokens = new Map<string, AuthContext>();
  let counter = 0;
  const deps: FakeDeps = {
    tokens,
    closed: 0,
    authenticate: (raw) => Promise.resolve(tokens.get(raw) ?? null),
    issue(userId, permissions = []) {
      const token = `tok-${userId}-${++counter}`;
      tokens.set(token, { userId, tokenHash: `hash-${token}`, permissions: new Set(permissions) });
      return token;
    },
    close() {
      deps.closed++;
    },
  };
  return deps;
}

/** A pino destination collecting parsed log lines. */
export function logCapture(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}
