import { useState } from 'preact/hooks';
import { useStoreChanges } from '../lib/hooks.js';
import { vms } from '../lib/vmStore.js';
import { ACTIONS, allows, runAction } from '../lib/vmActions.js';

/** One action for every selected VM; VMs whose state does not allow it are left out and counted. */
export function BulkBar({ selected, onRemove, onClear }) {
  const [summary, setSummary] = useState('');
  // Which actions apply follows the selected VMs' allowed actions.
  useStoreChanges(vms, (changed) => [...changed].some((id) => selected.has(id)));
  if (selected.size === 0) return <p class="bulk-summary" role="status">{summary}</p>;

  async function apply(action) {
    const chosen = [...selected].filter((id) => vms.has(id));
    const able = chosen.filter((id) => allows(vms.get(id), action.op));
    if (action.op === 'remove') return onRemove(able);
    const results = await Promise.all(able.map((id) => runAction(id, action.op)));
    const ok = results.filter(Boolean).length;
    const skipped = chosen.length - able.length;
    setSummary(`${action.label}: asked for ${ok} VM${ok === 1 ? '' : 's'}` +
      (able.length > ok ? `, refused for ${able.length - ok}` : '') +
      (skipped ? `, ${skipped} left out (their state does not allow it)` : '') + '.');
    return undefined;
  }

  return (
    <div class="bulk" role="toolbar" aria-label="Actions for the selected VMs">
      <span>{selected.size} selected</span>
      {ACTIONS.map((a) => (
        <button type="button" key={a.op} class={a.op === 'remove' ? 'danger' : undefined} onClick={() => apply(a)}
          disabled={![...selected].some((id) => allows(vms.get(id), a.op))}>
          {a.label}
        </button>
      ))}
      <button type="button" onClick={onClear}>Clear selection</button>
      <p class="bulk-summary" role="status">{summary}</p>
    </div>
  );
}
