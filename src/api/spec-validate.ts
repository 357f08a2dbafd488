// Test helper: check a response body against the schema Looker's spec declares for an operation and
// status, so every endpoint test can assert "this is what a real Looker client expects".
import { specOperation } from './spec.ts';
import type { OasSchema } from './spec.ts';
import { validateValue } from './schema-validate.ts';
import type { SchemaIssue } from './schema-validate.ts';

export interface ResponseCheckOptions {
  /** Also report properties the schema does not declare (typos such as `workspaceId`). */
  rejectUnknown?: boolean;
  /** Content type to pick when the spec lists several (default application/json). */
  contentType?: string;
}

export function responseSchema(operationId: string, status: number | string, contentType = 'application/json'): OasSchema {
  const op = specOperation(operationId);
  const response = op.operation.responses[String(status)];
  if (!response) {
    const declared = Object.keys(op.operation.responses).join(', ');
    throw new Error(`${operationId}: status ${status} is not declared in the spec (declared: ${declared})`);
  }
  const schema = response.content?.[contentType]?.schema;
  if (!schema) throw new Error(`${operationId} ${status}: no ${contentType} schema in the spec`);
  return schema;
}

export function validateResponse(operationId: string, status: number | string, body: unknown, options: ResponseCheckOptions = {}): SchemaIssue[] {
  const schema = responseSchema(operationId, status, options.contentType);
  return validateValue(schema, body, { mode: 'response', rejectUnknown: options.rejectUnknown ?? false }).issues;
}

/** Validate against a named component schema, e.g. `Error` for 401 (which the spec never lists). */
export function validateSchema(schemaName: string, body: unknown, options: ResponseCheckOptions = {}): SchemaIssue[] {
  return validateValue({ $ref: `#/components/schemas/${schemaName}` }, body, { mode: 'response', rejectUnknown: options.rejectUnknown ?? false }).issues;
}

function format(issues: SchemaIssue[]): string {
  return issues.map((i) => `  ${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('\n');
}

/** Throws with every issue listed; use as `assertResponseMatchesSpec('session', 200, res.json())`. */
export function assertResponseMatchesSpec(operationId: string, status: number, body: unknown, options: ResponseCheckOptions = {}): void {
  const issues = validateResponse(operationId, status, body, options);
  if (issues.length > 0) throw new Error(`${operationId} ${status} response does not match the spec:\n${format(issues)}`);
}

export function assertMatchesSchema(schemaName: string, body: unknown, options: ResponseCheckOptions = {}): void {
  const issues = validateSchema(schemaName, body, options);
  if (issues.length > 0) throw new Error(`body does not match schema ${schemaName}:\n${format(issues)}`);
}
