// `registerLookerRoute`: every Looker API route is declared by its spec operationId, so its method,
// path, parameter/body validation and `fields=` support come from Looker.4.0.oas.json instead of being
// retyped (and mistyped) by hand. Registered operations also feed /api/4.0/openapi.json.
import type { FastifyInstance, RouteGenericInterface, RouteHandlerMethod, FastifySchema } from 'fastify';
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import { specOperation, toRoutePath } from './spec.ts';
import type { OasSchema, SpecOperation } from './spec.ts';

export const API_PREFIX = '/api/4.0';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false for public routes (login, versions); everything else needs a valid access token. */
    lookerAuth?: boolean;
    lookerOperationId?: string;
    /** The spec declares a `fields` query parameter: filter 2xx object bodies by it. */
    lookerFields?: boolean;
  }
  interface FastifyInstance {
    /** operationId → spec location of every Looker route registered on this app. */
    lookerRegistry: Map<string, SpecOperation>;
  }
}

/** Replace a spec-derived request schema, or `false` to skip that validation. */
export interface LookerSchemaOverrides {
  params?: OasSchema | false;
  querystring?: OasSchema | false;
  body?: OasSchema | false;
}

export interface LookerRouteOptions<RG extends RouteGenericInterface = RouteGenericInterface> {
  /** Looker's operationId, e.g. `update_session`; method and path are taken from the spec. */
  operationId: string;
  /**
   * An Overlook extension instead of a spec operation (tagged `x-overlook` in openapi.json): the
   * operation is declared here, in the spec's own shape, so validation and documentation work alike.
   */
  extension?: SpecOperation;
  /** Default true: requests need `Authorization: token|Bearer <access_token>` (401 otherwise). */
  auth?: boolean;
  schema?: LookerSchemaOverrides;
  /** Accept JSON numbers for string members of the body (Looker's leniency on query bodies). */
  numbersAsStrings?: boolean;
  /** Per-route body size limit in bytes (the app default is 1 MiB). */
  bodyLimit?: number;
  handler: RouteHandlerMethod<Server, IncomingMessage, ServerResponse, RG>;
}

function parameterSchemas(op: SpecOperation, location: 'path' | 'query'): OasSchema | undefined {
  const params = (op.operation.parameters ?? []).filter((p) => p.in === location);
  if (params.length === 0) return undefined;
  const properties: Record<string, OasSchema> = {};
  const required: string[] = [];
  for (const p of params) {
    properties[p.name] = p.schema ?? { type: 'string' };
    if (p.required === true) required.push(p.name);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

function bodySchema(op: SpecOperation): OasSchema | undefined {
  const content = op.operation.requestBody?.content;
  if (!content) return undefined;
  const media = content['application/json'] ?? content['application/x-www-form-urlencoded'] ?? content['text/plain'];
  const schema = media?.schema;
  if (!schema) return undefined;
  // `x-overlook-body-required` travels with the schema to the validator compiler (see app.ts).
  return op.operation.requestBody?.required === true ? { ...schema, 'x-overlook-body-required': true } : schema;
}

function pick(override: OasSchema | false | undefined, derived: OasSchema | undefined): OasSchema | undefined {
  if (override === false) return undefined;
  return override ?? derived;
}

/**
 * Register a Looker API route. The handler returns the response body (object/array → JSON; use
 * `reply.code(204).send()` for empty answers) or throws `ApiError`. `request.auth` is set on
 * authenticated routes; `fields=` is applied automatically where the spec offers it.
 */
export function registerLookerRoute<RG extends RouteGenericInterface = RouteGenericInterface>(
  app: FastifyInstance,
  options: LookerRouteOptions<RG>,
): void {
  const op = options.extension ?? specOperation(options.operationId);
  if (app.lookerRegistry.has(op.operationId)) throw new Error(`Looker operation '${op.operationId}' registered twice`);
  app.lookerRegistry.set(op.operationId, op);
  const params = pick(options.schema?.params, parameterSchemas(op, 'path'));
  const querystring = pick(options.schema?.querystring, parameterSchemas(op, 'query'));
  const derivedBody = bodySchema(op);
  const overrideBody = options.schema?.body;
  // A replaced body schema still answers a missing required body with 400, not a handler crash.
  const required = derivedBody?.['x-overlook-body-required'] === true;
  const body = pick(
    overrideBody && required ? { ...overrideBody, 'x-overlook-body-required': true } : overrideBody,
    derivedBody && options.numbersAsStrings === true ? { ...derivedBody, 'x-overlook-numbers-as-strings': true } : derivedBody,
  );
  const schema: FastifySchema = {
    ...(params ? { params } : {}),
    ...(querystring ? { querystring } : {}),
    ...(body ? { body } : {}),
  };
  const hasFields = (op.operation.parameters ?? []).some((p) => p.in === 'query' && p.name === 'fields');
  app.route<RG>({
    method: op.method,
    url: API_PREFIX + toRoutePath(op.specPath),
    schema,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    config: { lookerAuth: options.auth ?? true, lookerOperationId: op.operationId, lookerFields: hasFields },
    handler: options.handler,
  });
}
