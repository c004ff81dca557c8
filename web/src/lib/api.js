// The one way the console talks to nubed's API: JSON in and out, problem documents turned into
// ApiError, the session's CSRF token on every state change, and a 401 sending the user back to
// the sign-in page.

const CSRF_HEADER = 'X-Nube-Csrf';

let csrfToken = null;
let onUnauthorized = () => {};

/** The CSRF token of the signed-in session (kept in memory only), or null. */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** What to do when the API answers 401 (the session ended or was never there). */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** An API answer other than 2xx, with its problem document (title, detail, field errors). */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail || problem?.title || `The host answered ${status}.`);
    this.status = status;
    this.problem = problem ?? {};
    this.retryAfter = retryAfter;
  }

  /** Validation errors: [{ field, value, message }]. */
  get fieldErrors() {
    return this.problem.errors ?? [];
  }
}

/**
 * Sends one request. `quiet401` leaves a 401 to the caller (the sign-in page and the session
 * probe) instead of signing the user out.
 */
export async function api(method, path, body, { quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, { title: 'The host cannot be reached', detail: `The host cannot be reached: ${e.message}` });
  }
  if (res.ok) return res.status === 204 ? null : res.json();
  const problem = await res.json().catch(() => ({ title: res.statusText }));
  if (res.status === 401 && !quiet401) onUnauthorized();
  throw new ApiError(res.status, problem, Number(res.headers.get('Retry-After')) || undefined);
}

/**
 * PUTs a file as the raw body with XMLHttpRequest, whose upload events give the progress that
 * fetch cannot: onProgress(bytesSent, total). Answers and refusals as api() gives them.
 */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', path);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader(CSRF_HEADER, csrfToken);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = { title: xhr.statusText }; }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      if (xhr.status === 401) onUnauthorized();
      reject(new ApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError(0, { title: 'The upload broke off',
      detail: 'The upload broke off: the host closed the connection or cannot be reached; nothing was kept.' }));
    xhr.send(file);
  });
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body, options);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** A VM's URL segment: its id, never its name, so that no name is ever part of a path. */
export const vmPath = (id) => `/api/v1/vms/${encodeURIComponent(id)}`;

/** A same-origin WebSocket URL for an API path (ws: or wss: as the page). */
export function socketUrl(path) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}
