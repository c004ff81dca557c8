import { useEffect, useState } from 'preact/hooks';

// Path routing with the History API: the console's URLs (/, /vms, /vms/new, /vms/{id},
// /vms/{id}/console, /storage, /networking, /audit, /api-reference) are real paths that nubed answers with index.html.

const watchers = new Set();
const notify = () => watchers.forEach((fn) => fn(location.pathname));
addEventListener('popstate', notify);

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  notify();
}

export function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    watchers.add(setPath);
    return () => watchers.delete(setPath);
  }, []);
  return path;
}

const ROUTES = [
  [/^\/$/, 'host'],
  [/^\/vms\/?$/, 'vms'],
  [/^\/vms\/new\/?$/, 'new-vm'],
  [/^\/vms\/([^/]+)\/console\/?$/, 'console'],
  [/^\/vms\/([^/]+)\/?$/, 'vm'],
  [/^\/storage\/?$/, 'storage'],
  [/^\/networking\/?$/, 'networking'],
  [/^\/audit\/?$/, 'audit'],
  [/^\/api-reference\/?$/, 'api-reference'],
];

/** { page, id } for a path; page 'not-found' when nothing matches. */
export function route(path) {
  for (const [pattern, page] of ROUTES) {
    const m = pattern.exec(path);
    if (m) return { page, id: m[1] && decodeURIComponent(m[1]) };
  }
  return { page: 'not-found' };
}
