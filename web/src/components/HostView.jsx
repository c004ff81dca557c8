import { useEffect } from 'preact/hooks';
import { useHost } from '../lib/hostContext.js';
import { HostFacts } from './HostFacts.jsx';
import { RecentJobs } from './RecentJobs.jsx';

/** The host as Hyper-V Manager's summary shows it: edition and limits, what runs, the jobs. */
export function HostView() {
  const { host, reload } = useHost();
  useEffect(() => { reload(); }, []);
  return (
    <section class="host-view">
      <h1 tabindex="-1">Host {host?.hostName}</h1>
      {host ? <HostFacts host={host} /> : <p>Reading the host…</p>}
      <RecentJobs />
    </section>
  );
}
