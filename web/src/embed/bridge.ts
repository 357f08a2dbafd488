// The embed frame's side of @looker/embed-sdk: a @looker/chatty client over a MessageChannel with
// the host page. Page events (window 'overlook:page-event') go to the host as Looker embed events;
// the host's messages (`dashboard:run`, `dashboard:filters:update`, …) come back as
// 'overlook:host-command' events. Nothing is posted unless the frame's `embed_domain` is on the
// server's embed domain allowlist, and then only to that origin.
//
// Chatty's wire format (chatty 2.3): the frame posts `{action: Syn}` to its parent with the
// channel's second port; the host answers `{action: SynAck}` on the port, the frame `{action: Ack}`.
// Then both sides send `{action, data: {eventName, payload: [...args], sequence?}}` on the port.
import { HOST_COMMAND, PAGE_EVENT } from '../events.ts';
import { awaitEmbedTokens, setEmbedApiToken, stopWaiting } from './auth.ts';
import { keepEmbedParams, loadEmbedConfig, setNavigationToken, withEmbedParams } from './navigation.ts';

/** Client → host actions (chatty `ChattyClientMessages`). */
const Client = { Syn: 0, Ack: 1, Message: 2, MessageWithResponse: 3, Response: 4, ResponseError: 5 } as const;
/** Host → client actions (chatty `ChattyHostMessages`). */
const Host = { SynAck: 0, Message: 1, MessageWithResponse: 2, Response: 3, ResponseError: 4, AbortMessage: 5 } as const;

interface HostMessage {
  action: number;
  data?: { eventName?: unknown; payload?: unknown; sequence?: unknown };
}

