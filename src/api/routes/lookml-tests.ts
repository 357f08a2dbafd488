/**
 * LookML data tests (`/projects/{id}/lookml_tests…`): listed and run in the calling token's
 * workspace, so a dev token on a branch tests that branch's LookML against the warehouse.
 * Shapes follow Looker's LookmlTest / LookmlTestResult (what Spectacles' `assert` reads).
 */
import type { FastifyInstance } from 'fastify';
import type { ConnectionManager } from '../../connections/manager.ts';
import { findDataTests, queryUrlParams, type DataTest, type DataTestScan } from '../../content/data-tests.ts';
import { runDataTest, type DataTestProblem, type DataTestResult } from '../../content/data-tests-run.ts';
import { runnerTestQueries } from '../../content/deploy-gate.ts';
import type { QueryRunner } from '../../queries/runner.ts';
import type { LoadedWorkspace, Workspaces } from '../../workspaces/index.ts';
import { requirePermission } from '../auth-context.ts';
import { ApiError } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { callerOf, ws } from './workspace-call.ts';

type ListRoute = { Params: { project_id: string }; Querystring: { file_id?: string } };
type RunRoute = { Params: { project_id: string }; Querystring: { file_id?: string; test?: string; model?: string } };

// Loaded workspaces are shared and immutable per content key, so their scan is too.
const scans = new WeakMap<LoadedWorkspace, DataTestScan>();

function scanOf(loaded: LoadedWorkspace): DataTestScan {
  let scan = scans.get(loaded);
  if (!scan) {
    scan = findDataTests(loaded.files, loaded.project);
    scans.set(loaded, scan);
  }
  return scan;
}

/** `file_id` as Looker's file ids (`project/path`) or as a bare project path. */
function inFile(test: DataTest, projectId: string, fileId: string | undefined): boolean {
  if (fileId === undefined || fileId === '') return true;
  return test.file === fileId || `${projectId}/${test.file}` === fileId;
}

/** Every (model, test) pair, ordered by model, file and position. */
function pairs(scan: DataTestScan, projectId: string, filter: { fileId?: string; test?: string; model?: string }): { test: DataTest; model: string }[] {
  const out: { test: DataTest; model: string }[] = [];
  for (const test of scan.tests) {
    if (!inFile(test, projectId, filter.fileId)) continue;
    if (filter.test !== undefined && filter.test !== '' && test.name !== filter.test) continue;
    for (const model of test.models) {
      if (filter.model !== undefined && filter.model !== '' && model !== filter.model) continue;
      out.push({ test, model });
    }
  }
  return out.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}

function lookmlTestJson(projectId: string, test: DataTest, model: string, loaded: LoadedWorkspace): Record<string, unknown> {
  return {
    can: {},
    model_name: model,
    name: test.name,
    explore_name: test.explore,
    query_url_params: queryUrlParams(test, loaded.project.models[model]),
    file: `${projectId}/${test.file}`,
    line: test.loc.line,
  };
}

function projectErrorJson(projectId: string, result: DataTestResult, p: DataTestProblem, severity: 'error' | 'warning'): Record<string, unknown> {
  const filePath = `${projectId}/${p.file}`;
  return {
    code: null,
    severity,
    kind: null,
    message: p.message,
    field_name: p.field ?? null,
    file_path: filePath,
    line_number: p.line,
    model_id: result.model,
    explore: result.test.explore,
    help_url: null,
    params: {
      __FILE: filePath, __LINE_NUM: p.line, model_id: result.model, explore: result.test.explore,
      field_name: p.field ?? null, level: severity,
      ...(p.assert === undefined ? {} : { assert: p.assert }),
      ...(p.failedRows === undefined ? {} : { failed_rows: p.failedRows, rows: p.rows ?? null }),
    },
    sanitized_message: p.sanitized,
  };
}

function lookmlTestResultJson(projectId: string, r: DataTestResult): Record<string, unknown> {
  return {
    can: {},
    model_name: r.model,
    test_name: r.test.name,
    assertions_count: r.assertionsCount,
    assertions_failed: r.assertionsFailed,
    errors: r.errors.map((p) => projectErrorJson(projectId, r, p, 'error')),
    warnings: r.warnings.map((p) => projectErrorJson(projectId, r, p, 'warning')),
    success: r.success,
  };
}

export function registerLookmlTestRoutes(app: FastifyInstance, workspaces: Workspaces, runner: QueryRunner, drivers: ConnectionManager): void {
  registerLookerRoute<ListRoute>(app, {
    operationId: 'all_lookml_tests',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'see_lookml');
      const projectId = request.params.project_id;
      const { loaded } = await workspaces.load(projectId, caller);
      const fileId = request.query.file_id;
      return pairs(scanOf(loaded), projectId, fileId === undefined ? {} : { fileId })
        .map(({ test, model }) => lookmlTestJson(projectId, test, model, loaded));
    }),
  });

  registerLookerRoute<RunRoute>(app, {
    operationId: 'run_lookml_test',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'see_lookml');
      requirePermission(request, 'access_data');
      const projectId = request.params.project_id;
      const { file_id: fileId, test, model } = request.query;
      const { loaded } = await workspaces.load(projectId, caller);
      const selected = pairs(scanOf(loaded), projectId, {
        ...(fileId === undefined ? {} : { fileId }),
        ...(test === undefined ? {} : { test }),
        ...(model === undefined ? {} : { model }),
      });
      if (selected.length === 0 && ((test ?? '') !== '' || (model ?? '') !== '')) {
        const what = (test ?? '') !== '' ? `Data test "${test}"` : 'A data test';
        throw new ApiError('not_found', { message: `${what} not found${(model ?? '') !== '' ? ` in model "${model}"` : ''} of project ${projectId}.` });
      }
      const queries = runnerTestQueries(runner, drivers, caller);
      const results: Record<string, unknown>[] = [];
      // One at a time: the tests share the caller's per-user query budget with their other queries.
      for (const { test: t, model: m } of selected) {
        results.push(lookmlTestResultJson(projectId, await runDataTest(t, loaded.project.models[m], m, queries(m))));
      }
      return results;
    }),
  });
}
