// `/admin/connections`: list, create, edit, test and delete database connections.
import { useState } from 'react';
import { api } from '../api.ts';
import { ConnectionForm } from './ConnectionForm.tsx';
import type { Connection, ConnectionTestResult, DialectInfo } from './types.ts';
import { messageOf, useApi } from './useApi.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

type TestState = { state: 'running' } | { state: 'done'; results: ConnectionTestResult[] } | { state: 'failed'; message: string };

type Editing = { mode: 'new' } | { mode: 'edit'; connection: Connection } | null;

export function ConnectionsAdmin() {
  const [connections, reload] = useApi<Connection[]>('/connections');
  const [dialects] = useApi<DialectInfo[]>('/dialect_info');
  const [editing, setEditing] = useState<Editing>(null);
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const dialectList = dialects.state === 'ready' ? dialects.value : [];

  const test = async (name: string) => {
    setTests((t) => ({ ...t, [name]: { state: 'running' } }));
    try {
      const results = await api<ConnectionTestResult[]>('PUT', `/connections/${encodeURIComponent(name)}/test`);
      setTests((t) => ({ ...t, [name]: { state: 'done', results } }));
    } catch (e) {
      setTests((t) => ({ ...t, [name]: { state: 'failed', message: messageOf(e) } }));
    }
  };

  const remove = async (name: string) => {
    setConfirming(null);
    try {
      await api<null>('DELETE', `/connections/${encodeURIComponent(name)}`);
      setNotice({ kind: 'info', text: `Deleted connection ${name}.` });
    } catch (e) {
      setNotice({ kind: 'error', text: messageOf(e) });
    }
    reload();
  };

  const done = (message: string | null) => {
    setEditing(null);
    if (message !== null) {
      setNotice({ kind: 'info', text: message });
      reload();
    }
  };

  return (
    <section aria-label="Connections">
      {notice !== null ? (
        <p className={`admin-notice admin-notice-${notice.kind}`} data-testid="admin-status" role={notice.kind === 'error' ? 'alert' : 'status'}>{notice.text}</p>
      ) : null}
      {connections.state === 'loading' ? <p className="admin-muted">Loading connections…</p> : null}
      {connections.state === 'error' ? <p className="admin-error" role="alert">Cannot list connections: {connections.message}</p> : null}
      {connections.state === 'ready' ? (
        <table className="admin-table" data-testid="admin-connections">
          <thead><tr><th>Name</th><th>Dialect</th><th>Location</th><th>Test</th><th><span className="admin-sr-only">Actions</span></th></tr></thead>
          <tbody>
            {connections.value.length === 0 ? <tr><td colSpan={5} className="admin-muted">No connections yet.</td></tr> : null}
            {connections.value.map((c) => {
              const result = tests[c.name];
              return (
                <tr key={c.name} data-testid={`admin-connection-row-${c.name}`}>
                  <td>{c.name}</td>
                  <td>{c.dialect?.label ?? c.dialect_name}</td>
                  <td className="admin-mono">{c.dialect_name === 'duckdb' ? c.database : `${c.host ?? ''}${c.port !== null ? `:${c.port}` : ''}/${c.database ?? ''}`}</td>
                  <td data-testid={`admin-connection-test-result-${c.name}`}>
                    {result === undefined ? null : result.state === 'running' ? <span className="admin-muted">Testing…</span>
                      : result.state === 'failed' ? <span className="admin-error">{result.message}</span>
                      : <ul className="admin-test-list">{result.results.map((r) => (
                        <li key={r.name} className={r.status === 'success' ? 'admin-ok' : r.status === 'error' ? 'admin-error' : 'admin-muted'}>
                          {r.name}: {r.status} — {r.message}
                        </li>))}
                      </ul>}
                  </td>
                  <td><div className="admin-actions">
                    <ActionButton data-testid={`admin-connection-test-${c.name}`} unavailable={result?.state === 'running'} onClick={() => void test(c.name)}>Test</ActionButton>
                    <button type="button" data-testid={`admin-connection-edit-${c.name}`} onClick={() => { setEditing({ mode: 'edit', connection: c }); }}>Edit</button>
                    {confirming === c.name ? (
                      <>
                        <button type="button" className="admin-danger" data-testid={`admin-connection-delete-confirm-${c.name}`} onClick={() => void remove(c.name)}>Yes, delete</button>
                        <button type="button" onClick={() => { setConfirming(null); }}>Cancel</button>
                      </>
                    ) : (
                      <button type="button" data-testid={`admin-connection-delete-${c.name}`} onClick={() => { setConfirming(c.name); }}>Delete</button>
                    )}
                  </div></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {editing === null ? (
        <ActionButton className="admin-primary" data-testid="admin-connection-new" unavailable={dialectList.length === 0}
          onClick={() => { setEditing({ mode: 'new' }); }}>New connection</ActionButton>
      ) : (
        <ConnectionForm key={editing.mode === 'edit' ? editing.connection.name : '(new)'} existing={editing.mode === 'edit' ? editing.connection : null}
          dialects={dialectList} onDone={done} />
      )}
    </section>
  );
}
