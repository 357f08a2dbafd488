/**
 * Dashboard elements, filters, layouts and layout components, plus one Overlook extension: the
 * query a dashboard element runs with dashboard filter values applied (Looker has no API call for
 * it; its UI does this internally). The web UI and the renderer call that extension — or
 * `DashboardParts.elementQuery` directly — and run the answer with `run_query`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseDashboardFilters } from '../../content/dashboards-logic.ts';
import { searchRows, type SearchSpec } from '../../content/dashboards-search.ts';
import type { DashboardDetail } from '../../content/dashboards-types.ts';
import type { Who } from '../../content/dashboards.ts';
import { EXTENSION_TAG } from '../openapi.ts';
import { componentJson, elementJson, filterJson, layoutJson } from '../presenters/dashboards.ts';
import { registerLookerRoute } from '../route.ts';
import { lookerSpec, type OasSchema, type SpecOperation } from '../spec.ts';
import { content, jsonContext, readPermission, whoOf, type DashboardRouteDeps } from './dashboards-context.ts';
import { queryJson } from './queries.ts';
import { baseUrl } from '../core-routes.ts';

const json = (schema: OasSchema): { content: Record<string, { schema: OasSchema }> } => ({ content: { 'application/json': { schema } } });

export const ELEMENT_QUERY_OPERATION: SpecOperation = {
  operationId: 'overlook_dashboard_element_query',
  method: 'GET',
  specPath: '/dashboard_elements/{dashboard_element_id}/query',
  operation: {
    operationId: 'overlook_dashboard_element_query',
    tags: [EXTENSION_TAG],
    summary: 'The query a dashboard element runs, with the dashboard filters applied',
    description: 'Merges the dashboard filter values (each filter\'s default, replaced by `dashboard_filters`) into the element\'s query '
      + 'through its listen entries, stores the result as a query object and returns it: run it with run_query(id). '
      + 'Works on user-defined and LookML dashboard elements.',
    parameters: [
      { name: 'dashboard_element_id', in: 'path', required: true, schema: { type: 'string' }, description: 'Id of dashboard element' },
      {
        name: 'dashboard_filters', in: 'query', required: false, schema: { type: 'string' },
        description: 'Filter values by dashboard filter name, in URL query format (`Date=last 7 days&Country=US`), as render tasks take them',
      },
    ],
    responses: {
      '200': { description: 'Query', ...json({ $ref: '#/components/schemas/Query' }) },
      '400': { description: 'Bad Request', ...json({ $ref: '#/components/schemas/Error' }) },
      '404': { description: 'Not Found', ...json({ $ref: '#/components/schemas/Error' }) },
      '422': { description: 'Validation Error', ...json({ $ref: '#/components/schemas/ValidationError' }) },
    },
  },
};

/**
 * DashboardElement as a request body, except that `result_maker.filterables[].listen` is writable:
 * the spec marks it read-only, yet it is how Looker's clients say which dashboard filters a tile
 * listens to (and Looker honours it), so it must not be stripped.
 */
function elementBodySchema(): OasSchema {
  const schemas = lookerSpec().components.schemas;
  const element = schemas.DashboardElement;
  const resultMaker = schemas.ResultMakerWithIdVisConfigAndDynamicFields;
  const filterable = schemas.ResultMakerFilterables;
  if (!element?.properties || !resultMaker?.properties || !filterable?.properties) throw new Error('DashboardElement schemas missing from the Looker spec');
  const listen = filterable.properties.listen;
  const filterables = resultMaker.properties.filterables;
  return {
    ...element,
    properties: {
      ...element.properties,
      result_maker: {
        ...resultMaker,
        properties: {
          ...resultMaker.properties,
          filterables: { ...filterables, items: { ...filterable, properties: { ...filterable.properties, listen: { ...listen, readOnly: false } } } },
        },
      },
    },
  };
}

const ELEMENT_SEARCH: SearchSpec = {
  params: { dashboard_id: 'integer', look_id: 'integer', title: 'string', deleted: 'boolean' },
  sortable: ['id', 'dashboard_id', 'look_id', 'title', 'type'],
};

