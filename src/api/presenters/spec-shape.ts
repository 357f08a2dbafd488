/**
 * Looker clients read members without checking they exist, so answers carry every member of their
 * schema. This fills the members a presenter does not set from the spec itself: null where the spec
 * allows it, else the type's empty value; write-only members are never sent.
 */
import { lookerSpec, type OasSchema } from '../spec.ts';

function emptyValue(schema: OasSchema): unknown {
  if (schema.nullable === true || schema.$ref !== undefined) return null;
  switch (schema.type) {
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    case 'integer':
    case 'number':
      return null;
    default:
      return null;
  }
}

const keyCache = new Map<string, readonly (readonly [string, OasSchema])[]>();

function members(schemaName: string): readonly (readonly [string, OasSchema])[] {
  let list = keyCache.get(schemaName);
  if (!list) {
    const schema = lookerSpec().components.schemas[schemaName];
    if (!schema?.properties) throw new Error(`No schema ${schemaName} in the Looker spec`);
    list = Object.entries(schema.properties).filter(([, s]) => s['x-looker-write-only'] !== true);
    keyCache.set(schemaName, list);
  }
  return list;
}

/** `values` in the member order of `schemaName`, every member present, unknown extras dropped. */
export function specShape(schemaName: string, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of members(schemaName)) out[key] = key in values ? values[key] : emptyValue(schema);
  return out;
}
