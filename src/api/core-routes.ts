// Public discovery routes: `GET /versions` (Looker's `versions` operation) and the OpenAPI document.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { buildOpenApiDocument } from './openapi.ts';
import { API_PREFIX, registerLookerRoute } from './route.ts';
import { lookerSpec } from './spec.ts';

/** Base URL clients should use: the configured public URL, else what this request was addressed to. */
export function baseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}

export interface ApiVersionElement {
  version: string;
  full_version: string;
  status: string;
  swagger_url: string;
}

export interface ApiVersion {
  looker_release_version: string;
  current_version: ApiVersionElement;
  supported_versions: ApiVersionElement[];
  api_server_url: string;
  web_server_url: string;
}

export function registerCoreRoutes(app: FastifyInstance, publicUrl: string | undefined): void {
  registerLookerRoute(app, {
    operationId: 'versions',
    auth: false,
    handler: (request): ApiVersion => {
      const spec = lookerSpec();
      const base = baseUrl(request, publicUrl);
      const current: ApiVersionElement = {
        version: '4.0',
        full_version: spec.info.version,
        status: 'current',
        swagger_url: `${base}${API_PREFIX}/openapi.json`,
      };
      // Overlook speaks the API of the Looker release the spec was published for.
      return {
        looker_release_version: spec.info['x-looker-release-version'] ?? spec.info.version.replace(/^4\.0\./, ''),
        current_version: current,
        supported_versions: [current],
        api_server_url: base,
        // API and UI share one port.
        web_server_url: base,
      };
    },
  });

  app.get(`${API_PREFIX}/openapi.json`, { config: { lookerAuth: false } }, (request) =>
    buildOpenApiDocument(app.lookerRegistry.values(), `${baseUrl(request, publicUrl)}${API_PREFIX}`),
  );
}
