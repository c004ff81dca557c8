import { useState } from 'preact/hooks';
import { ApiError } from '../lib/api.js';
import { signIn } from '../lib/session.js';

/** User name and password; the host's refusal (wrong password, too many attempts) is shown as it says it. */
export function SignIn({ notice, onSignedIn }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(form.get('userName'), form.get('password')));
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <h1>Nube</h1>
        <p>Sign in to manage this host.</p>
        {notice && !error && <p class="notice" role="status">{notice}</p>}
        <label for="user-name">User name</label>
        <input id="user-name" name="userName" autocomplete="username" required autofocus />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        {error && <p id="sign-in-error" class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}

function explain(err) {
  if (!(err instanceof ApiError)) return err.message;
  if (err.status === 401) return err.problem.detail || 'The user name or password is wrong.';
  if (err.status === 429) {
    const wait = err.retryAfter ? `Try again in ${err.retryAfter} s.` : 'Try again later.';
    return `${err.problem.detail || 'Too many sign-in attempts.'} ${wait}`;
  }
  return err.message;
}
