import { keyedStore } from './keyedStore.js';

// Jobs by id (for the host's recent jobs) and each VM's latest job (for its row's progress).

export const jobs = keyedStore();
export const latestJobByVm = keyedStore();

const KEEP = 200;
const ENDED = new Set(['completed', 'failed', 'cancelled']);
export const isEnded = (job) => ENDED.has(job.state);

export function putJob(job) {
  // A request's answer can arrive after the stream told of the job's end: the end stays.
  if (!isEnded(job) && isEnded(jobs.get(job.id) ?? job)) return;
  jobs.set(job.id, job);
  const latest = latestJobByVm.get(job.vmId);
  if (!latest || latest.id === job.id || latest.createdAt <= job.createdAt) latestJobByVm.set(job.vmId, job);
  if (jobs.size > KEEP + 50) prune();
}

export function replaceJobs(list) {
  jobs.replaceAll(list.map((j) => [j.id, j]));
  const latest = new Map();
  for (const j of list) if (!latest.has(j.vmId) || latest.get(j.vmId).createdAt < j.createdAt) latest.set(j.vmId, j);
  latestJobByVm.replaceAll(latest);
}

/** The newest jobs first. */
export function recentJobs(count) {
  return [...jobs.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)).slice(0, count);
}

function prune() {
  const ended = [...jobs.values()].filter(isEnded).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  for (const j of ended.slice(0, jobs.size - KEEP)) jobs.delete(j.id);
}
