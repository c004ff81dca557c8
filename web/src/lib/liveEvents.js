import { get, vmPath } from './api.js';
import { applyState, fromSummary, isIdle, vms } from './vmStore.js';
import { putJob, replaceJobs } from './jobStore.js';

// The host's event stream (GET /api/v1/events, Server-Sent Events) kept open while the console
// is, and applied to the stores. The VMs and jobs are read as the stream is opened, and again once
// it is open for sure ('open', which nubed's headers bring at once); events that arrive during a
// read are held and applied after it, in order, so that nothing happening in between is lost or
// undone.

const TYPES = [
  'vm-created', 'vm-changed', 'vm-removed', 'vm-state-changed', 'vm-integration-changed',
  'vm-time-synced', 'vm-frozen', 'vm-thawed', 'job-created', 'job-progress', 'job-ended', 'overflow',
];
const RETRY_MS = 3000;
const listeners = new Set();

/** Hears every event as it comes (a page that shows more than the stores keep); returns the unsubscribe function. */
export function onHostEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Opens the stream; `onStatus('live' | 'connecting' | 'offline')`. Returns a function that closes it. */
export function startLiveEvents(onStatus) {
  let source = null;
  let pending = null; // events held while a read is under way
  let reads = 0;
  let retry = null;
  let closed = false;

  function open() {
    onStatus('connecting');
    source = new EventSource('/api/v1/events');
    for (const type of TYPES) source.addEventListener(type, receive);
    source.onopen = readAll;
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) return onStatus('connecting');
      // The server refused the stream (signed out, or down): a plain request tells which.
      onStatus('offline');
      get('/api/v1/host').catch(() => {});
      retry = setTimeout(reopen, RETRY_MS);
      return undefined;
    };
    readAll();
  }

  function reopen() {
    source?.close();
    if (!closed) open();
  }

  async function readAll() {
    const read = ++reads;
    pending ??= [];
    try {
      const [list, jobList] = await Promise.all([get('/api/v1/vms'), get('/api/v1/jobs')]);
      if (read !== reads || closed) return; // a later read replays what is held
      vms.replaceAll(list.map((s) => [s.id, fromSummary(s)]));
      replaceJobs(jobList);
      const held = pending;
      pending = null;
      held.forEach(apply);
      if (source.readyState !== EventSource.CLOSED) onStatus('live');
    } catch {
      if (read === reads) retry = setTimeout(reopen, RETRY_MS);
    }
  }

  function receive(message) {
    const event = JSON.parse(message.data);
    if (event.type === 'overflow') return reopen(); // events were missed: read everything again
    if (pending) pending.push(event);
    else apply(event);
    for (const fn of listeners) fn(event);
    return undefined;
  }

  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
}

const fetching = new Set();

/** Reads one VM's summary again (created, changed, or heard of before it was read). */
async function refresh(id) {
  if (fetching.has(id)) return;
  fetching.add(id);
  try {
    const details = await get(`${vmPath(id)}?agentWait=0`);
    vms.set(id, fromSummary(details.summary));
  } catch {
    // Removed meanwhile: its vm-removed event takes it off the list.
  } finally {
    fetching.delete(id);
  }
}

function apply(e) {
  switch (e.type) {
    case 'vm-created':
    case 'vm-changed':
      return refresh(e.vmId);
    case 'vm-removed':
      return vms.delete(e.vmId);
    case 'vm-state-changed':
      return applyState(e) || refresh(e.vmId);
    case 'vm-integration-changed':
      if (e.integration?.service === 'heartbeat' && !isIdle(vms.get(e.vmId)?.state)) {
        vms.update(e.vmId, { heartbeat: e.integration.status });
      }
      return undefined;
    case 'job-created':
    case 'job-progress':
      return putJob(e.job);
    case 'job-ended':
      putJob(e.job);
      if (e.job.vm && vms.has(e.job.vm.id)) vms.set(e.job.vm.id, fromSummary(e.job.vm));
      return undefined;
    default:
      return undefined;
  }
}
