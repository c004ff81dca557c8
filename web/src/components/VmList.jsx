import { useCallback, useLayoutEffect, useReducer, useState } from 'preact/hooks';
import { vmOrder, vms } from '../lib/vmStore.js';
import { runAction } from '../lib/vmActions.js';
import { BulkBar } from './BulkBar.jsx';
import { ConfirmDialog } from './ConfirmDialog.jsx';
import { Link } from './Link.jsx';
import { VmRow } from './VmRow.jsx';

/** Every VM, live; actions per row and for the selected VMs. Remove asks first. */
export function VmList() {
  const ids = useVmOrder();
  const [selected, setSelected] = useState(() => new Set());
  const [confirm, setConfirm] = useState(null); // { ids } waiting for a yes

  const select = useCallback((id, on) => setSelected((s) => {
    const next = new Set(s);
    if (on) next.add(id);
    else next.delete(id);
    return next;
  }), []);
  const act = useCallback((id, op) => (op === 'remove' ? setConfirm({ ids: [id] }) : runAction(id, op)), []);
  const live = new Set(ids.filter((id) => selected.has(id)));
  const all = ids.length > 0 && live.size === ids.length;

  async function remove() {
    const chosen = confirm.ids;
    setConfirm(null);
    await Promise.all(chosen.map((id) => runAction(id, 'remove')));
    setSelected((s) => new Set([...s].filter((id) => vms.has(id))));
  }

  return (
    <section class="vm-list">
      <div class="page-title">
        <h1 tabindex="-1">Virtual machines</h1>
        <span class="count">{ids.length === 1 ? '1 VM' : `${ids.length} VMs`}</span>
        <Link class="button primary" href="/vms/new">New VM</Link>
      </div>
      <BulkBar selected={live} onRemove={(chosen) => setConfirm({ ids: chosen })} onClear={() => setSelected(new Set())} />
      {ids.length === 0 ? <p>No VMs yet. <Link href="/vms/new">Create one.</Link></p> : (
        <table class="vms">
          <thead>
            <tr>
              <td class="select">
                <input type="checkbox" checked={all} aria-label="Select all VMs"
                  onChange={(e) => setSelected(e.currentTarget.checked ? new Set(ids) : new Set())} />
              </td>
              <th scope="col">Name</th><th scope="col">State</th><th scope="col">CPU</th><th scope="col">Memory</th>
              <th scope="col">Uptime</th><th scope="col">Heartbeat</th><th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => <VmRow key={id} id={id} selected={live.has(id)} onSelect={select} onAction={act} />)}
          </tbody>
        </table>
      )}
      {confirm && (
        <ConfirmDialog title={confirm.ids.length === 1 ? `Remove ${vms.get(confirm.ids[0])?.name}?` : `Remove ${confirm.ids.length} VMs?`}
          confirmLabel="Remove" onConfirm={remove} onCancel={() => setConfirm(null)}>
          <p>
            {confirm.ids.length === 1 ? 'The VM\'s settings are deleted.' : 'Their settings are deleted.'} Disks are
            kept: their image files stay where they are.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function useVmOrder() {
  const [, rerender] = useReducer((n) => n + 1, 0);
  useLayoutEffect(() => vmOrder.watch(rerender), []);
  return vmOrder.get();
}
