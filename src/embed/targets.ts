/**
 * The pages an embed URL may open: `/embed/dashboards/<id>`, `/embed/looks/<id>`,
 * `/embed/explore/<model>/<explore>` (the embed SDK's own page types Overlook serves). A target is
 * only ever a path on this server, so a login can never redirect elsewhere.
 */
import { EmbedError } from './errors.ts';

export type EmbedPage =
  | { readonly kind: 'dashboards'; readonly id: string }
  | { readonly kind: 'looks'; readonly id: string }
  | { readonly kind: 'explore'; readonly model: string; readonly explore: string };

export interface EmbedTarget {
  /** Path and query, normalised by the URL parser: safe for a `Location` header. */
  readonly url: string;
  readonly page: EmbedPage;
  readonly params: URLSearchParams;
  /** The model the page is bound to (explores, LookML dashboards `model::name`), if any. */
  readonly model: string | null;
}

const BASE = 'https://target.invalid';
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
const DASHBOARD_ID = /^(?:\d{1,18}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}::[A-Za-z0-9_][A-Za-z0-9_.-]{0,254})$/;

const badTarget = (target: string): EmbedError => new EmbedError('bad_target',
  `The embed target ${JSON.stringify(target.slice(0, 200))} is not an embeddable page: use /embed/dashboards/<id>, /embed/looks/<id> or /embed/explore/<model>/<explore>.`);

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Parses a target path (`/embed/...?...`); a leading `embed/` without the slash is accepted (Looker's older examples). */
export function parseEmbedTarget(target: string): EmbedTarget {
  const path = target.startsWith('embed/') ? `/${target}` : target;
  if (!path.startsWith('/embed/') || path.startsWith('//') || path.includes('\\') || hasControlCharacter(path)) {
    throw badTarget(target);
  }
  let url: URL;
  try {
    url = new URL(path, BASE);
  } catch {
    throw badTarget(target);
  }
  if (url.origin !== BASE) throw badTarget(target);
  const segments = url.pathname.split('/').slice(2).map(decodeSegment);
  const [kind, a, b, ...rest] = segments;
  let page: EmbedPage | null = null;
  if (kind === 'dashboards' && a && DASHBOARD_ID.test(a) && b === undefined) page = { kind, id: a };
  else if (kind === 'looks' && a && /^\d{1,18}$/.test(a) && b === undefined) page = { kind, id: a };
  else if (kind === 'explore' && a && b && NAME.test(a) && NAME.test(b) && rest.length === 0) page = { kind, model: a, explore: b };
  if (page === null) throw badTarget(target);
  const model = page.kind === 'explore' ? page.model : page.kind === 'dashboards' && page.id.includes('::') ? page.id.split('::')[0]! : null;
  return { url: url.pathname + url.search, page, params: url.searchParams, model };
}

/**
 * `target_url` of the API (`create_sso_embed_url`, `create_embed_url_as_me`): a complete URL of a
 * Looker UI page or a path; `/dashboards/34` means `/embed/dashboards/34`, as on Looker.
 */
export function targetFromApi(targetUrl: string): EmbedTarget {
  let path = targetUrl.trim();
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.exec(path);
  if (absolute) {
    let url: URL;
    try {
      url = new URL(path);
    } catch {
      throw badTarget(targetUrl);
    }
    path = url.pathname + url.search;
  }
  if (!path.startsWith('/')) path = `/${path}`;
  if (!path.startsWith('/embed/')) path = `/embed${path}`;
  return parseEmbedTarget(path);
}
