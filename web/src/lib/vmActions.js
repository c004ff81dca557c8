import { del, post, vmPath } from './api.js';
import { keyedStore } from './keyedStore.js';
import { putJob } from './jobStore.js';
import { vms } from './vmStore.js';

// The VM operations of the list and the settings page. Each lifecycle operation is a job on the
// host (202 with the job), whose progress then comes with the event stream; remove is not.
// Which are allowed is the host's word: each VM's allowedActions, which its state's events renew.

export const ACTIONS = [
  { op: 'start', label: 'Start' },
  { op: 'stop', label: 'Stop' },
  { op: 'turn-off', label: 'Turn off' },
  { op: 'pause', label: 'Pause' },
  { op: 'resume', label: 'Resume' },
  { op: 'save', label: 'Save' },
  { op: 'remove', label: 'Remove' },
];

/** Whether the host accepts `op` (an action word of the API) for the VM as the store has it. */
export const allows = (vm, op) => !!vm?.allowedActions?.includes(op);

/** The last refusal of an action, per VM (e.g. 409 with the lifecycle table's sentence). */
export const actionNotes = keyedStore();

export async function runAction(id, op) {
  actionNotes.delete(id);
  try {
    if (op === 'remove') {
      await del(vmPath(id));
      vms.delete(id);
    } else {
      putJob(await post(`${vmPath(id)}/${op}`));
    }
    return true;
  } catch (e) {
    actionNotes.set(id, e.message);
    return false;
  }
}
