/**
 * The web UI's static bundle (built by `npm run build:web` into web/dist). Files are registered one
 * route each at start-up (no wildcard route), so unknown API paths keep their Looker 404/405 answers
 * and the single-page app's deep links fall back to index.html (see `installErrorHandling`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const DEFAULT_WEB_ROOT = join(import.meta.dirname, '..', '..', 'web', 'dist');

/** The built UI's folder, or null with the reason when it has not been built. */
export function findWebRoot(root = DEFAULT_WEB_ROOT): { root: string } | { missing: string } {
  return existsSync(join(root, 'index.html'))
    ? { root }
    : { missing: `The web UI is not built (${root}/index.html is missing): run \`npm run build:web\`.` };
}

export function registerWebUi(app: FastifyInstance, root: string): void {
  void app.register(fastifyStatic, {
    root,
    wildcard: false,
    // Hashed asset names never change content; index.html must always be revalidated.
    setHeaders: (res, path) => {
      void res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
