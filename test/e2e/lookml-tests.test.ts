/**
 * Issue 6, LookML data tests end to end: `test:` blocks in a git-hosted project listed and run
 * through the unmodified official @looker/sdk-node in the token's workspace — passing in
 * production, failing on a dev branch whose LookML changed — in Looker's response shapes and
 * the way Spectacles' `assert` validator calls them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ILookmlTest, ILookmlTestResult, Looker40SDK } from '@looker/sdk';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { pushFiles } from '../../src/workspaces/test-support.ts';
import { ordersView, SHOP_MODEL, startQueryFixture, type QueryFixture } from './support.ts';

const TESTS = [
  'test: order_count_is_100 {',                                          // 1
  '  explore_source: orders { column: count { field: orders.count } }',  // 2
  '  assert: one_hundred_orders { expression: ${orders.count} = 100 ;; }',
  '}',
  'test: amounts_are_positive {',                                        // 5
  '  explore_source: orders {',
  '    column: id {}',
  '    column: total_amount {}',
  '  }',
  '  assert: amount_positive { expression: ${orders.total_amount} > 0 ;; }',
  '  assert: id_in_range { expression: ${orders.id} >= 1 AND ${orders.id} <= 100 ;; }',
  '}',
  'test: complete_orders {',                                             // 13
  '  explore_source: orders {',
  '    column: status {}',
  '    column: count {}',
  '    filters: [orders.status: "complete"]',
  '  }',
  '  assert: thirty_three { expression: ${orders.count} = 33 ;; }',
  '}',
  '',
].join('\n');

/** Only on the branch: proves the branch's LookML (its `label`) is what the test reads. */
const BRANCH_TEST = [
  'test: labels_say_feature {',                                          // 22
  '  explore_source: orders { column: label {} column: count {} }',
  '  assert: label_is_feature { expression: ${orders.label} = "feature" ;; }',
  '}',
  '',
].join('\n');

const targets: { name: 'sqlite' | 'postgres' }[] = [{ name: 'sqlite' }, { name: 'postgres' }];

