import { useEffect, useState } from 'preact/hooks';

/** The API reference page, its code loaded only when the page is opened (it is no part of the main bundle). */
export function ApiReferencePage() {
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    import('./ApiReference.jsx').then((m) => setPage(() => m.ApiReference), setError);
  }, []);
  if (error) return <p class="error" role="alert">The API reference could not be loaded: {error.message}</p>;
  if (!page) return <p class="loading">Loading the API reference…</p>;
  const Page = page;
  return <Page />;
}