interface SessionTokens {
  api_token?: string;
  api_token_ttl?: number;
  navigation_token?: string;
  navigation_token_ttl?: number;
  session_reference_token_ttl?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `https://host[:port]` of the host page, or null when the parameter is no http(s) origin. */
function originOf(domain: string): string | null {
  try {
    const url = new URL(domain);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

function pageType(pathname: string): string {
  const kind = pathname.split('/')[2] ?? '';
  return kind === 'dashboards' ? 'dashboard' : kind === 'looks' ? 'look' : kind;
}

/**
 * The Looker release this server answers as (`/versions`): page:changed carries it as
 * `lookerVersion`, which the embed SDK reads to use `page:load` (Looker 25+) for its load* calls.
 */
async function lookerVersion(): Promise<string | null> {
  try {
    const res = await fetch('/api/4.0/versions', { credentials: 'omit' });
    const body: unknown = await res.json();
    return isRecord(body) && typeof body.looker_release_version === 'string' ? body.looker_release_version : null;
  } catch {
    return null;
  }
}

async function allowed(domain: string): Promise<boolean> {
  try {
    const res = await fetch(`/x-overlook/embed/domain?embed_domain=${encodeURIComponent(domain)}`, { credentials: 'omit' });
    const body: unknown = await res.json();
    return isRecord(body) && body.allowed === true;
  } catch {
    return false;
  }
}

type PageEventDetail = Record<string, unknown> & { type: string };

function pageEventDetail(event: Event): PageEventDetail | null {
  if (!(event instanceof CustomEvent) || !isRecord(event.detail) || typeof event.detail.type !== 'string') return null;
  return event.detail as PageEventDetail;
}

class EmbedBridge {
  readonly #origin: string;
  readonly #cookieless: boolean;
  readonly #version: string | null;
  readonly #channel = new MessageChannel();
  #connected = false;
  readonly #queue: { eventName: string; payload: unknown[] }[] = [];
  #refresh: number | undefined;
  #lastHeight = 0;
  /** The in-frame URL last announced with page:changed. */
  #lastPage: string | null = null;

  constructor(origin: string, cookieless: boolean, version: string | null) {
    this.#origin = origin;
    this.#cookieless = cookieless;
    this.#version = version;
  }

  /** `early`: page events the page sent while the allowlist was being asked, in order. */
  start(early: readonly PageEventDetail[]): void {
    this.#channel.port1.onmessage = (event: MessageEvent<unknown>) => { this.#receive(event.data); };
    for (const detail of early) this.#send(detail.type, [detail]);
    window.addEventListener(PAGE_EVENT, (event: Event) => {
      const detail = pageEventDetail(event);
      if (detail !== null) this.#send(detail.type, [detail]);
    });
    new ResizeObserver(() => { this.#reportHeight(); }).observe(document.documentElement);
    this.#watchNavigation();
    window.parent.postMessage({ action: Client.Syn }, this.#origin, [this.#channel.port2]);
  }

  /**
   * The router moves between pages (a tile's Explore link, filters written to the URL) with the
   * History API, which fires no event: wrap pushState / replaceState, and listen to popstate.
   */
  #watchNavigation(): void {
    const changed = (): void => { this.#pageChanged(); };
    const history = window.history;
    const pushState = history.pushState.bind(history);
    const replaceState = history.replaceState.bind(history);
    history.pushState = (...args: Parameters<History['pushState']>): void => {
      pushState(...args);
      changed();
    };
    history.replaceState = (...args: Parameters<History['replaceState']>): void => {
      replaceState(...args);
      changed();
    };
    window.addEventListener('popstate', changed);
  }

  /** Announces the frame's current page once per distinct URL (Looker's page:changed). */
  #pageChanged(): void {
    if (!this.#connected) return;
    const { pathname, search, href } = window.location;
    const url = pathname + search;
    if (url === this.#lastPage) return;
    this.#lastPage = url;
    const version = this.#version === null ? {} : { lookerVersion: this.#version };
    this.#send('page:changed', [{ type: 'page:changed', page: { type: pageType(pathname), url, absoluteUrl: href, ...version } }]);
  }

  #post(action: number, data: Record<string, unknown>): void {
    this.#channel.port1.postMessage({ action, data });
  }

  #send(eventName: string, payload: unknown[]): void {
    if (!this.#connected) this.#queue.push({ eventName, payload });
    else this.#post(Client.Message, { eventName, payload });
  }

  #reportHeight(): void {
    const height = document.documentElement.scrollHeight;
    if (height === this.#lastHeight) return;
    this.#lastHeight = height;
    this.#send('page:properties:changed', [{ type: 'page:properties:changed', height }]);
  }

  #receive(raw: unknown): void {
    if (!isRecord(raw) || typeof raw.action !== 'number') return;
    const message = raw as unknown as HostMessage;
    const eventName = typeof message.data?.eventName === 'string' ? message.data.eventName : '';
    const payload = Array.isArray(message.data?.payload) ? message.data.payload as unknown[] : [];
    switch (message.action) {
      case Host.SynAck:
        this.#onConnected();
        return;
      case Host.Message:
        this.#onHostMessage(eventName, payload[0]);
        return;
      case Host.MessageWithResponse: {
        // Answer first: a page load below may unload this frame.
        this.#post(Client.Response, { eventName, payload: [null], sequence: message.data?.sequence });
        this.#onHostMessage(eventName, payload[0]);
        return;
      }
      default:
    }
  }

  #onConnected(): void {
    this.#post(Client.Ack, {});
    if (this.#connected) return;
    this.#connected = true;
    this.#pageChanged();
    for (const queued of this.#queue.splice(0)) this.#post(Client.Message, queued);
    this.#reportHeight();
    if (this.#cookieless) this.#requestTokens();
  }

  #requestTokens(): void {
    this.#send('session:tokens:request', [{ type: 'session:tokens:request' }]);
  }

  #onTokens(tokens: SessionTokens): void {
    window.clearTimeout(this.#refresh);
    if (tokens.session_reference_token_ttl === 0) {
      setEmbedApiToken(null);
      this.#send('session:status', [{ type: 'session:status', session_ttl: 0, expired: true, interrupted: false }]);
      this.#send('session:expired', [{ type: 'session:expired' }]);
      return;
    }
    if (typeof tokens.api_token !== 'string' || typeof tokens.api_token_ttl !== 'number') {
      // The host had no valid tokens: Looker shows its "interrupted" screen; API calls go on with cookies, if any.
      stopWaiting();
      this.#send('session:status', [{ type: 'session:status', session_ttl: 0, expired: false, interrupted: true }]);
      return;
    }
    setEmbedApiToken(tokens.api_token);
    if (typeof tokens.navigation_token === 'string' && tokens.navigation_token !== '') setNavigationToken(tokens.navigation_token);
    this.#send('session:status', [{ type: 'session:status', session_ttl: tokens.session_reference_token_ttl ?? 0, expired: false, interrupted: false }]);
    // Ask again a minute before the shorter of the API and navigation tokens runs out.
    const ttl = Math.min(tokens.api_token_ttl, tokens.navigation_token_ttl ?? tokens.api_token_ttl);
    this.#refresh = window.setTimeout(() => { this.#requestTokens(); }, Math.max(5, ttl - 60) * 1000);
  }

  #onHostMessage(eventName: string, arg: unknown): void {
    if (eventName === 'session:tokens') {
      this.#onTokens(isRecord(arg) ? arg : {});
      return;
    }
    const detail = isRecord(arg) ? arg : {};
    if (eventName === 'page:load' && typeof detail.url === 'string' && detail.url.startsWith('/embed/')) {
      window.location.assign(withEmbedParams(detail.url));
      return;
    }
    if (eventName === 'dashboard:load' && (typeof detail.id === 'string' || typeof detail.id === 'number')) {
      window.location.assign(withEmbedParams(`/embed/dashboards/${encodeURIComponent(String(detail.id))}`));
      return;
    }
    window.dispatchEvent(new CustomEvent(HOST_COMMAND, { detail: { ...detail, type: eventName } }));
  }
}

let started = false;

/**
 * Keeps the embed parameters across in-frame navigation, and connects an embed page to its host
 * page (not outside a frame or without an allowed `embed_domain`).
 */
export function startEmbedBridge(): void {
  if (started) return;
  started = true;
  // Before the router's first navigation: every in-frame page keeps the frame's embed parameters.
  keepEmbedParams();
  void loadEmbedConfig();
  const params = new URLSearchParams(window.location.search);
  const cookieless = params.has('embed_navigation_token');
  const domain = params.get('embed_domain');
  const origin = domain === null ? null : originOf(domain);
  if (window.parent === window || origin === null) return;
  if (cookieless) awaitEmbedTokens(10_000);
  // The page may load (dashboard:loaded) before the allowlist answers: keep its events until then.
  const early: PageEventDetail[] = [];
  const keep = (event: Event): void => {
    const detail = pageEventDetail(event);
    if (detail !== null) early.push(detail);
  };
  window.addEventListener(PAGE_EVENT, keep);
  void Promise.all([allowed(origin), lookerVersion()]).then(([ok, version]) => {
    window.removeEventListener(PAGE_EVENT, keep);
    if (ok) new EmbedBridge(origin, cookieless, version).start(early);
    else {
      stopWaiting();
      console.warn(`Overlook embed: ${origin} is not on the embed domain allowlist, so this frame sends it no events.`);
    }
  });
}