describe.each(targets)('LookML data tests through the API on $name metadata', (target) => {
  let fx: QueryFixture;
  let prod: Looker40SDK;
  let dev: Looker40SDK;
  let failingAmounts = 0;

  /** What Spectacles' assert validator does: list, then run each test by model and name. */
  async function spectaclesAssert(s: Looker40SDK): Promise<Map<string, ILookmlTestResult>> {
    const tests = await s.ok(s.all_lookml_tests('shop'));
    const out = new Map<string, ILookmlTestResult>();
    for (const t of tests) {
      expect(t.file!.split('/', 2)[1]).toBeTruthy();
      const results = await s.ok(s.run_lookml_test({ project_id: 'shop', model: t.model_name!, test: t.name! }));
      assertResponseMatchesSpec('run_lookml_test', 200, results);
      expect(results).toHaveLength(1);
      const r = results[0]!;
      expect(r.test_name).toBe(t.name);
      for (const e of r.errors ?? []) expect(Object.keys(e)).toEqual(expect.arrayContaining(['model_id', 'explore', 'message']));
      out.set(t.name!, r);
    }
    return out;
  }

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture(target.name, 'e2e_lookml_tests', { connection: true });
    const model = `${SHOP_MODEL}include: "/tests/*.lkml"\n`;
    await pushFiles(fx.root, fx.remote, 'main', { 'shop.model.lkml': model, 'tests/orders.lkml': TESTS });
    await pushFiles(fx.root, fx.remote, 'feature', {
      'orders.view.lkml': ordersView('feature').replace('sql: ${TABLE}.amount ;;', 'sql: ${TABLE}.amount - 50 ;;'),
      'tests/orders.lkml': TESTS + BRANCH_TEST,
    });
    const admin = fx.sdk();
    await admin.ok(admin.update_session({ workspace_id: 'dev' }));
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    prod = fx.sdk();
    dev = fx.sdk();
    await dev.ok(dev.update_session({ workspace_id: 'dev' }));
    await dev.ok(dev.update_git_branch('shop', { name: 'feature' }));
    const [row] = await fx.direct('SELECT count(*)::INTEGER AS n FROM orders WHERE amount - 50 <= 0');
    failingAmounts = Number(row!.n);
  });

  afterAll(async () => {
    await fx.close();
  });

  it('lists the tests of the production workspace in Looker\'s LookmlTest shape', async () => {
    const tests = await prod.ok(prod.all_lookml_tests('shop'));
    assertResponseMatchesSpec('all_lookml_tests', 200, tests, { rejectUnknown: true });
    expect(tests.map((t: ILookmlTest) => [t.model_name, t.name, t.explore_name, t.file, t.line])).toEqual([
      ['shop', 'order_count_is_100', 'orders', 'shop/tests/orders.lkml', 1],
      ['shop', 'amounts_are_positive', 'orders', 'shop/tests/orders.lkml', 5],
      ['shop', 'complete_orders', 'orders', 'shop/tests/orders.lkml', 13],
    ]);
    const complete = new URLSearchParams(tests[2]!.query_url_params);
    expect(complete.get('fields')).toBe('orders.status,orders.count');
    expect(complete.get('f[orders.status]')).toBe('complete');
    expect(complete.get('limit')).toBe('500');
    expect(JSON.parse(complete.get('dynamic_fields')!)).toEqual([
      { table_calculation: 'looker_assert_thirty_three', label: 'Thirty Three', expression: '${orders.count} = 33' },
    ]);
    expect(await prod.ok(prod.all_lookml_tests('shop', 'shop/tests/orders.lkml'))).toHaveLength(3);
    expect(await prod.ok(prod.all_lookml_tests('shop', 'tests/orders.lkml'))).toHaveLength(3);
    expect(await prod.ok(prod.all_lookml_tests('shop', 'shop.model.lkml'))).toEqual([]);
  });

  it('passes every test in production, run one by one as Spectacles does and all at once', async () => {
    const results = await spectaclesAssert(prod);
    expect([...results.values()].map((r) => [r.test_name, r.success, r.assertions_count, r.assertions_failed, r.errors])).toEqual([
      ['order_count_is_100', true, 1, 0, []],
      ['amounts_are_positive', true, 2, 0, []],
      ['complete_orders', true, 1, 0, []],
    ]);
    const all = await prod.ok(prod.run_lookml_test({ project_id: 'shop' }));
    assertResponseMatchesSpec('run_lookml_test', 200, all, { rejectUnknown: true });
    expect(all.map((r) => [r.model_name, r.test_name, r.success])).toEqual([
      ['shop', 'order_count_is_100', true], ['shop', 'amounts_are_positive', true], ['shop', 'complete_orders', true],
    ]);
  });

  it('runs a dev token\'s tests on its checked-out branch: the changed measure fails, with Looker\'s error shape', async () => {
    const listed = await dev.ok(dev.all_lookml_tests('shop'));
    expect(listed.map((t) => t.name)).toEqual(['order_count_is_100', 'amounts_are_positive', 'complete_orders', 'labels_say_feature']);
    const results = await spectaclesAssert(dev);
    expect([...results.values()].map((r) => [r.test_name, r.success])).toEqual([
      ['order_count_is_100', true], ['amounts_are_positive', false], ['complete_orders', true], ['labels_say_feature', true],
    ]);
    const failed = results.get('amounts_are_positive')!;
    expect(failed).toMatchObject({ model_name: 'shop', assertions_count: 2, assertions_failed: 1, warnings: [] });
    expect(failed.errors).toEqual([{
      code: null,
      severity: 'error',
      kind: null,
      message: 'Assertion "amount_positive" failed: expression evaluated to "No".',
      field_name: 'orders.total_amount',
      file_path: 'shop/tests/orders.lkml',
      line_number: 5,
      model_id: 'shop',
      explore: 'orders',
      help_url: null,
      params: {
        __FILE: 'shop/tests/orders.lkml', __LINE_NUM: 5, model_id: 'shop', explore: 'orders', field_name: 'orders.total_amount',
        level: 'error', assert: 'amount_positive', failed_rows: failingAmounts, rows: 100,
      },
      sanitized_message: 'Assertion "(?)" failed: expression evaluated to "No".',
    }]);
    expect(failingAmounts).toBeGreaterThan(0);
  });

  it('keeps production on the deployed commit while a dev token tests a branch, until the branch is deployed', async () => {
    const [prodRun, devRun] = await Promise.all([
      prod.ok(prod.run_lookml_test({ project_id: 'shop', model: 'shop', test: 'amounts_are_positive' })),
      dev.ok(dev.run_lookml_test({ project_id: 'shop', model: 'shop', test: 'amounts_are_positive' })),
    ]);
    expect([prodRun[0]!.success, devRun[0]!.success]).toEqual([true, false]);
    expect((await prod.ok(prod.all_lookml_tests('shop'))).map((t) => t.name)).not.toContain('labels_say_feature');

    await dev.ok(dev.deploy_ref_to_production({ project_id: 'shop', branch: 'feature' }));
    const after = await prod.ok(prod.run_lookml_test({ project_id: 'shop' }));
    expect(after.map((r) => [r.test_name, r.success])).toEqual([
      ['order_count_is_100', true], ['amounts_are_positive', false], ['complete_orders', true], ['labels_say_feature', true],
    ]);
    await dev.ok(dev.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
  });

  it('refuses a deploy whose data tests fail when the project requires them, with the failing test at file:line', async () => {
    const project = await dev.ok(dev.update_project('shop', { data_tests_required: true } as Record<string, unknown>));
    expect((project as Record<string, unknown>).data_tests_required).toBe(true);
    const refused = await fx.raw(dev, 'POST', '/projects/shop/deploy_ref_to_production?branch=feature');
    expect(refused.status).toBe(422);
    const body = await refused.json() as { message: string; errors: { field: string; message: string }[] };
    expect(body.message).toMatch(/Data tests of commit [0-9a-f]{12} failed/);
    expect(body.errors).toEqual([expect.objectContaining({ field: 'tests/orders.lkml:5:1' })]);
    expect(body.errors[0]!.message).toMatch(/^Data test "amounts_are_positive" \(model shop\) failed: Assertion "amount_positive" failed/);
    // Production stayed where it was: its tests still pass and the branch-only test is not there.
    expect((await prod.ok(prod.all_lookml_tests('shop'))).map((t) => t.name)).not.toContain('labels_say_feature');
    // A commit whose tests pass deploys as usual; without the setting the failing one deploys too.
    await dev.ok(dev.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    await dev.ok(dev.update_project('shop', { data_tests_required: false } as Record<string, unknown>));
    await dev.ok(dev.deploy_ref_to_production({ project_id: 'shop', branch: 'feature' }));
    expect((await prod.ok(prod.all_lookml_tests('shop'))).map((t) => t.name)).toContain('labels_say_feature');
    await dev.ok(dev.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
  });

  it('answers 404 for a test or model that does not exist', async () => {
    for (const query of ['?test=no_such_test', '?model=nope&test=order_count_is_100']) {
      const res = await fx.raw(prod, 'GET', `/projects/shop/lookml_tests/run${query}`);
      expect(res.status).toBe(404);
      const body = await res.json() as { message: string };
      assertResponseMatchesSpec('run_lookml_test', 404, body);
      expect(body.message).toMatch(/^Data test "(no_such_test|order_count_is_100)" not found/);
    }
    const missing = await fx.raw(prod, 'GET', '/projects/nope/lookml_tests');
    expect(missing.status).toBe(404);
  });
});
