/**
 * `Workspaces.peekModel`: production's model answered without resolving or loading once it has been
 * assembled at the deployed commit, and never a stale answer after a deploy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceModel } from './index.ts';
import { dev, newUser, ordersView, prod, pushFiles, setupEnv, type Env } from './test-support.ts';

let env: Env;
let alice = '';
let bob = '';

beforeAll(async () => {
  env = await setupEnv();
  await pushFiles(env.root, env.remote, 'feature', { 'views/orders.view.lkml': ordersView('feature') });
  alice = await newUser(env.store, 'Alice', 'Peek');
  bob = await newUser(env.store, 'Bob', 'Peek');
  await env.workspaces.createProject(dev(alice), { name: 'shop', git_remote_url: env.remote });
});

afterAll(async () => {
  await env.cleanup();
});

/** The SQL of the orders `ws` dimension in a found model: tells which commit it was built from. */
function wsOf(found: WorkspaceModel | null | undefined): string | undefined {
  return found?.model.views.orders?.fields.find((f) => f.name === 'ws')?.sql;
}

describe('peekModel', () => {
  it('knows nothing before production has been assembled, and never answers for dev', async () => {
    const ws = env.workspaces;
    expect(ws.peekModel(prod(alice), 'shop')).toBeUndefined();
    await ws.deployRefToProduction('shop', prod(alice), { branch: 'main' });
    expect(ws.peekModel(prod(alice), 'shop')).toBeUndefined();
    expect(await ws.model(dev(alice), 'shop')).not.toBeNull();
    expect(ws.peekModel(dev(alice), 'shop')).toBeUndefined();
  });

  it('answers what model() answered once production was loaded, for every production caller', async () => {
    const ws = env.workspaces;
    const loaded = await ws.model(prod(alice), 'shop');
    expect(loaded).not.toBeNull();
    const peeked = ws.peekModel(prod(bob), 'shop');
    expect(peeked?.loaded).toBe(loaded?.loaded);
    expect(peeked?.model).toBe(loaded?.model);
    expect(peeked?.project.id).toBe('shop');
    expect(wsOf(peeked)).toContain("'prod'");
    // A model no deployed project defines, and one outside the caller's model set: none, at once.
    expect(ws.peekModel(prod(bob), 'nothing')).toBeNull();
    expect(ws.peekModel({ ...prod(bob), models: new Set(['other']) }, 'shop')).toBeNull();
    expect(ws.peekModel(dev(bob), 'shop')).toBeUndefined();
  });

  it('after a deploy answers nothing until the new commit is assembled, then the new content', async () => {
    const ws = env.workspaces;
    const before = ws.peekModel(prod(alice), 'shop');
    expect(before).toBeDefined();
    await ws.deployRefToProduction('shop', prod(alice), { branch: 'feature' });
    expect(ws.peekModel(prod(alice), 'shop')).toBeUndefined();
    // The new project list is read (the new deployed commit), production not yet assembled at it.
    expect((await ws.allProjects()).find((p) => p.id === 'shop')?.deployed_commit).not.toBeNull();
    expect(ws.peekModel(prod(alice), 'shop')).toBeUndefined();
    const after = await ws.model(prod(bob), 'shop');
    expect(wsOf(after)).toContain("'feature'");
    const peeked = ws.peekModel(prod(alice), 'shop');
    expect(peeked?.loaded).toBe(after?.loaded);
    expect(peeked?.loaded).not.toBe(before?.loaded);
  });
});
