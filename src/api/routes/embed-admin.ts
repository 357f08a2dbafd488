/**
 * Embedding administration: the embed members of `GET/PATCH /setting` (the embed domain
 * allowlist with wildcard origins, signed / cookieless switches, Looker's other embed flags),
 * `validate_embed_url` (the checks of a signed login, spending nothing) and `create_embed_user`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmbedService } from '../../embed/service.ts';
import { requirePermission } from '../auth-context.ts';
import { baseUrl } from '../core-routes.ts';
import { validationFailed } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { embedCall } from './embed-errors.ts';
import { userPublicJson } from './embed-users.ts';

/** The members of Looker's `Setting` this server stores; the rest are refused, not ignored. */
const EMBED_SETTINGS = new Set(['embed_config', 'embed_cookieless_v2']);

/**
 * `validate_embed_url`'s `url`. The Looker SDK leaves a parameter value that already holds
 * %-escapes as it is, so a signed URL arrives unencoded, its own query spilling into ours: when the
 * raw value starts with a scheme, it is the whole rest of the query.
 */
export function urlParam(rawRequestUrl: string, parsed: string | undefined): string | undefined {
  const q = rawRequestUrl.indexOf('?');
  if (q < 0) return parsed;
  const query = rawRequestUrl.slice(q + 1);
  const m = /(?:^|&)url=/.exec(query);
  if (m === null) return parsed;
  const rest = query.slice(m.index + m[0].length);
  return /^https?:\/\//i.test(rest) ? rest : parsed;
}

export function registerEmbedAdminRoutes(app: FastifyInstance, embed: EmbedService, publicUrl: string | undefined): void {
  const base = (r: FastifyRequest): string => baseUrl(r, publicUrl);

  registerLookerRoute(app, {
    operationId: 'get_setting',
    handler: async (request) => {
      requirePermission(request, 'administer');
      return embed.settingJson();
    },
  });

  registerLookerRoute<{ Body: Record<string, unknown> }>(app, {
    operationId: 'set_setting',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const body = request.body;
      const other = Object.keys(body).filter((k) => !EMBED_SETTINGS.has(k));
      if (other.length > 0) {
        const message = `Overlook stores only the embed settings (embed_config, embed_cookieless_v2); it cannot set ${other.map((k) => JSON.stringify(k.slice(0, 64))).join(', ')}.`;
        throw validationFailed(other.map((field) => ({ field: field.slice(0, 64), code: 'invalid', message })), message);
      }
      await embedCall(() => embed.updateSetting(body), 'embed_config');
      return embed.settingJson();
    },
  });

  registerLookerRoute<{ Querystring: { url?: string } }>(app, {
    operationId: 'validate_embed_url',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const url = urlParam(request.raw.url ?? '', request.query.url);
      if (url === undefined || url.trim() === '') throw validationFailed([{ field: 'url', code: 'missing_field', message: 'url is required: the signed embed URL to check.' }]);
      await embedCall(() => embed.validateSignedUrl(url), 'url');
      return { url };
    },
  });

  registerLookerRoute<{ Body: { external_user_id?: unknown } }>(app, {
    operationId: 'create_embed_user',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const externalUserId = request.body.external_user_id;
      if (typeof externalUserId !== 'string') throw validationFailed([{ field: 'external_user_id', code: 'missing_field', message: 'external_user_id is required.' }]);
      const user = await embedCall(() => embed.createEmbedUser(externalUserId), 'external_user_id');
      return userPublicJson(user, base(request));
    },
  });
}
