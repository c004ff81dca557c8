import { ApiError, get, post, api, setCsrfToken } from './api.js';

// Who is signed in. A browser signs in with a user and password and gets a session cookie
// (HttpOnly: the page never sees it) and a CSRF token, which is kept in memory only. A browser
// whose requests already carry credentials (a bearer token added by a proxy) needs no session.

/** { user } when the API can be used, else null (the sign-in page). */
export async function currentSession() {
  try {
    const session = await get('/api/v1/session', { quiet401: true });
    setCsrfToken(session.csrfToken);
    return { user: session.userName };
  } catch (e) {
    if (!(e instanceof ApiError) || e.status === 0) throw e;
  }
  try {
    await get('/api/v1/host', { quiet401: true });
    return { user: null };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export async function signIn(userName, password) {
  const session = await post('/api/v1/session', { userName, password }, { quiet401: true });
  setCsrfToken(session.csrfToken);
  return { user: session.userName };
}

export async function signOut() {
  try {
    await api('DELETE', '/api/v1/session', undefined, { quiet401: true });
  } finally {
    setCsrfToken(null);
  }
}
