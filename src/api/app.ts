// The Looker API 4.0 HTTP foundation: Fastify configured for Looker's wire conventions (auth header
// forms, error shapes, `fields=`, slash/encoding tolerance), with route plugins added on top.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify from 'fastify';
import type {
  FastifyInstance, FastifyRequest, FastifyServerOptions, HookHandlerDoneFunction, onRequestHookHandler, preHandlerHookHandler, preSerializationHookHandler,
} from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import type { AuthContext } from './auth-context.ts';
import { browserCredentials, type BrowserCredentials } from './browser-session.ts';
import { tokenFromAuthorization } from './auth-context.ts';
import { registerCoreRoutes } from './core-routes.ts';
import { registerWebUi } from './web-ui.ts';
import { ApiError, validationFailed } from './errors.ts';
import { handleClientError, installErrorHandling, RouteIndex, sendApiError, toApiError } from './error-handler.ts';
import { applyFields, parseFields } from './fields.ts';
import type { FieldSelection } from './fields.ts';
import type { OasSchema } from './spec.ts';
import { assertSupportedSchema, compileValidator } from './schema-validate.ts';
import { deepFreeze, isShared } from './body-memo.ts';

/** What the HTTP layer needs from the rest of Overlook (the metadata store implements it). */
export interface ApiDeps {
  /**
   * Resolve a raw access token to its caller; null when unknown, expired or revoked. May answer
   * synchronously (a cached caller), saving the request a promise.
   */
  authenticate(rawToken: string): Promise<AuthContext | null> | AuthContext | null;
  /**
   * Resolve a browser session cookie (web UI, renderer, embed frame) when no Authorization header
   * was sent; null when unknown or expired. Throws `ApiError('forbidden')` when the CSRF token of a
   * state-changing call (or the bound User-Agent) does not match.
   */
  authenticateBrowser?(credentials: BrowserCredentials): Promise<AuthContext | null>;
  /** Called by `startServer` after the HTTP server has drained (close DB pools, etc.). */
  close?(): Promise<void> | void;
}

export interface AppOptions {
  /** Fastify/pino logger; off by default (tests). `true` = info level JSON logs. */
  logger?: boolean | Record<string, unknown>;
  /** Max request body in bytes (default 1 MiB); larger → 413. */
  bodyLimit?: number;
  /** Public base URL (no `/api/4.0`), reported by /versions; default: derived from the request. */
  publicUrl?: string;
  /** Route modules registered after the core (one per Looker API tag), each in its own Fastify scope. */
  plugins?: readonly RoutePlugin[];
  /** The built web UI (web/dist): served at `/`, with index.html for the single-page app's routes. */
  webRoot?: string;
  /** Serve HTTPS with this PEM certificate and key (the embed SDK only loads https:// frames). */
  https?: { cert: string; key: string };
}

/**
 * A route module: registers its routes (usually with `registerLookerRoute`) on the scope it is given.
 * With `rootScope` it is instead called synchronously on the root instance before any route exists,
 * so the hooks it adds see every request and every route (metrics, probes).
 */
export type RoutePlugin = ((app: FastifyInstance) => void | Promise<void>) & { readonly rootScope?: boolean };

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const REQUEST_ID = /^[\w.:@-]{1,128}$/;

// Secrets can travel in the query string (`POST /login?client_id=…&client_secret=…`): never log them.
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:client_secret|access_token|password)=)[^&]*/gi, '$1[REDACTED]');
}

function loggerOption(logger: AppOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const base = logger === true ? {} : logger;
  return {
    level: 'info',
    ...base,
    serializers: {
      req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({
        method: req.method, url: redactUrl(req.url), host: req.hostname, remoteAddress: req.ip,
      }),
      ...(typeof base.serializers === 'object' ? base.serializers : {}),
    },
  };
}

// Strict form decoding: a malformed percent-escape is a client error, not a silently mangled value.
function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let key: string, value: string;
    try {
      key = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      throw new ApiError('malformed_form');
    }
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

const fieldSelections = new WeakMap<object, FieldSelection>();

// Parse `fields=` before the handler runs so a malformed list fails before any side effect.
const parseFieldsHook: preHandlerHookHandler = (request, _reply, done) => {
  const fields = (request.query as Record<string, unknown> | undefined)?.fields;
  if (typeof fields === 'string') {
    const selection = parseFields(fields);
    if (selection !== null) fieldSelections.set(request, selection);
  }
  done();
};

const applyFieldsHook: preSerializationHookHandler = (request, reply, payload, done) => {
  const selection = fieldSelections.get(request);
  done(null, selection === undefined || reply.statusCode >= 300 ? payload : applyFields(payload, selection));
};

// A module function, not a closure per request: the hot path allocates nothing for it.
function authenticated(request: FastifyRequest, auth: AuthContext | null, done: HookHandlerDoneFunction): void {
  if (auth === null) {
    done(new ApiError('unauthorized'));
    return;
  }
  request.auth = auth;
  done();
}

