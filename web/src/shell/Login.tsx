// Sign in with email and password; afterwards go back to where the user was going (`?return_to=`).
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { ApiError } from '../api.ts';
import { messageOf } from '../load.ts';
import { useSession } from '../session.tsx';

/** Only same-site paths: never bounce to another origin after sign-in. */
export function safeReturnTo(raw: string | null): string {
  if (raw === null || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/login')) return '/';
  return raw;
}

export function LoginPage() {
  const session = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const returnTo = safeReturnTo(params.get('return_to'));
  const expired = params.get('expired') === '1';

  if (session.state.status === 'signed-in') return <Navigate to={returnTo} replace />;

  const submit = async (event: { preventDefault(): void }): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.signIn(email, password);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'Wrong email or password.' : messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <form className="login-card" onSubmit={(e) => { void submit(e); }} aria-labelledby="login-title">
        <h1 id="login-title" className="brand-title">Overlook</h1>
        {expired
          ? <p className="notice" role="status" data-testid="login-expired">Your session has ended. Sign in again to continue where you were.</p>
          : <p className="muted">Sign in to continue.</p>}
        <label className="field-label" htmlFor="login-email">Email</label>
        <input id="login-email" data-testid="login-email" type="email" autoComplete="username" required autoFocus
          value={email} onChange={(e) => { setEmail(e.target.value); }} />
        <label className="field-label" htmlFor="login-password">Password</label>
        <input id="login-password" data-testid="login-password" type="password" autoComplete="current-password" required
          value={password} onChange={(e) => { setPassword(e.target.value); }} />
        {error !== null && <p className="error" role="alert" data-testid="login-error">{error}</p>}
        <button type="submit" className="primary" data-testid="login-submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
