import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../lib/api.js';
import { useHost } from '../lib/hostContext.js';
import { onHostEvent } from '../lib/liveEvents.js';
import { refusal, useRequests } from '../lib/requests.js';
import { ConfirmDialog } from './ConfirmDialog.jsx';
import { ErrorSummary } from './ErrorSummary.jsx';
import { NewSwitchForm } from './NewSwitchForm.jsx';

const SWITCHES = '/api/v1/switches';
// Where the host's field errors go: it names the request's own fields (hostAddresses[1] goes to the one input).
const NEW_FIELDS = { name: 'switch-name', kind: 'switch-kind', hostAddresses: 'switch-addresses', nat: 'switch-nat', dhcp: 'switch-dhcp', interface: 'switch-interface', confirm: 'switch-confirm' };

/** The host's virtual switches: each with its kind, addresses, bridge and the adapters on it; a new one; remove. */
export function NetworkingPage() {
  const [list, setList] = useState(null);
  const [removing, setRemoving] = useState(null);
  const { host, reload } = useHost();
  const { busy, done, problem, setProblem, run, err } = useRequests();
  const load = () => get(SWITCHES).then(setList).catch((e) => setProblem(refusal('The switches cannot be read', e, {})));

  useEffect(() => {
    load();
    // Adapters come and go with VMs' changes.
    return onHostEvent((e) => (e.type === 'vm-changed' || e.type === 'vm-created' || e.type === 'vm-removed') && load());
  }, []);

  const make = (body) => run('Making the switch', 'The host refused to make the switch', NEW_FIELDS, () => post(SWITCHES, body), (s) => {
    load();
    return `Made the ${s.kind} switch ${s.name} (bridge ${s.bridge}).`;
  });
  const remove = (s) => run(`Removing ${s.name}`, `The host refused to remove ${s.name}`, {},
    () => del(`${SWITCHES}/${encodeURIComponent(s.name)}${s.adapters.length ? '?force=true' : ''}`), () => {
      load();
      reload(); // the host's default switch may have been this one
      return `Removed switch ${s.name}.`;
    });

  return (
    <section class="networking">
      <div class="page-title"><h1 tabindex="-1">Networking</h1></div>
      <section aria-labelledby="switches-title">
        <h2 id="switches-title">Virtual switches</h2>
        <ErrorSummary title={problem.title} errors={problem.list} titleId="switch-error-title" />
        <p role="status" class="drives-status">{busy ? <span class="busy">{busy}…</span> : done}</p>
        {list === null ? <p>Reading the switches…</p> : list.length === 0 ? <p>No virtual switches yet.</p> : (
          <table class="switches">
            <thead>
              <tr>
                <th scope="col">Switch</th><th scope="col">Kind</th><th scope="col">Host addresses</th><th scope="col">NAT and DHCP</th><th scope="col">Bridge</th>
                <th scope="col">State</th><th scope="col">Adapters</th><th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.id} data-switch={s.name}>
                  <th scope="row">{s.name}{host?.defaultSwitch === s.name && <span class="tag"> (default for new VMs)</span>}</th>
                  <td>{s.kind}{s.interface && ` on ${s.interface}`}</td>
                  <td>{s.hostAddresses.length ? s.hostAddresses.join(', ') : '-'}</td>
                  <td>{[s.nat && 'NAT', s.dhcp && `DHCP ${s.dhcpRange ?? ''}`.trim()].filter(Boolean).join(', ') || '-'}</td>
                  <td><code>{s.bridge}</code></td>
                  <td>{s.ready ? 'Ready' : `Not ready: ${s.problem}`}</td>
                  <td class="adapters">{s.adapters.length === 0 ? 'None' : s.adapters.map((a) => `${a.vm} ${a.adapter}`).join(', ')}</td>
                  <td class="actions">
                    <button type="button" disabled={!!busy} onClick={() => setRemoving(s)} aria-label={`Remove ${s.name}`}>Remove</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div class="cards">
          <NewSwitchForm busy={!!busy} err={err} onMake={make} />
        </div>
      </section>
      {removing && (
        <ConfirmDialog title={`Remove ${removing.name}?`} confirmLabel="Remove" onCancel={() => setRemoving(null)}
          onConfirm={() => { setRemoving(null); remove(removing); }}>
          {removing.adapters.length > 0
            ? <p>{removing.adapters.length} adapters are on it ({removing.adapters.map((a) => `${a.vm} ${a.adapter}`).join(', ')}): they are left not connected, running VMs too.</p>
            : <p>No adapter is on it; its bridge <code>{removing.bridge}</code> goes.</p>}
        </ConfirmDialog>
      )}
    </section>
  );
}