export function registerDashboardPartRoutes(app: FastifyInstance, deps: DashboardRouteDeps): void {
  const { dashboards, parts } = deps;
  const ctxOf = (request: FastifyRequest, who: Who, detail: DashboardDetail): ReturnType<typeof jsonContext> => jsonContext(deps, request, who, [], [detail]);
  const partWho = (request: FastifyRequest, id: string): Who => whoOf(request, readPermission(id));
  const elementBody = elementBodySchema();

  // Elements ------------------------------------------------------------------------------------------
  registerLookerRoute<{ Params: { dashboard_id: string } }>(app, {
    operationId: 'dashboard_dashboard_elements',
    handler: async (request) => {
      const who = partWho(request, request.params.dashboard_id);
      const detail = await content(() => dashboards.detail(who, request.params.dashboard_id));
      const ctx = await ctxOf(request, who, detail);
      return detail.elements.map((e) => elementJson(e, detail.view, ctx));
    },
  });

  registerLookerRoute<{ Params: { dashboard_element_id: string } }>(app, {
    operationId: 'dashboard_element',
    handler: async (request) => {
      const who = partWho(request, request.params.dashboard_element_id);
      const { detail, element } = await content(() => parts.element(who, request.params.dashboard_element_id));
      return elementJson(element, detail.view, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Querystring: Record<string, unknown> }>(app, {
    operationId: 'search_dashboard_elements',
    handler: async (request) => {
      const who = whoOf(request, 'see_user_dashboards');
      // Elements have no trash of their own: `deleted` selects those of dashboards in the trash.
      const deleted = request.query.deleted === true || request.query.deleted === 'true';
      const views = await content(() => dashboards.search(who, { deleted: deleted ? 'true' : 'false' }));
      const details = await content(() => Promise.all(views.map((v) => dashboards.detail(who, v.record.id))));
      const ctx = await jsonContext(deps, request, who, [], details);
      const rows = details.flatMap((d) => d.elements.map((e) => ({ d, e })));
      const found = await content(() => Promise.resolve().then(() => searchRows(rows, ({ d, e }) => ({ ...e.record, deleted: d.view.record.deleted }), ELEMENT_SEARCH, request.query)));
      return found.map(({ d, e }) => elementJson(e, d.view, ctx));
    },
  });

  registerLookerRoute<{ Querystring: { apply_filters?: boolean }; Body: Record<string, unknown> }>(app, {
    operationId: 'create_dashboard_element',
    schema: { body: elementBody },
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      const made = await content(() => parts.createElement(who, request.body, { applyFilters: request.query.apply_filters === true }));
      const { detail, element } = await content(() => parts.element(who, made.record.id));
      return elementJson(element, detail.view, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Params: { dashboard_element_id: string }; Body: Record<string, unknown> }>(app, {
    operationId: 'update_dashboard_element',
    schema: { body: elementBody },
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      const updated = await content(() => parts.updateElement(who, request.params.dashboard_element_id, request.body));
      const { detail, element } = await content(() => parts.element(who, updated.record.id));
      return elementJson(element, detail.view, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Params: { dashboard_element_id: string } }>(app, {
    operationId: 'delete_dashboard_element',
    handler: async (request, reply) => {
      const who = whoOf(request, 'save_content');
      await content(() => parts.deleteElement(who, request.params.dashboard_element_id));
      return reply.code(204).send();
    },
  });

  registerLookerRoute<{ Params: { dashboard_element_id: string }; Querystring: { dashboard_filters?: string } }>(app, {
    operationId: ELEMENT_QUERY_OPERATION.operationId,
    extension: ELEMENT_QUERY_OPERATION,
    handler: async (request) => {
      const id = request.params.dashboard_element_id;
      whoOf(request, 'access_data');
      const who = whoOf(request, readPermission(id));
      const result = await content(() => parts.elementQuery(who, id, parseDashboardFilters(request.query.dashboard_filters)));
      return queryJson(result.stored, baseUrl(request, deps.publicUrl));
    },
  });

  // Filters -------------------------------------------------------------------------------------------
  registerLookerRoute<{ Params: { dashboard_id: string } }>(app, {
    operationId: 'dashboard_dashboard_filters',
    handler: async (request) => {
      const who = partWho(request, request.params.dashboard_id);
      const detail = await content(() => dashboards.detail(who, request.params.dashboard_id));
      const ctx = await ctxOf(request, who, detail);
      return detail.filters.map((f) => filterJson(f, detail.view, ctx));
    },
  });

  registerLookerRoute<{ Params: { dashboard_filter_id: string } }>(app, {
    operationId: 'dashboard_filter',
    handler: async (request) => {
      const who = partWho(request, request.params.dashboard_filter_id);
      const { detail, filter } = await content(() => parts.filter(who, request.params.dashboard_filter_id));
      return filterJson(filter, detail.view, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Body: Record<string, unknown> }>(app, {
    operationId: 'create_dashboard_filter',
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      const made = await content(() => parts.createFilter(who, request.body));
      const { detail, filter } = await content(() => parts.filter(who, made.id));
      return filterJson(filter, detail.view, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Params: { dashboard_filter_id: string }; Body: Record<string, unknown> }>(app, {
    operationId: 'update_dashboard_filter',
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      const updated = await content(() => parts.updateFilter(who, request.params.dashboard_filter_id, request.body));
      const { detail, filter } = await content(() => parts.filter(who, updated.id));
      return filterJson(filter, detail.view, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Params: { dashboard_filter_id: string } }>(app, {
    operationId: 'delete_dashboard_filter',
    handler: async (request, reply) => {
      const who = whoOf(request, 'save_content');
      await content(() => parts.deleteFilter(who, request.params.dashboard_filter_id));
      return reply.code(204).send();
    },
  });

  // Layouts -------------------------------------------------------------------------------------------
  registerLookerRoute<{ Params: { dashboard_id: string } }>(app, {
    operationId: 'dashboard_dashboard_layouts',
    handler: async (request) => {
      const who = partWho(request, request.params.dashboard_id);
      const detail = await content(() => dashboards.detail(who, request.params.dashboard_id));
      const ctx = await ctxOf(request, who, detail);
      return detail.layouts.map((l) => layoutJson(l, detail, ctx));
    },
  });

  registerLookerRoute<{ Params: { dashboard_layout_id: string } }>(app, {
    operationId: 'dashboard_layout',
    handler: async (request) => {
      const who = partWho(request, request.params.dashboard_layout_id);
      const { detail, layout } = await content(() => parts.layout(who, request.params.dashboard_layout_id));
      return layoutJson(layout, detail, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Body: Record<string, unknown> }>(app, {
    operationId: 'create_dashboard_layout',
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      const made = await content(() => parts.createLayout(who, request.body));
      const { detail, layout } = await content(() => parts.layout(who, made.id));
      return layoutJson(layout, detail, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Params: { dashboard_layout_id: string }; Body: Record<string, unknown> }>(app, {
    operationId: 'update_dashboard_layout',
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      const updated = await content(() => parts.updateLayout(who, request.params.dashboard_layout_id, request.body));
      const { detail, layout } = await content(() => parts.layout(who, updated.id));
      return layoutJson(layout, detail, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Params: { dashboard_layout_id: string } }>(app, {
    operationId: 'delete_dashboard_layout',
    handler: async (request, reply) => {
      const who = whoOf(request, 'save_content');
      await content(() => parts.deleteLayout(who, request.params.dashboard_layout_id));
      return reply.code(204).send();
    },
  });

  registerLookerRoute<{ Params: { dashboard_layout_id: string } }>(app, {
    operationId: 'dashboard_layout_dashboard_layout_components',
    handler: async (request) => {
      const who = partWho(request, request.params.dashboard_layout_id);
      const { detail, layout } = await content(() => parts.layout(who, request.params.dashboard_layout_id));
      const ctx = await ctxOf(request, who, detail);
      return layout.components.map((c) => componentJson(c, detail, ctx));
    },
  });

  registerLookerRoute<{ Params: { dashboard_layout_component_id: string } }>(app, {
    operationId: 'dashboard_layout_component',
    handler: async (request) => {
      const who = partWho(request, request.params.dashboard_layout_component_id);
      const { detail, component } = await content(() => parts.component(who, request.params.dashboard_layout_component_id));
      return componentJson(component, detail, await ctxOf(request, who, detail));
    },
  });

  registerLookerRoute<{ Params: { dashboard_layout_component_id: string }; Body: Record<string, unknown> }>(app, {
    operationId: 'update_dashboard_layout_component',
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      const updated = await content(() => parts.updateComponent(who, request.params.dashboard_layout_component_id, request.body));
      const { detail, component } = await content(() => parts.component(who, updated.id));
      return componentJson(component, detail, await ctxOf(request, who, detail));
    },
  });
}
