import { del, post, vmPath } from './api.js';
import { keyedStore } from './keyedStore.js';
import { putJob } from './jobStore.js';
import { vms } from './vmStore.js';

// The VM operations of the list and the settings page. Each lifecycle operation is a job on the
// host (202 with the job), whose progress then comes with the event stream; remove is not.

export const ACTIONS = [
  { op: 'start', label: 'Start', from: ['off', 'saved'] },
  { op: 'stop', label: 'Stop', from: ['running'] },
  { op: 'turn-off', label: 'Turn off', from: ['running', 'paused', 'starting', 'stopping', 'saving'] },
  { op: 'pause', label: 'Pause', from: ['running'] },
  { op: 'resume', label: 'Resume', from: ['paused'] },
  { op: 'save', label: 'Save', from: ['running', 'paused'] },
  { op: 'remove', label: 'Remove', from: ['off', 'saved', 'broken'] },
];

export const allowed = (action, state) => action.from.includes(state);

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
