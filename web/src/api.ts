// The one way the web UI talks to the server: the Looker API 4.0 (`/api/4.0/...`) and the
// browser-only `x-overlook` routes (`/x-overlook/...`), with the cookie session the server set at
// login. State-changing calls carry the CSRF token the server handed out (double-submit cookie).

import { embedAuthorization, embedAuthReady } from './embed/auth.ts';

/** A failed call, with Looker's error body (`message`, `documentation_url`, `errors[]` on 422). */
export class ApiError extends Error {
  readonly status: number;
  readonly body: LookerErrorBody | null;
  constructor(status: number, body: LookerErrorBody | null, fallback: string) {
    super(body?.message ?? fallback);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

export interface LookerErrorBody {
  message: string;
  documentation_url?: string;
  errors?: { field?: string; code?: string; message?: string }[];
}

export const CSRF_COOKIE = 'overlook_csrf';
export const CSRF_HEADER = 'x-csrf-token';

function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** `/x-overlook/...` is used as is; anything else is a Looker API path under `/api/4.0`. */
export function apiUrl(path: string): string {
  if (path.startsWith('/x-overlook/')) return path;
  return `/api/4.0${path.startsWith('/') ? path : `/${path}`}`;
}

/** Calls whose 401 is an answer, not a lost session: signing in, and asking who is signed in. */
const SESSION_PROBES = new Set(['/x-overlook/ui/login', '/x-overlook/ui/me']);

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/**
 * Calls `listener` whenever a cookie-authenticated call answers 401: the browser session ended
 * (expired, revoked, signed out elsewhere) while a page was using it. Returns the unsubscribe.
 */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => { unauthorizedListeners.delete(listener); };
}

export interface CallOptions {
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
  /** Return the raw text instead of parsing JSON (e.g. `/queries/{id}/run/sql`). */
  text?: boolean;
}

export async function api<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  let url = apiUrl(path);
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) params.set(k, String(v));
  if (params.size > 0) url += `${url.includes('?') ? '&' : '?'}${params.toString()}`;
  // A cookieless embed frame authenticates with the API token its host page handed over.
  await embedAuthReady();
  const headers: Record<string, string> = { accept: 'application/json' };
  const embedToken = embedAuthorization();
  if (embedToken !== null) headers.authorization = embedToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = csrfToken();
    if (csrf !== null) headers[CSRF_HEADER] = csrf;
  }
  const response = await fetch(url, {
    method, headers, credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const raw = await response.text();
  if (!response.ok) {
    let parsed: LookerErrorBody | null;
    try {
      parsed = JSON.parse(raw) as LookerErrorBody;
    } catch {
      parsed = null;
    }
    // An embed frame's token is its host's business; a cookie session that is gone means sign in again.
    if (response.status === 401 && embedToken === null && !SESSION_PROBES.has(path)) {
      for (const listener of [...unauthorizedListeners]) listener();
    }
    throw new ApiError(response.status, parsed, `${method} ${path} failed with HTTP ${response.status}`);
  }
  if (options.text === true) return raw as T;
  return (raw === '' ? null : JSON.parse(raw)) as T;
}

/** What `GET /x-overlook/ui/me` returns: the signed-in user and their UI state. */
export interface Me {
  user: { id: string; display_name: string; email: string | null; first_name: string | null; last_name: string | null };
  permissions: string[];
  /** `production` or `dev`: the user's sticky UI dev mode (never any API token's workspace). */
  workspace_id: 'production' | 'dev';
  /** `ui` for a signed-in person, `render` for the renderer, `embed` for an embed session. */
  kind: 'ui' | 'render' | 'embed';
}
