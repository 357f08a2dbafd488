// Navigation inside an embed frame. The frame's embed parameters (the host page's `embed_domain`,
// the SDK's `sdk` version, the theme, a cookieless frame's navigation token) belong to the frame, not
// to one page: every in-frame URL keeps them, so the page reached from a dashboard (a look, an
// explore) still knows its host, keeps talking to it after a reload or a host `page:load`, and looks
// the same. With `embed_config.hide_look_navigation`, dashboards and explores do not lead to Looks.
//
// The router moves with the History API: pushState / replaceState are wrapped here, before the
// router and the bridge use them.

/** Parameters a frame keeps on every page (a page's own value wins). */
export const KEPT_PARAMS = ['embed_domain', 'sdk', 'sandboxed_host', 'allow_login_screen', 'theme', 'theme_settings', 'embed_navigation_token'] as const;

/** name → the raw `name=value` of the frame's first address (appended as they came: no re-encoding). */
const kept = new Map<string, string>();
let hideLookNavigation = false;
let nativeReplace: History['replaceState'] | null = null;

const HIDE_ATTRIBUTE = 'data-overlook-hide-look-nav';
const LOOKS_PREFIX = '/embed/looks/';

function isLookPath(pathname: string): boolean {
  return pathname.startsWith(LOOKS_PREFIX);
}

/** Pages whose navigation to Looks `hide_look_navigation` removes. */
function hidesLooks(pathname: string): boolean {
  return hideLookNavigation && (pathname.startsWith('/embed/dashboards/') || pathname.startsWith('/embed/explore/'));
}

/**
 * `url` (relative to the current page) with the frame's kept parameters it lacks, when it is an
 * embed page. The page's own query is left exactly as written.
 */
export function withEmbedParams(url: string | URL): string {
  const next = new URL(url, window.location.href);
  if (next.origin !== window.location.origin || !next.pathname.startsWith('/embed/')) return next.href;
  const missing = [...kept].filter(([name]) => !next.searchParams.has(name)).map(([, pair]) => pair);
  if (missing.length === 0) return next.pathname + next.search + next.hash;
  const search = next.search === '' || next.search === '?' ? '?' : `${next.search}&`;
  return `${next.pathname}${search}${missing.join('&')}${next.hash}`;
}

function rawPairs(search: string): [string, string][] {
  return search.replace(/^\?/, '').split('&').filter((pair) => pair !== '').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // kept as written
    }
    return [name, pair];
  });
}

function markPage(): void {
  document.documentElement.toggleAttribute(HIDE_ATTRIBUTE, hidesLooks(window.location.pathname));
}

/** Remembers this page's embed parameters and makes every later in-frame URL carry them. Call once, first. */
export function keepEmbedParams(): void {
  if (nativeReplace !== null) return;
  for (const [name, pair] of rawPairs(window.location.search)) {
    if ((KEPT_PARAMS as readonly string[]).includes(name) && !kept.has(name)) kept.set(name, pair);
  }
  const history = window.history;
  const push = history.pushState.bind(history);
  const replace = history.replaceState.bind(history);
  nativeReplace = replace;
  const wrap = (native: History['pushState']): History['pushState'] => (data, unused, url) => {
    if (url === undefined || url === null) {
      native(data, unused, url);
      return;
    }
    const target = new URL(url, window.location.href);
    // Looker: hide_look_navigation "removes navigation to Looks from embedded dashboards and explores".
    if (isLookPath(target.pathname) && hidesLooks(window.location.pathname)) {
      console.warn('Overlook embed: navigation to Looks is turned off for embedded dashboards and explores (embed_config.hide_look_navigation).');
      return;
    }
    native(data, unused, withEmbedParams(target));
    markPage();
  };
  history.pushState = wrap(push);
  history.replaceState = wrap(replace);
  window.addEventListener('popstate', markPage);
  const style = document.createElement('style');
  style.textContent = `html[${HIDE_ATTRIBUTE}] a[href*="${LOOKS_PREFIX}"] { display: none !important; }`;
  document.head.append(style);
}

/** Applies the server's `hide_look_navigation` (asked once per frame). */
export async function loadEmbedConfig(): Promise<void> {
  try {
    const res = await fetch('/x-overlook/embed/config', { credentials: 'omit', cache: 'no-store' });
    const body: unknown = await res.json();
    hideLookNavigation = typeof body === 'object' && body !== null && (body as { hide_look_navigation?: unknown }).hide_look_navigation === true;
  } catch {
    hideLookNavigation = false;
  }
  markPage();
}

/**
 * A cookieless frame got a fresh navigation token: later pages carry it, and so does the current
 * address (without announcing a new page: only the token changed).
 */
export function setNavigationToken(token: string): void {
  if (!kept.has('embed_navigation_token')) return;
  const pair = `embed_navigation_token=${encodeURIComponent(token)}`;
  kept.set('embed_navigation_token', pair);
  const { pathname, search, hash } = window.location;
  const others = rawPairs(search).filter(([name]) => name !== 'embed_navigation_token').map(([, p]) => p);
  (nativeReplace ?? window.history.replaceState.bind(window.history))(window.history.state, '', `${pathname}?${[...others, pair].join('&')}${hash}`);
}
