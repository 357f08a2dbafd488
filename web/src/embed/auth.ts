// How an embed frame authenticates its API calls. Signed embeds use the cookie session the login
// started. Cookieless embeds (`embed_navigation_token` in the URL) get an API token from the host
// page over postMessage (`session:tokens`), because a third-party frame may not keep cookies: the
// API client sends it as `Authorization: token …` once `embedAuthReady()` resolves.

let apiToken: string | null = null;
let waiting: Promise<void> = Promise.resolve();
let release: (() => void) | null = null;

/** The `Authorization` header value for API calls, or null to rely on the cookie session. */
export function embedAuthorization(): string | null {
  return apiToken === null ? null : `token ${apiToken}`;
}

/** Resolves once the frame knows how to authenticate (at once unless cookieless tokens are pending). */
export function embedAuthReady(): Promise<void> {
  return waiting;
}

/** API calls wait (up to `timeoutMs`) for the first tokens from the host page. */
export function awaitEmbedTokens(timeoutMs: number): void {
  if (release !== null) return;
  waiting = new Promise<void>((resolve) => {
    release = resolve;
    window.setTimeout(() => { stopWaiting(); }, timeoutMs);
  });
}

export function stopWaiting(): void {
  const done = release;
  release = null;
  done?.();
}

export function setEmbedApiToken(token: string | null): void {
  apiToken = token;
  stopWaiting();
}
