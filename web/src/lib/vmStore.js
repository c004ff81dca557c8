import { keyedStore } from './keyedStore.js';

// The VMs as the console shows them, keyed by id: each VM's summary (GET /api/v1/vms) kept
// current by the event stream, with the time its QEMU started so that its uptime can tick.

export const vms = keyedStore();

const IDLE = new Set(['off', 'saved', 'broken']);
export const isIdle = (state) => IDLE.has(state);

/** A summary from the API as the store keeps it. */
export function fromSummary(summary) {
  return {
    ...summary,
    startedAtMs: summary.uptimeSeconds == null ? null : Date.now() - summary.uptimeSeconds * 1000,
  };
}

let order = [];
const orderWatchers = new Set();
const byName = (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }) || a.id.localeCompare(b.id);

// The list re-renders only when a VM comes, goes or is renamed; rows follow their own VM.
vms.watchAll(() => {
  const next = [...vms.values()].sort(byName).map((vm) => vm.id);
  if (next.length === order.length && next.every((id, i) => id === order[i])) return;
  order = next;
  for (const fn of orderWatchers) fn();
});

/** The VMs' ids in name order, and a way to hear when that order changes. */
export const vmOrder = {
  get: () => order,
  watch(fn) {
    orderWatchers.add(fn);
    return () => orderWatchers.delete(fn);
  },
};

/** A vm-state-changed event applied to its row: uptime and heartbeat follow the state; the event brings the allowed actions. */
export function applyState(event) {
  const vm = vms.get(event.vmId);
  if (!vm) return false;
  const fields = { state: event.state, stateReason: event.reason ?? null, allowedActions: event.allowedActions ?? [] };
  if (isIdle(event.state)) Object.assign(fields, { startedAtMs: null, heartbeat: null, uptimeSeconds: null });
  else if (isIdle(event.previousState)) Object.assign(fields, { startedAtMs: Date.parse(event.time), heartbeat: 'no-contact' });
  vms.update(event.vmId, fields);
  return true;
}
