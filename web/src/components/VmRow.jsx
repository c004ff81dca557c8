import { memo } from 'preact/compat';
import { useStoreItem } from '../lib/hooks.js';
import { vms } from '../lib/vmStore.js';
import { latestJobByVm } from '../lib/jobStore.js';
import { ACTIONS, actionNotes, allows } from '../lib/vmActions.js';
import { mib, stateLabel, statusLabel } from '../lib/format.js';
import { JobProgress } from './JobProgress.jsx';
import { Link } from './Link.jsx';
import { Uptime } from './Uptime.jsx';

/**
 * One VM's row. It follows its own VM and its VM's latest job in the stores, so an event
 * re-renders this row alone; `memo` keeps the list's own re-renders (selection) from reaching it.
 */
export const VmRow = memo(function VmRow({ id, selected, onSelect, onAction }) {
  const vm = useStoreItem(vms, id);
  const job = useStoreItem(latestJobByVm, id);
  const note = useStoreItem(actionNotes, id);
  if (!vm) return null;
  const running = vm.state === 'running' || vm.state === 'paused';
  return (
    <tr data-vm={vm.name} aria-selected={selected ? 'true' : 'false'}>
      <td class="select">
        <input type="checkbox" checked={selected} onChange={(e) => onSelect(id, e.currentTarget.checked)}
          aria-label={`Select ${vm.name}`} />
      </td>
      <th scope="row" class="name">
        <Link href={`/vms/${id}`}>{vm.name}</Link>
        {running && <Link class="connect" href={`/vms/${id}/console`} aria-label={`Connect to ${vm.name}`}>Connect</Link>}
      </th>
      <td data-label="State" class={`state state-${vm.state}`} data-state={vm.state}>{stateLabel(vm.state)}</td>
      <td data-label="CPU">{vm.processorCount}</td>
      <td data-label="Memory">{mib(vm.memoryStartupMiB)}</td>
      <td data-label="Uptime"><Uptime since={vm.startedAtMs} /></td>
      <td data-label="Heartbeat">{statusLabel(vm.heartbeat)}</td>
      <td data-label="Status" class="status" aria-live="polite">{status(vm, job, note)}</td>
      <td class="actions">
        {/* Every action in its place, disabled when the state does not allow it: a button never moves
            under the pointer as the state changes (a double click on Start must not hit Turn off). */}
        {ACTIONS.map((a) => (
          <button type="button" key={a.op} class={a.op === 'remove' ? 'danger' : undefined}
            disabled={!allows(vm, a.op)} onClick={() => onAction(id, a.op)}
            aria-label={`${a.label} ${vm.name}`}>
            {a.label}
          </button>
        ))}
      </td>
    </tr>
  );
});

const RECENT_MS = 60_000;

/** The row's status: a refusal, else a job under way or failed, else why the VM is in its state, else a job just done. */
function status(vm, job, note) {
  if (note) return <span class="error">{note}</span>;
  if (job && job.state !== 'completed') return <JobProgress job={job} />;
  if (vm.stateReason) return vm.stateReason;
  return job && Date.now() - Date.parse(job.endedAt) < RECENT_MS ? <JobProgress job={job} /> : null;
}
