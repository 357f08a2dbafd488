/**
 * Which web UI pages another site may show in a frame. Looker keeps its pages same-origin in frames
 * (against clickjacking) with two exceptions: embed pages (`/embed/…`, and the `/login/embed/…`
 * that leads to them) and, when `embed_config.strict_sameorigin_for_login` is false, the login page,
 * which private embedding shows in the frame before the content ("Same-Origin Protections for
 * Looker Login Pages", https://cloud.google.com/looker/docs/admin-panel-platform-embed). The page
 * then goes on to its `return_to` inside the same document, so no other page needs framing.
 */
import type { FastifyInstance } from 'fastify';
import type { EmbedService } from '../../embed/service.ts';
import type { RoutePlugin } from '../app.ts';

/** Pages any site may frame. */
const FRAMEABLE = /^\/(?:embed|login\/embed)\//;
/** The web UI's sign-in page. */
export const LOGIN_PAGE = '/login';

const SAME_ORIGIN = { 'content-security-policy': "frame-ancestors 'self'", 'x-frame-options': 'SAMEORIGIN' } as const;

/** A root-scope plugin: its hook sees the web UI's documents, however they are served (static or fallback). */
export function embedFramingPolicy(embed: EmbedService): RoutePlugin {
  const plugin = (app: FastifyInstance): void => {
    // Callback style, deciding synchronously where it can: only the login page reads the setting.
    app.addHook('onSend', (request, reply, payload, done) => {
      const type = reply.getHeader('content-type');
      if ((request.method !== 'GET' && request.method !== 'HEAD') || typeof type !== 'string' || !type.startsWith('text/html')) {
        done(null, payload);
        return;
      }
      const q = request.url.indexOf('?');
      const path = q < 0 ? request.url : request.url.slice(0, q);
      if (FRAMEABLE.test(path)) {
        done(null, payload);
        return;
      }
      if (path !== LOGIN_PAGE && path !== `${LOGIN_PAGE}/`) {
        reply.headers(SAME_ORIGIN);
        done(null, payload);
        return;
      }
      embed.flags().then((flags) => {
        if (flags.strict_sameorigin_for_login) reply.headers(SAME_ORIGIN);
        done(null, payload);
      }, (error: unknown) => {
        // Unknown setting: the safe answer is the strict one.
        request.log.warn({ err: error }, 'embed settings unreadable; login page kept same-origin');
        reply.headers(SAME_ORIGIN);
        done(null, payload);
      });
    });
  };
  return Object.assign(plugin, { rootScope: true as const });
}
