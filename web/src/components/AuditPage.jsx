import { useEffect, useState } from 'preact/hooks';
import { get } from '../lib/api.js';

const LIMIT = 200;

/** "Sun 18:03:18" style: the date matters in an audit, as the time does. */
const when = (iso) => new Date(iso).toLocaleString();

/** "202 job 1f0e…", "401 Unauthorized", "200". */
function outcome(r) {
  if (r.jobId) return `${r.status} job ${r.jobId}`;
  return r.problem ? `${r.status} ${r.problem}` : String(r.status);
}

/** The audit trail: who changed what on the host, and every refusal, newest first; filtered by user or VM. */
export function AuditPage() {
  const [filter, setFilter] = useState({ user: '', vm: '' });
  const [draft, setDraft] = useState(filter);
  const [state, setState] = useState({ records: null, error: null });

  useEffect(() => {
    const query = new URLSearchParams({ limit: String(LIMIT) });
    if (filter.user) query.set('user', filter.user);
    if (filter.vm) query.set('vm', filter.vm);
    let live = true;
    get(`/api/v1/audit?${query}`)
      .then((records) => live && setState({ records, error: null }))
      .catch((error) => live && setState({ records: null, error }));
    return () => { live = false; };
  }, [filter]);

  const apply = (e) => {
    e.preventDefault();
    setFilter({ user: draft.user.trim(), vm: draft.vm.trim() });
  };
  const { records, error } = state;
  return (
    <section class="audit">
      <div class="page-title">
        <h1 tabindex="-1">Audit</h1>
        {records && <span class="count">{records.length === 1 ? '1 record' : `${records.length} records`}</span>}
      </div>
      <form class="audit-filter" onSubmit={apply}>
        <label>User <input name="user" value={draft.user} onInput={(e) => setDraft({ ...draft, user: e.currentTarget.value })} /></label>
        <label>VM <input name="vm" value={draft.vm} onInput={(e) => setDraft({ ...draft, vm: e.currentTarget.value })} /></label>
        <button type="submit">Show</button>
      </form>
      {error && <p class="error" role="alert">{error.message}</p>}
      {records && records.length === 0 && <p>No records{filter.user || filter.vm ? ' match' : ' yet'}.</p>}
      {records && records.length > 0 && (
        <table class="audit-records">
          <thead>
            <tr>
              <th scope="col">Time</th><th scope="col">Who</th><th scope="col">From</th>
              <th scope="col">Action</th><th scope="col">Target</th><th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r, i) => (
              <tr key={`${r.time}-${i}`} class={r.status >= 400 ? 'refused' : undefined}>
                <td>{when(r.time)}</td>
                <td>{r.who}</td>
                <td>{r.from}</td>
                <td><code>{r.method} {r.route}</code></td>
                <td>{r.vm ?? ''}</td>
                <td>{outcome(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
