// The OpenAPI document Overlook serves: Looker's own operations and schemas, copied verbatim from
// Looker.4.0.oas.json, restricted to the operations this server actually implements.
import { lookerSpec, refName } from './spec.ts';
import type { OasDocument, OasOperation, OasSchema, SpecOperation } from './spec.ts';

function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') into.add(refName(value));
    else collectRefs(value, into);
  }
}

/** Every component schema reachable from the operations, following refs inside schemas too. */
function reachableSchemas(operations: readonly OasOperation[], all: Record<string, OasSchema>): Record<string, OasSchema> {
  const pending = new Set<string>();
  collectRefs(operations, pending);
  const done = new Map<string, OasSchema>();
  while (pending.size > 0) {
    const [name] = pending;
    if (name === undefined) break;
    pending.delete(name);
    if (done.has(name)) continue;
    const schema = all[name];
    if (!schema) throw new Error(`Looker spec references missing schema '${name}'`);
    done.set(name, schema);
    const nested = new Set<string>();
    collectRefs(schema, nested);
    for (const n of nested) if (!done.has(n)) pending.add(n);
  }
  return Object.fromEntries([...done.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The tag of operations Overlook adds to Looker's API. */
export const EXTENSION_TAG = 'x-overlook';

export function buildOpenApiDocument(registered: Iterable<SpecOperation>, serverUrl: string): OasDocument {
  const spec = lookerSpec();
  const paths: OasDocument['paths'] = {};
  const operations: OasOperation[] = [];
  const tags = new Set<string>();
  const sorted = [...registered].sort((a, b) => a.specPath.localeCompare(b.specPath) || a.method.localeCompare(b.method));
  for (const op of sorted) {
    (paths[op.specPath] ??= {})[op.method.toLowerCase()] = op.operation;
    operations.push(op.operation);
    for (const t of op.operation.tags ?? []) tags.add(t);
  }
  return {
    openapi: spec.openapi,
    info: {
      ...spec.info,
      title: 'Overlook — Looker API 4.0 (implemented subset)',
      description: 'The operations of the Looker API 4.0 that Overlook implements, with their schemas taken verbatim from Looker.4.0.oas.json.',
    },
    tags: [
      ...(spec.tags ?? []).filter((t) => tags.has(t.name)),
      ...(tags.has(EXTENSION_TAG) ? [{ name: EXTENSION_TAG, description: 'Overlook extensions (not part of Looker\'s API): LookML IDE file editing, commit, pull, project deletion.' }] : []),
    ],
    servers: [{ url: serverUrl }],
    paths,
    components: { schemas: reachableSchemas(operations, spec.components.schemas) },
  };
}
