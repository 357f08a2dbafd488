// Public surface of the HTTP foundation, for route modules and the `serve` command.
export { buildApp, DEFAULT_BODY_LIMIT } from './app.ts';
export type { ApiDeps, AppOptions, RoutePlugin } from './app.ts';
export { requireAuth, requirePermission, tokenFromAuthorization } from './auth-context.ts';
export type { AuthContext } from './auth-context.ts';
export { ApiError, ERROR_CATALOG, documentationUrl, validationFailed } from './errors.ts';
export type { ErrorCode, ValidationDetail } from './errors.ts';
export { API_PREFIX, registerLookerRoute } from './route.ts';
export type { LookerRouteOptions, LookerSchemaOverrides } from './route.ts';
export { startServer } from './server.ts';
export type { RunningServer, StartServerOptions } from './server.ts';
