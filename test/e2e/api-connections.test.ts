/**
 * Connections end to end through the unmodified official @looker/sdk-node against a real server:
 * which connection tests run, which body members a connection keeps, and the nested objects of
 * DBConnection / DialectInfo in the shapes Looker's spec documents.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DelimArray } from '@looker/sdk-rtl';
import type { IDBConnection, IWriteDBConnection, Looker40SDK } from '@looker/sdk';
import { lookerSpec } from '../../src/api/spec.ts';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { startQueryFixture, type QueryFixture } from './support.ts';

const targets: { name: 'sqlite' | 'postgres' }[] = [{ name: 'sqlite' }, { name: 'postgres' }];

/** Member names of a component schema in the spec, optionally only the ones Looker sends back. */
function schemaMembers(name: string, readable = false): string[] {
  const props = lookerSpec().components.schemas[name]?.properties ?? {};
  return Object.entries(props).filter(([, s]) => !readable || s['x-looker-write-only'] !== true).map(([k]) => k);
}

describe.each(targets)('connections through the API on $name metadata', (target) => {
  let fx: QueryFixture;
  let admin: Looker40SDK;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture(target.name, 'e2e_api_connections', { connection: true });
    admin = fx.sdk();
  });

  afterAll(async () => {
    await fx.close();
  });

  const names = (results: { name?: string | null }[]): (string | null | undefined)[] => results.map((r) => r.name);

  it('runs only the tests asked for, in the SDK\'s comma-joined form and as a plain or repeated list', async () => {
    const connect = await admin.ok(admin.test_connection('warehouse', new DelimArray<string>(['connect'])));
    expect(connect).toEqual([{ can: {}, connection_string: `duckdb:${fx.duckPath}`, message: 'Can connect', name: 'connect', status: 'success' }]);
    assertResponseMatchesSpec('test_connection', 200, connect);
    // A plain array is what the reviewer's SDK call passed; the SDK sends it as JSON text.
    expect(names(await admin.ok(admin.test_connection('warehouse', ['query'] as unknown as DelimArray<string>)))).toEqual(['query']);
    const repeated = await fx.raw(admin, 'PUT', '/connections/warehouse/test?tests=query&tests=connect');
    expect(repeated.status).toBe(200);
    expect(names((await repeated.json()) as { name: string }[])).toEqual(['connect', 'query']);
    const joined = await fx.raw(admin, 'PUT', '/connections/warehouse/test?tests=connect,query');
    expect(names((await joined.json()) as { name: string }[])).toEqual(['connect', 'query']);
    const mixed = await fx.raw(admin, 'PUT', '/connections/warehouse/test?tests=query,bogus&tests=connect');
    expect(names((await mixed.json()) as { name: string }[])).toEqual(['connect', 'query']);
  });

  it('ignores unsupported tests and fills connection_string only for the connect test', async () => {
    const withBogus = await admin.ok(admin.test_connection('warehouse', new DelimArray<string>(['connect', 'bogus'])));
    expect(names(withBogus)).toEqual(['connect']);
    expect(withBogus[0]?.status).toBe('success');
    expect(await admin.ok(admin.test_connection('warehouse', new DelimArray<string>(['bogus'])))).toEqual([]);
    const all = await admin.ok(admin.test_connection('warehouse'));
    expect(all.map((t) => [t.name, t.status, t.connection_string])).toEqual([['connect', 'success', `duckdb:${fx.duckPath}`], ['query', 'success', null]]);
    const conn = await admin.ok(admin.connection('warehouse'));
    expect(conn.dialect?.connection_tests).toEqual(['connect', 'query']);
  });

  it('keeps the members DBConnection defines and drops unknown ones from every answer', async () => {
    const body = { name: 'junky', dialect_name: 'postgres', host: 'db.example', junk: 'abc', nested: { a: 1 }, ssl: true, max_queries: 7, can: { destroy: false } };
    const created = await admin.ok(admin.create_connection(body as Partial<IWriteDBConnection>));
    expect(created).not.toHaveProperty('junk');
    expect(created).not.toHaveProperty('nested');
    expect(created).toMatchObject({ name: 'junky', host: 'db.example', ssl: true, max_queries: 7, can: { destroy: true } });
    const one = await admin.ok(admin.connection('junky'));
    expect(one).not.toHaveProperty('junk');
    expect(one).toMatchObject({ ssl: true, max_queries: 7 });
    const listed = (await admin.ok(admin.all_connections())).find((c) => c.name === 'junky');
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('junk');
    expect(JSON.stringify(await admin.ok(admin.all_connections()))).not.toContain('abc');
    // Every member of the answer is one the spec defines for DBConnection.
    const known = new Set(schemaMembers('DBConnection'));
    expect(Object.keys(one).filter((k) => !known.has(k))).toEqual([]);
    assertResponseMatchesSpec('connection', 200, one, { rejectUnknown: true });

    // An update keeps the members it does not mention and drops its own unknown ones.
    const updated = await admin.ok(admin.update_connection('junky', { verify_ssl: true, junk2: 'x' } as Partial<IWriteDBConnection>));
    expect(updated).toMatchObject({ ssl: true, verify_ssl: true, max_queries: 7 });
    expect(updated).not.toHaveProperty('junk2');
    await admin.ok(admin.delete_connection('junky'));
  });

  it('answers pdt_context_override and supported_options as the objects the spec documents', async () => {
    const conn = await admin.ok(admin.connection('warehouse'));
    // No override written: null, as Looker answers for an absent nested object.
    expect(conn.pdt_context_override).toBeNull();
    assertResponseMatchesSpec('connection', 200, conn, { rejectUnknown: true });

    // A written override comes back in the same shape, its password write-only like the connection's own.
    const override = { context: 'pdt', host: 'pdt.example', password: 'pdt-secret', junk: 1 };
    await admin.ok(admin.create_connection({ name: 'pdt_conn', dialect_name: 'postgres', pdt_context_override: override }));
    const withOverride: IDBConnection = await admin.ok(admin.connection('pdt_conn'));
    expect(withOverride.pdt_context_override).toMatchObject({ context: 'pdt', host: 'pdt.example', has_password: true, port: null });
    expect(withOverride.pdt_context_override).not.toHaveProperty('password');
    expect(withOverride.pdt_context_override).not.toHaveProperty('junk');
    expect(JSON.stringify(await admin.ok(admin.all_connections()))).not.toContain('pdt-secret');
    await admin.ok(admin.delete_connection('pdt_conn'));

    const infos = await admin.ok(admin.all_dialect_infos());
    const optionNames = schemaMembers('DialectInfoOptions');
    for (const info of infos) {
      expect(Object.keys(info.supported_options ?? {}).sort(), info.name ?? '').toEqual([...optionNames].sort());
      expect(Object.values(info.supported_options ?? {}).every((v) => typeof v === 'boolean'), info.name ?? '').toBe(true);
    }
    assertResponseMatchesSpec('all_dialect_infos', 200, infos, { rejectUnknown: true });
    const duck = infos.find((d) => d.name === 'duckdb')?.supported_options;
    const pg = infos.find((d) => d.name === 'postgres')?.supported_options;
    expect(duck).toMatchObject({ host: false, port: false, username: false, schema: true, timezone: true, additional_params: true, supports_connection_pooling: true, tmp_table: false });
    expect(pg).toMatchObject({ host: true, port: true, username: true, schema: true, timezone: true, additional_params: true, supports_connection_pooling: true, tmp_table: false });
  });
});
