// Child process for the SIGTERM test (server.test.ts): a server whose `GET /user` takes
// SLOW_MS to answer, and whose ApiDeps.close prints a marker so the parent sees the shutdown order.
import { registerLookerRoute } from '../route.ts';
import { startServer } from '../server.ts';
import { fakeDeps } from '../test-support.ts';

const deps = fakeDeps();
const token = deps.issue('1');
const slowMs = Number(process.env.SLOW_MS ?? '500');
const server = await startServer({
  port: 0,
  deps: {
    authenticate: (raw) => deps.authenticate(raw),
    close: () => {
      process.stdout.write('deps closed\n');
    },
  },
  plugins: [
    (api) => {
      registerLookerRoute(api, {
        operationId: 'me',
        handler: async () => {
          process.stdout.write('handler started\n');
          await new Promise((resolve) => setTimeout(resolve, slowMs));
          return { id: '1' };
        },
      });
    },
  ],
});
process.stdout.write(`${JSON.stringify({ url: server.url, token })}\n`);
