import { useEffect, useState } from 'preact/hooks';
import { setCsrfToken, setUnauthorizedHandler } from '../lib/api.js';
import { currentSession, signOut } from '../lib/session.js';
import { SignIn } from './SignIn.jsx';
import { Shell } from './Shell.jsx';

/** Signed in or not: the sign-in page, or the console. Any 401 comes back here. */
export function App() {
  const [auth, setAuth] = useState({ phase: 'checking' });

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setAuth({ phase: 'signed-out', notice: 'Your session has ended. Sign in again.' });
    });
    currentSession()
      .then((s) => setAuth(s ? { phase: 'signed-in', user: s.user } : { phase: 'signed-out' }))
      .catch((e) => setAuth({ phase: 'signed-out', notice: e.message }));
  }, []);

  if (auth.phase === 'checking') return <p class="loading">Connecting to the host…</p>;
  if (auth.phase === 'signed-out') {
    return <SignIn notice={auth.notice} onSignedIn={(s) => setAuth({ phase: 'signed-in', user: s.user })} />;
  }
  const leave = async () => {
    await signOut().catch(() => {});
    setAuth({ phase: 'signed-out', notice: 'You have signed out.' });
  };
  return <Shell user={auth.user} onSignOut={leave} />;
}
