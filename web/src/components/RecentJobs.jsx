import { useStoreChanges } from '../lib/hooks.js';
import { clock } from '../lib/format.js';
import { jobs, recentJobs } from '../lib/jobStore.js';
import { JobProgress } from './JobProgress.jsx';
import { Link } from './Link.jsx';

const RECENT = 12;

/** The newest jobs with their progress, live from the event stream. */
export function RecentJobs() {
  useStoreChanges(jobs);
  const list = recentJobs(RECENT);
  return (
    <section aria-labelledby="jobs-title">
      <h2 id="jobs-title">Recent jobs</h2>
      {list.length === 0 ? <p>No jobs yet.</p> : (
        <table class="jobs">
          <thead><tr><th scope="col">Started</th><th scope="col">VM</th><th scope="col">By</th><th scope="col">Job</th></tr></thead>
          <tbody>
            {list.map((j) => (
              <tr key={j.id}>
                <td>{clock(j.createdAt)}</td>
                <td><Link href={`/vms/${j.vmId}`}>{j.vmName}</Link></td>
                <td class="job-by">{j.requestedBy ?? ''}</td>
                <td><JobProgress job={j} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