/** A route's hook list (absent, one, or many) with `hook` added last. */
function appendHook<H>(existing: H | H[] | undefined, hook: NoInfer<H>): H[] {
  return existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];
}

export function buildApp(deps: ApiDeps, options: AppOptions = {}): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const routes = new RouteIndex();
  const app = Fastify({
    ...(options.https === undefined ? {} : { https: options.https }),
    logger: loggerOption(options.logger),
    bodyLimit,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: {
      // The SDK turns a trailing slash in base_url into `//api/4.0/...`.
      ignoreDuplicateSlashes: true,
      ignoreTrailingSlash: true,
      // Branch names are path params and may be long. (`;` is not a delimiter by default in
      // Fastify 5, so it stays inside path params too — tested.)
      maxParamLength: 1000,
    },
    // Requests arriving on kept-alive sockets while closing are served, not answered with
    // Fastify's non-Looker 503 body; close() still waits for them.
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      void sendApiError(request, reply, toApiError(error, { bodyLimit }));
    },
    clientErrorHandler: handleClientError,
  });

  app.decorate('lookerRegistry', new Map());
  app.decorateRequest('auth', null);
  // Only routes that ask for auth get it (static files of the web UI and public routes do not); the
  // hook is attached to them, so no request has to look up its route's options to find out.
  const authHook: onRequestHookHandler = (request, _reply, done) => {
    let pending: Promise<AuthContext | null> | AuthContext | null = null;
    try {
      // An Authorization header always wins, so API clients never depend on cookies a browser holds.
      const token = tokenFromAuthorization(request.headers.authorization);
      if (token !== null) pending = deps.authenticate(token);
      else if (deps.authenticateBrowser !== undefined) {
        const credentials = browserCredentials(request, app);
        if (credentials !== null) pending = deps.authenticateBrowser(credentials);
      }
    } catch (error) {
      done(error as Error);
      return;
    }
    // A cached caller answers at once: no promise hop on the hot path.
    if (pending instanceof Promise) pending.then((auth) => { authenticated(request, auth, done); }, done);
    else authenticated(request, pending, done);
  };
  app.addHook('onRoute', (route) => {
    routes.add(route.method, route.url);
    if (route.config?.lookerAuth === true) route.onRequest = appendHook(route.onRequest, authHook);
    // `fields=` handling is attached to the routes that have it, so the others run no hook for it.
    if (route.config?.lookerFields === true) {
      route.preHandler = appendHook(route.preHandler, parseFieldsHook);
      route.preSerialization = appendHook(route.preSerialization, applyFieldsHook);
    }
  });
  installErrorHandling(app, { bodyLimit }, routes, options.webRoot !== undefined);
  void app.register(formbody, { parser: parseForm });
  // Cookies are parsed only where a browser session is looked for (see browserCredentials).
  void app.register(cookie, { hook: false });

  app.setValidatorCompiler(({ schema, httpPart, method, url }) => {
    const s = schema as OasSchema;
    assertSupportedSchema(s, `${method} ${url} ${httpPart}`);
    const isBody = httpPart === 'body';
    const bodyRequired = s['x-overlook-body-required'] === true;
    const validate = compileValidator(s, { mode: 'request', coerce: !isBody, numbersAsStrings: s['x-overlook-numbers-as-strings'] === true });
    // A shared body (body-memo.ts) validates the same every time: its frozen outcome is kept with it.
    const valid = new WeakMap<object, object>();
    return (data: unknown) => {
      const shared = isShared(data);
      if (shared) {
        const known = valid.get(data);
        if (known !== undefined) return { value: known };
      }
      if (isBody && (data === null || data === undefined)) {
        return bodyRequired ? { error: new ApiError('body_required') } : { value: undefined };
      }
      const { value, issues } = validate(data);
      if (issues.length === 0) {
        if (shared && value !== null && typeof value === 'object') valid.set(data, deepFreeze(value));
        return { value };
      }
      return { error: validationFailed(issues.map((i) => ({ field: i.path === '' ? 'body' : i.path, code: i.code, message: i.message }))) };
    };
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  // During close(), Node only reaps sockets idle at that moment; a keep-alive socket whose request
  // was in flight would otherwise hold close() open until the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  // 204/202-without-body must carry no JSON content type: the SDK would JSON.parse('') and fail.
  // (Callback style: an async hook would cost every response a promise.)
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    if (reply.statusCode === 204 || (reply.statusCode === 202 && (payload === null || payload === undefined || payload === ''))) {
      reply.removeHeader('content-type');
      done(null, null);
      return;
    }
    done(null, payload);
  });

  const plugins = options.plugins ?? [];
  for (const plugin of plugins) if (plugin.rootScope === true) void plugin(app);
  registerCoreRoutes(app, options.publicUrl);
  if (options.webRoot !== undefined) registerWebUi(app, options.webRoot);
  for (const plugin of plugins) {
    if (plugin.rootScope === true) continue;
    void app.register(async (scope) => {
      await plugin(scope);
    });
  }
  return app;
}
