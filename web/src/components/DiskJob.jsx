import { useStoreItem } from '../lib/hooks.js';
import { isEnded, jobs } from '../lib/jobStore.js';
import { JobProgress } from './JobProgress.jsx';

/** A disk job (convert, merge) as its events bring it, with a cancel while it runs. */
export function DiskJob({ started, onCancel }) {
  const job = useStoreItem(jobs, started.id) ?? started;
  return (
    <span class="disk-job">
      <JobProgress job={job} />
      {!isEnded(job) && !job.cancelRequested && (
        <button type="button" onClick={() => onCancel(job)}>Cancel job</button>
      )}
    </span>
  );
}
