// Access to Looker's published OpenAPI 3 document (Looker.4.0.oas.json), the single source of truth
// for every route's method, path, parameters and schemas. Loaded once, on first use.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** An OpenAPI 3.0 schema object as Looker's spec writes them (a JSON-schema subset plus `nullable`). */
export interface OasSchema {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  readOnly?: boolean;
  'x-looker-write-only'?: boolean;
  properties?: Record<string, OasSchema>;
  additionalProperties?: boolean | OasSchema;
  items?: OasSchema;
  required?: string[];
  enum?: unknown[];
  description?: string;
  [extension: string]: unknown;
}

export interface OasParameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: OasSchema;
  style?: string;
  explode?: boolean;
  description?: string;
}

export interface OasMediaType { schema?: OasSchema }

export interface OasOperation {
  operationId: string;
  tags?: string[];
  parameters?: OasParameter[];
  requestBody?: { required?: boolean; content?: Record<string, OasMediaType>; description?: string };
  responses: Record<string, { description?: string; content?: Record<string, OasMediaType> }>;
  [extension: string]: unknown;
}

export interface OasDocument {
  openapi: string;
  info: { version: string; title: string; 'x-looker-release-version'?: string; [k: string]: unknown };
  tags?: { name: string; description?: string }[];
  servers?: { url: string }[];
  paths: Record<string, Record<string, OasOperation>>;
  components: { schemas: Record<string, OasSchema>; requestBodies?: Record<string, unknown> };
}

/** Where an operation lives: HTTP method (upper case) and the spec path (`/projects/{project_id}`). */
export interface SpecOperation {
  operationId: string;
  method: string;
  specPath: string;
  operation: OasOperation;
}

// Looker's spec (MIT, see vendor/looker-api/LICENSE and SOURCE.md) ships with Overlook, so a server
// started anywhere has the schemas its routes validate against. OVERLOOK_LOOKER_SPEC overrides it.
const DEFAULT_SPEC_PATH = fileURLToPath(new URL('../../vendor/looker-api/Looker.4.0.oas.json', import.meta.url));

let cached: { doc: OasDocument; byId: Map<string, SpecOperation> } | undefined;

export function specPath(): string {
  return process.env.OVERLOOK_LOOKER_SPEC ?? DEFAULT_SPEC_PATH;
}

function load(): { doc: OasDocument; byId: Map<string, SpecOperation> } {
  if (cached) return cached;
  const file = specPath();
  if (!existsSync(file)) {
    throw new Error(
      `Looker API spec not found at ${file}. Overlook needs Looker.4.0.oas.json from ` +
        `vendor/looker-api/ in the project (or set OVERLOOK_LOOKER_SPEC to its path).`,
    );
  }
  const doc = JSON.parse(readFileSync(file, 'utf8')) as OasDocument;
  const byId = new Map<string, SpecOperation>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      byId.set(operation.operationId, { operationId: operation.operationId, method: method.toUpperCase(), specPath: path, operation });
    }
  }
  cached = { doc, byId };
  return cached;
}

export function lookerSpec(): OasDocument {
  return load().doc;
}

export function specOperation(operationId: string): SpecOperation {
  const op = load().byId.get(operationId);
  if (!op) throw new Error(`Unknown Looker API operationId '${operationId}' (not in Looker.4.0.oas.json)`);
  return op;
}

const REF_PREFIX = '#/components/schemas/';

/** Name of the component a `$ref` points to; only local component refs exist in Looker's spec. */
export function refName(ref: string): string {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`Unsupported $ref '${ref}' (only ${REF_PREFIX}* is used by the spec)`);
  return ref.slice(REF_PREFIX.length);
}

export function resolveRef(ref: string): OasSchema {
  const schema = lookerSpec().components.schemas[refName(ref)];
  if (!schema) throw new Error(`Unresolvable $ref '${ref}'`);
  return schema;
}

/** `/projects/{project_id}` → `/projects/:project_id` (find-my-way syntax). */
export function toRoutePath(specPathText: string): string {
  return specPathText.replace(/\{([^}]+)\}/g, ':$1');
}
