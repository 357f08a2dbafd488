/**
 * Issue 5 isolation under load: 200 tokens of 8 users run queries whose result reveals the workspace
 * they were answered from, while every token switches between production and dev and every user's
 * dev copy switches branches. A production token must always see production; a dev token only its
 * own user's dev copy. Zero wrong answers in 20,000 requests. (The bench soaks the same load longer:
 * bench/tasks/isolation.ts.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeLoadUsers, runIsolationLoad, urlTarget, type LoadTarget, type LoadUser } from './isolation-load.ts';
import { ordersView, QUERY_ADMIN, startQueryFixture, type QueryFixture } from './support.ts';

const USERS = 8;
const TOKENS_PER_USER = 25;
const REQUESTS = 20_000;

describe('workspace isolation under load', () => {
  let fx: QueryFixture;
  let target: LoadTarget;
  let users: LoadUser[] = [];

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture('sqlite', 'unused', { connection: true });
    target = urlTarget([fx.server.url]);
    const admin = await target.login(0, QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_ID, QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET);
    users = await makeLoadUsers(target, admin, { project: 'shop', viewPath: 'orders.view.lkml', view: ordersView }, USERS, 'Load');
  }, 120_000);

  afterAll(async () => {
    await fx.close();
  });

  it('answers 20,000 requests from 200 switching tokens with zero wrong workspaces', async () => {
    const outcome = await runIsolationLoad(target, users, {
      tokensPerUser: TOKENS_PER_USER, requests: REQUESTS, productionLabel: 'prod',
      query: { model: 'shop', view: 'orders', fields: ['orders.label'], limit: '1' }, labelField: 'orders.label',
    });
    expect(outcome.failures).toEqual([]);
    expect(outcome.wrong).toBe(0);
    expect(outcome.failedSwitches).toBe(0);
    expect(outcome.tokens).toBe(USERS * TOKENS_PER_USER);
    expect(outcome.sent).toBeGreaterThanOrEqual(REQUESTS);
    // Both kinds of switch really happened while the queries ran.
    expect(outcome.sessionSwitches).toBeGreaterThan(REQUESTS / 20);
    expect(outcome.branchSwitches).toBeGreaterThan(USERS);
  }, 400_000);
});
