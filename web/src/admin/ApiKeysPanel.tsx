// A user's API3 keys: list, create (the secret is shown once, with a copy button), delete.
import { useState } from 'react';
import { api } from '../api.ts';
import type { Api3Credential, User } from './types.ts';
import { messageOf, useApi } from './useApi.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

interface NewKey {
  client_id: string;
  client_secret: string;
}

function SecretOnce({ created, onDone }: { created: NewKey; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (what: string, value: string) => {
    navigator.clipboard.writeText(value).then(
      () => { setCopied(`${what} copied.`); },
      () => { setCopied('Copying is blocked here: select the text and copy it.'); },
    );
  };
  return (
    <div className="admin-secret" data-testid="admin-api-key-created" role="alert">
      <p className="admin-warning">
        Copy the client secret now: it is shown only once and cannot be retrieved later. Anyone with it can use the API as this user.
      </p>
      <dl>
        <dt>Client ID</dt>
        <dd><code data-testid="admin-api-key-client-id">{created.client_id}</code>
          <button type="button" onClick={() => { copy('Client ID', created.client_id); }}>Copy</button></dd>
        <dt>Client secret</dt>
        <dd><code data-testid="admin-api-key-secret">{created.client_secret}</code>
          <button type="button" data-testid="admin-api-key-copy" onClick={() => { copy('Client secret', created.client_secret); }}>Copy</button></dd>
      </dl>
      {copied !== null ? <p className="admin-muted" role="status">{copied}</p> : null}
      <button type="button" data-testid="admin-api-key-done" onClick={onDone}>I have saved it</button>
    </div>
  );
}

export function ApiKeysPanel({ user, onChanged }: { user: User; onChanged: () => void }) {
  const [keys, reload] = useApi<Api3Credential[]>(`/users/${user.id}/credentials_api3`);
  const [created, setCreated] = useState<NewKey | null>(null);
  const [purpose, setPurpose] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
      reload();
      onChanged();
    }
  };
  const create = () => act(async () => {
    const key = await api<NewKey>('POST', `/users/${user.id}/credentials_api3`, purpose.trim() === '' ? {} : { purpose: purpose.trim() });
    setCreated({ client_id: key.client_id, client_secret: key.client_secret });
    setPurpose('');
  });
  const remove = (id: string) => act(async () => {
    setConfirming(null);
    await api<null>('DELETE', `/users/${user.id}/credentials_api3/${id}`);
  });

  return (
    <div className="admin-panel" data-testid="admin-api-keys">
      {created !== null ? <SecretOnce created={created} onDone={() => { setCreated(null); }} /> : null}
      {keys.state === 'error' ? <p className="admin-error" role="alert">{keys.message}</p> : null}
      {keys.state === 'ready' && keys.value.length === 0 ? <p className="admin-muted">No API keys.</p> : null}
      {keys.state === 'ready' && keys.value.length > 0 ? (
        <ul className="admin-key-list">
          {keys.value.map((k) => (
            <li key={k.id} data-testid={`admin-api-key-${k.client_id}`}>
              <code>{k.client_id}</code> <span className="admin-muted">created {k.created_at}{k.purpose !== null && k.purpose !== '' ? ` · ${k.purpose}` : ''}</span>
              {confirming === k.id ? (
                <>
                  <span> Delete this key? Clients using it stop working.</span>
                  <ActionButton autoFocus className="admin-danger" data-testid="admin-api-key-delete-confirm" unavailable={busy} onClick={() => void remove(k.id)}>Yes, delete</ActionButton>
                  <button type="button" onClick={() => { setConfirming(null); }}>Cancel</button>
                </>
              ) : (
                <ActionButton data-testid="admin-api-key-delete" unavailable={busy} onClick={() => { setConfirming(k.id); }}>Delete</ActionButton>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {error !== null ? <p className="admin-error" role="alert">{error}</p> : null}
      <div className="admin-inline">
        <label>Purpose (optional)
          <input data-testid="admin-api-key-purpose" value={purpose} onChange={(e) => { setPurpose(e.target.value); }} />
        </label>
        <ActionButton className="admin-primary" data-testid="admin-api-key-create" unavailable={busy} onClick={() => void create()}>
          Create API key
        </ActionButton>
      </div>
    </div>
  );
}
