import { useState } from 'preact/hooks';
import { useStoreItem } from '../lib/hooks.js';
import { latestJobByVm } from '../lib/jobStore.js';
import { ACTIONS, actionNotes, allows, runAction } from '../lib/vmActions.js';
import { navigate } from '../lib/router.js';
import { ConfirmDialog } from './ConfirmDialog.jsx';
import { JobProgress } from './JobProgress.jsx';
import { MoveDialog } from './MoveDialog.jsx';

/** One VM's actions with its latest job's progress, for its settings and console pages. */
export function VmActionBar({ vm }) {
  const job = useStoreItem(latestJobByVm, vm.id);
  const note = useStoreItem(actionNotes, vm.id);
  const [confirm, setConfirm] = useState(false);
  const [moving, setMoving] = useState(false);
  const act = (op) => (op === 'remove' ? setConfirm(true) : runAction(vm.id, op));
  async function remove() {
    setConfirm(false);
    if (await runAction(vm.id, 'remove')) navigate('/vms');
  }
  return (
    <div class="action-bar">
      <div class="buttons" role="group" aria-label={`Actions for ${vm.name}`}>
        {ACTIONS.map((a) => (
          <button type="button" key={a.op} class={a.op === 'remove' ? 'danger' : undefined}
            disabled={!allows(vm, a.op)} onClick={() => act(a.op)}>{a.label}</button>
        ))}
        <button type="button" disabled={!allows(vm, 'move')} onClick={() => setMoving(true)}>Move…</button>
      </div>
      <p class="status" aria-live="polite">
        {note ? <span class="error">{note}</span> : job ? <JobProgress job={job} /> : null}
      </p>
      {moving && <MoveDialog vm={vm} onClose={() => setMoving(false)} />}
      {confirm && (
        <ConfirmDialog title={`Remove ${vm.name}?`} confirmLabel="Remove" onConfirm={remove} onCancel={() => setConfirm(false)}>
          <p>The VM's settings are deleted. Disks are kept: their image files stay where they are.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
