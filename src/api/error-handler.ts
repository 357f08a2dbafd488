// Turns every failure — ApiError, Fastify's own errors (body parsing, limits, validation, bad URLs),
// unknown routes and real bugs — into Looker's JSON error body with a JSON content type. Binary
// endpoints included: the SDK only parses error bodies labelled JSON.
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, documentationUrl, errorBody, DOCS_ROOT } from './errors.ts';
import type { ErrorCode, ValidationDetail } from './errors.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

// Fastify error codes that are the client's fault, mapped to catalog entries.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 413: 'payload_too_large', 414: 'uri_too_long', 415: 'unsupported_media_type',
  422: 'validation_failed', 429: 'too_many_requests', 503: 'service_unavailable',
};

interface AjvLikeIssue { instancePath: string; message?: string; params: Record<string, unknown> }

function isFastifyError(error: unknown): error is FastifyError & { validation?: AjvLikeIssue[] } {
  return error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

export interface ErrorContext {
  bodyLimit: number;
  /** The request's Content-Type, named in 415 answers. */
  contentType?: string | undefined;
}

/** Map anything thrown to an ApiError; unknown errors become `internal` (the caller logs them). */
export function toApiError(error: unknown, context: ErrorContext): ApiError {
  if (error instanceof ApiError) return error;
  if (!isFastifyError(error)) return new ApiError('internal', { cause: error });
  const status = error.statusCode ?? 500;
  if (status >= 500) return new ApiError('internal', { cause: error });
  if (Array.isArray(error.validation)) {
    // Validation from a compiler other than ours (Ajv-style issues): keep Looker's 422 shape.
    const errors: ValidationDetail[] = error.validation.map((issue) => {
      const missing = typeof issue.params.missingProperty === 'string' ? issue.params.missingProperty : undefined;
      const field = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
      return missing === undefined
        ? { field, code: 'invalid', message: `'${field}' ${issue.message ?? 'is invalid'}.` }
        : { field: field === '' ? missing : `${field}.${missing}`, code: 'missing_field', message: `'${missing}' is required.` };
    });
    return new ApiError('validation_failed', { errors });
  }
  const mapped = FASTIFY_CODES[error.code];
  if (mapped === 'payload_too_large') return new ApiError(mapped, { args: [context.bodyLimit] });
  if (mapped === 'unsupported_media_type') return new ApiError(mapped, { args: [(context.contentType ?? 'none').slice(0, 100)] });
  if (mapped === 'bad_url') return new ApiError(mapped, { args: ['invalid percent-encoding'] });
  if (mapped !== undefined) return new ApiError(mapped);
  return new ApiError(BY_STATUS[status] ?? 'bad_request', { message: error.message });
}

function routeTemplate(request: FastifyRequest): string {
  if (!request.is404 && request.routeOptions.url !== undefined) return request.routeOptions.url;
  return request.url.split('?')[0] ?? '';
}

export function sendApiError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  const docUrl = documentationUrl(error.statusCode, request.method, routeTemplate(request));
  // Drop headers a handler may have set for a binary answer before failing.
  reply.removeHeader('content-disposition');
  reply.removeHeader('content-length');
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.statusCode).type(JSON_TYPE).send(errorBody(error, docUrl));
}

/** Paths the single-page web UI never owns: unknown ones there stay Looker-shaped 404s. */
const SERVER_PATHS = /^\/(?:api|x-overlook|login)\//;

/**
 * `spaFallback`: unknown GETs outside the server's own paths answer the web UI's index.html, so
 * deep links (`/dashboards/7`, `/explore/m/e?…`) load the app, which routes them itself.
 */
export function installErrorHandling(app: FastifyInstance, context: ErrorContext, knownRoutes: RouteIndex, spaFallback = false): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const apiError = toApiError(error, { ...context, contentType: request.headers['content-type'] });
    if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: apiError.code, statusCode: apiError.statusCode }, apiError.message);
    return sendApiError(request, reply, apiError);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (spaFallback && (request.method === 'GET' || request.method === 'HEAD') && !SERVER_PATHS.test(path)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    const allowed = knownRoutes.methodsFor(path).filter((m) => m !== request.method);
    if (allowed.length > 0) {
      return sendApiError(request, reply, new ApiError('method_not_allowed', { args: [request.method], headers: { allow: allowed.join(', ') } }));
    }
    return sendApiError(request, reply, new ApiError('not_found'));
  });
}

/**
 * Malformed HTTP never reaches Fastify's request cycle; answer it in Looker's shape on the raw socket
 * (Node's default is an empty 400), with 431 for oversized headers as Node itself would.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, message] = error.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'Request Header Fields Too Large', 'Request headers are too large.']
    : [400, 'Bad Request', 'Malformed HTTP request.'];
  const body = JSON.stringify({ message, documentation_url: `${DOCS_ROOT}r/err/4.0/${status}` });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Which methods exist for a path, for 405 answers. find-my-way does not expose a lookup by URL, so
 * registered route templates are kept as regular expressions (matched on the normalised path).
 */
export class RouteIndex {
  private readonly routes: { method: string; pattern: RegExp }[] = [];

  add(method: string | readonly string[], url: string): void {
    const source = url
      .replace(/\/+$/, '')
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const pattern = new RegExp(`^${source}/?$`);
    for (const m of typeof method === 'string' ? [method] : method) this.routes.push({ method: m, pattern });
  }

  methodsFor(rawPath: string): string[] {
    const path = rawPath.replace(/\/{2,}/g, '/');
    return [...new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
  }
}
