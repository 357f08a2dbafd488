/**
 * The name a worker writes into the rows it holds (query and render task leases). It starts with
 * this machine's name (or OVERLOOK_NODE_ID), so an operator can tell which node holds a task, and
 * ends with random bytes, so a node restarted under the same name never mistakes its previous
 * life's leases for its own.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function workerNodeId(): string {
  const name = (process.env.OVERLOOK_NODE_ID ?? hostname()).replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
  return `${name}.${randomBytes(6).toString('hex')}`;
}
