import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreChanges, VersionedCache } from './changes.ts';
import type { Store } from './index.ts';
import { createTestDatabase, type TestDatabase } from './test-support.ts';

describe('VersionedCache', () => {
  it('answers from memory until a topic it depends on changes or the entry is too old', async () => {
    const changes = new StoreChanges();
    const cache = new VersionedCache<number>(changes, ['connections'], { maxAgeMs: 50 });
    let reads = 0;
    const load = (): Promise<number> => Promise.resolve(++reads);
    expect(await cache.get('k', load)).toBe(1);
    expect(await cache.get('k', load)).toBe(1);
    changes.bump('projects');
    expect(await cache.get('k', load)).toBe(1);
    changes.bump('connections');
    expect(await cache.get('k', load)).toBe(2);
    changes.external('connections');
    expect(await cache.get('k', load)).toBe(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(await cache.get('k', load)).toBe(4);
  });

  it('does not keep a value read while a write committed', async () => {
    const changes = new StoreChanges();
    const cache = new VersionedCache<string>(changes, ['projects']);
    // The write lands during the read: the value read may be old, so it must not be reused.
    expect(await cache.get('k', () => {
      changes.bump('projects');
      return Promise.resolve('old');
    })).toBe('old');
    expect(await cache.get('k', () => Promise.resolve('new'))).toBe('new');
  });
});

describe('change bumps wait for the commit (SQLite store)', () => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'changes');
    store = await db.open();
  });
  afterAll(async () => {
    await store.close();
    await db.cleanup();
  });

  it('bumps after store.transaction commits, and not at all when it rolls back', async () => {
    const before = store.changes.version('projects');
    await store.transaction(async (tx) => {
      await tx.projects.createProject({ id: 'p1', git_remote_url: '/tmp/r.git', hosted: true });
      expect(store.changes.version('projects')).toBe(before);
    });
    expect(store.changes.version('projects')).toBe(before + 1);
    await expect(store.transaction(async (tx) => {
      await tx.projects.createProject({ id: 'p2', git_remote_url: '/tmp/r.git', hosted: true });
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(store.changes.version('projects')).toBe(before + 1);
    expect(await store.projects.project('p2')).toBeNull();
  });

  it('bumps the topic each write touches', async () => {
    const v = (t: 'projects' | 'connections' | 'model_configs'): number => store.changes.version(t);
    const [p, c, m] = [v('projects'), v('connections'), v('model_configs')];
    await store.projects.putModelConfig({ name: 'm', project_name: 'p1', allowed_db_connection_names: [], unlimited_db_connections: true, label: null });
    expect([v('projects'), v('connections'), v('model_configs')]).toEqual([p, c, m + 1]);
    await store.projects.updateProject('p1', { git_remote_url: 'x' });
    expect(v('projects')).toBe(p + 1);
  });
});
