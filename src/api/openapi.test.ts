import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { registerLookerRoute } from './route.ts';
import { lookerSpec } from './spec.ts';
import type { OasDocument } from './spec.ts';
import { fakeDeps } from './test-support.ts';

let app: FastifyInstance;
let doc: OasDocument;

function refsIn(node: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) for (const n of node) refsIn(n, into);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') into.add(v);
      else refsIn(v, into);
    }
  }
  return into;
}

beforeAll(async () => {
  app = buildApp(fakeDeps(), {
    plugins: [
      (api) => {
        for (const operationId of ['session', 'update_session', 'all_dashboards', 'lookml_model_explore']) {
          registerLookerRoute(api, { operationId, handler: () => ({}) });
        }
      },
    ],
  });
  const res = await app.inject({ url: '/api/4.0/openapi.json', headers: { host: 'h:1' } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  doc = res.json();
});
afterAll(() => app.close());

describe('/api/4.0/openapi.json', () => {
  it('lists exactly the registered operations, verbatim from the Looker spec', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => `${method} ${path} ${op.operationId}`));
    expect(ops.sort()).toEqual([
      'get /dashboards all_dashboards',
      'get /lookml_models/{lookml_model_name}/explores/{explore_name} lookml_model_explore',
      'get /session session',
      'get /versions versions',
      'patch /session update_session',
    ]);
    expect(doc.paths['/session']?.patch).toEqual(lookerSpec().paths['/session']?.patch);
    expect(doc.openapi).toBe('3.0.0');
    expect(doc.servers).toEqual([{ url: 'http://h:1/api/4.0' }]);
    expect(doc.tags?.map((t) => t.name).sort()).toEqual(['Config', 'Dashboard', 'LookmlModel', 'Session']);
  });

  it('carries every schema reachable from those operations, and no other', () => {
    const schemas = doc.components.schemas;
    for (const ref of refsIn(doc)) {
      expect(ref.startsWith('#/components/schemas/')).toBe(true);
      expect(schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
    const used = new Set([...refsIn(doc)].map((r) => r.slice('#/components/schemas/'.length)));
    expect(Object.keys(schemas).sort()).toEqual([...used].sort());
    // Transitive: LookmlModelExplore → LookmlModelExploreFieldset → LookmlModelExploreField → …
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['ApiSession', 'ApiVersion', 'ApiVersionElement', 'DashboardBase', 'Error', 'LookmlModelExplore', 'LookmlModelExploreField', 'ValidationError', 'ValidationErrorDetail']));
    for (const [name, schema] of Object.entries(schemas)) expect(schema).toEqual(lookerSpec().components.schemas[name]);
  });

  it('is public', async () => {
    expect((await app.inject({ url: '/api/4.0/openapi.json' })).statusCode).toBe(200);
  });
});
