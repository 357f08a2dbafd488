// Create or edit a database connection. Only fields that changed are sent on edit; the password is
// write-only (left blank = keep the stored one).
import { useState, type SubmitEvent } from 'react';
import { api } from '../api.ts';
import type { Connection, DialectInfo } from './types.ts';
import { messageOf } from './useApi.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

const FIELDS = ['host', 'port', 'database', 'username', 'schema', 'query_timezone'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field | 'name' | 'dialect_name' | 'password', string>;

function initialValues(c: Connection | null, dialects: readonly DialectInfo[]): Values {
  return {
    name: c?.name ?? '',
    dialect_name: c?.dialect_name ?? dialects.find((d) => d.installed)?.name ?? dialects[0]?.name ?? '',
    host: c?.host ?? '', port: c?.port ?? '', database: c?.database ?? '', username: c?.username ?? '',
    schema: c?.schema ?? '', query_timezone: c?.query_timezone ?? '', password: '',
  };
}

interface ConnectionFormProps {
  existing: Connection | null;
  dialects: readonly DialectInfo[];
  onDone: (message: string | null) => void;
}

export function ConnectionForm({ existing, dialects, onDone }: ConnectionFormProps) {
  const [values, setValues] = useState<Values>(() => initialValues(existing, dialects));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dialect = dialects.find((d) => d.name === values.dialect_name);
  const isFile = values.dialect_name === 'duckdb';
  const set = (k: keyof Values, v: string) => { setValues((prev) => ({ ...prev, [k]: v })); };

  const body = (): Record<string, string | null> => {
    const out: Record<string, string | null> = {};
    const before = initialValues(existing, dialects);
    if (existing === null) out.name = values.name.trim();
    if (existing === null || values.dialect_name !== before.dialect_name) out.dialect_name = values.dialect_name;
    for (const f of FIELDS) {
      const v = values[f].trim();
      if (existing === null ? v !== '' : v !== before[f]) out[f] = v === '' ? null : v;
    }
    if (values.password !== '') out.password = values.password;
    return out;
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      if (existing === null) await api<Connection>('POST', '/connections', body());
      else await api<Connection>('PATCH', `/connections/${encodeURIComponent(existing.name)}`, body());
      onDone(existing === null ? `Created connection ${values.name.trim()}.` : `Saved connection ${existing.name}.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const input = (k: Field, label: string, placeholder?: string) => (
    <label>{label}
      <input data-testid={`admin-connection-${k}`} value={values[k]} placeholder={placeholder} onChange={(e) => { set(k, e.target.value); }} />
    </label>
  );

  return (
    <form className="admin-form" onSubmit={(e) => void submit(e)} aria-label={existing === null ? 'New connection' : `Edit connection ${existing.name}`}
      data-testid="admin-connection-form">
      <h2 className="admin-subtitle">{existing === null ? 'New connection' : `Edit ${existing.name}`}</h2>
      <div className="admin-grid">
        {existing === null ? (
          <label>Name<input data-testid="admin-connection-name" required value={values.name} onChange={(e) => { set('name', e.target.value); }} /></label>
        ) : null}
        <label>Dialect
          <select data-testid="admin-connection-dialect" value={values.dialect_name} onChange={(e) => { set('dialect_name', e.target.value); }}>
            {dialects.map((d) => (
              <option key={d.name} value={d.name}>{d.label}{d.installed ? '' : ' (SQL only, no driver)'}</option>
            ))}
          </select>
        </label>
        {isFile ? input('database', dialect?.label_for_database_equivalent ?? 'File', '/path/to/warehouse.duckdb') : null}
        {!isFile ? input('host', 'Host', 'db.example.com') : null}
        {!isFile ? input('port', 'Port', dialect?.default_port ?? '') : null}
        {!isFile ? input('database', dialect?.label_for_database_equivalent ?? 'Database') : null}
        {!isFile ? input('username', 'Username') : null}
        {!isFile ? (
          <label>Password
            <input type="password" data-testid="admin-connection-password" autoComplete="new-password" value={values.password}
              placeholder={existing?.has_password === true ? '(unchanged)' : ''} onChange={(e) => { set('password', e.target.value); }} />
          </label>
        ) : null}
        {input('schema', 'Schema')}
        {input('query_timezone', 'Query time zone', 'UTC')}
      </div>
      {error !== null ? <p className="admin-error" role="alert">{error}</p> : null}
      <div className="admin-inline">
        <ActionButton submit className="admin-primary" data-testid="admin-connection-save" unavailable={busy}>
          {existing === null ? 'Create connection' : 'Save'}
        </ActionButton>
        <button type="button" onClick={() => { onDone(null); }}>Cancel</button>
      </div>
    </form>
  );
}
