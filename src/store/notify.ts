/**
 * Cross-node cache invalidation on PostgreSQL: every committed metadata write that hot paths cache
 * is announced with NOTIFY; every node LISTENs and bumps its local version (see `changes.ts`).
 * One dedicated connection per node does both. Should it drop, it reconnects; meanwhile cached
 * entries still expire on their own after a few seconds.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CHANGE_TOPICS, isChangeTopic, type ChangeTopic, type StoreChanges } from './changes.ts';

const CHANNEL = 'overlook_changes';
const RECONNECT_MS = 1000;

/** Starts listening; returns the function that stops it. */
export async function shareChanges(url: string, changes: StoreChanges): Promise<() => Promise<void>> {
  // Payload `<schema>|<node>|<topic>`: stores in other schemas of the same database and this node's
  // own announcements are ignored.
  const node = randomUUID();
  let client: pg.Client | null = null;
  let schema = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => undefined);
    c.on('end', () => {
      if (client === c) client = null;
      if (!stopped) timer = setTimeout(() => void connect().catch(() => undefined), RECONNECT_MS);
    });
    c.on('notification', (message) => {
      const [s, from, topic] = (message.payload ?? '').split('|');
      if (s !== schema || from === node || topic === undefined || !isChangeTopic(topic)) return;
      changes.external(topic);
    });
    await c.connect();
    const result = await c.query<{ schema: string | null }>('select current_schema() as schema');
    schema = result.rows[0]?.schema ?? '';
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
    // Writes other nodes made while this one was not listening: treat everything as changed.
    for (const topic of CHANGE_TOPICS) changes.external(topic);
  };
  await connect();

  changes.onPublish = (topic: ChangeTopic) => {
    client?.query('select pg_notify($1, $2)', [CHANNEL, `${schema}|${node}|${topic}`]).catch(() => undefined);
  };

  return async () => {
    stopped = true;
    clearTimeout(timer);
    changes.onPublish = undefined;
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
}
