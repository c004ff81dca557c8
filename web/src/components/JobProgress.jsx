import { isEnded } from '../lib/jobStore.js';
import { jobKind } from '../lib/format.js';

/** A job as one line: a progress bar while it runs, then how it ended. */
export function JobProgress({ job }) {
  const kind = jobKind(job.kind);
  if (!isEnded(job)) {
    const what = job.phase ? `${kind}: ${job.phase}` : `${kind}: ${job.state}`;
    return (
      <span class="job running">
        <progress max="100" value={job.percent ?? undefined} aria-label={what} />
        <span>{what}{job.percent != null ? ` (${job.percent} %)` : ''}{job.cancelRequested ? ', cancelling' : ''}</span>
      </span>
    );
  }
  if (job.state === 'completed') return <span class="job completed">{kind} done{job.result ? `: ${job.result}` : '.'}</span>;
  return (
    <span class={`job ${job.state}`}>
      {kind} {job.state}{job.problem?.detail ? `: ${job.problem.detail}` : '.'}
    </span>
  );
}
