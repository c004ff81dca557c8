import { useEffect, useState } from 'preact/hooks';
import { get, vmPath } from '../lib/api.js';
import { byteSize, rate } from '../lib/format.js';
import { MeterChart } from './MeterChart.jsx';

/** How often the page asks again: the host samples every 5 s. */
const REFRESH_MS = 5000;

const SOURCES = { host: 'counted by the host', guest: 'as the guest reports it' };

/** A running VM's resource use (as `nube vm measure`): totals since its start and the last half hour in charts. */
export function ResourceUse({ id, running }) {
  const [m, setM] = useState(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!running) return setM(null);
    let timer;
    let live = true;
    const load = () => get(`${vmPath(id)}/measure?history=true`)
      .then((next) => { if (live) { setM(next); setError(''); } })
      .catch((e) => live && setError(e.message))
      .finally(() => { if (live) timer = setTimeout(load, REFRESH_MS); });
    load();
    return () => { live = false; clearTimeout(timer); };
  }, [id, running]);

  if (!running) return null;
  return (
    <section class="resource-use" aria-labelledby="use-title">
      <h2 id="use-title">Resource use</h2>
      {error && <p class="error">{error}</p>}
      {m?.processorSeconds != null && (
        <>
          <dl class="card facts" data-testid="resource-totals">
            <dt>Processor time</dt>
            <dd>{m.processorSeconds.toFixed(2)} s{m.processorPercent != null && `, ${m.processorPercent.toFixed(1)} % of its ${m.processorCount} processor(s) now`}</dd>
            <dt>Memory in use</dt>
            <dd>{byteSize(m.memoryUsedBytes)} on the host (peak {byteSize(m.memoryPeakBytes)}; {byteSize(m.memoryAssignedBytes)} assigned)</dd>
            <dt>Disk I/O</dt>
            <dd>read {byteSize(m.diskReadBytes)} ({m.diskReads} requests), wrote {byteSize(m.diskWrittenBytes)} ({m.diskWrites} requests)</dd>
            {m.networkAdapters.map((a) => (
              <><dt>{a.name}</dt><dd>{a.source === 'none' ? 'not counted' : `received ${byteSize(a.receivedBytes)}, sent ${byteSize(a.sentBytes)} (${SOURCES[a.source]})`}</dd></>
            ))}
          </dl>
          <div class="meter-charts">
            <MeterChart title="Processor (% of its processors)" points={m.history ?? []} format={(v) => `${v.toFixed(0)} %`}
              series={[{ label: 'use', value: (p) => p.processorPercent }]} />
            <MeterChart title="Memory on the host" points={m.history ?? []} format={byteSize}
              series={[{ label: 'in use', value: (p) => p.memoryUsedBytes }]} />
            <MeterChart title="Disk" points={m.history ?? []} format={rate}
              series={[{ label: 'read', value: (p) => p.diskReadBytesPerSecond }, { label: 'write', value: (p) => p.diskWriteBytesPerSecond }]} />
            <MeterChart title="Network" points={m.history ?? []} format={rate}
              series={[{ label: 'received', value: (p) => p.networkReceivedBytesPerSecond }, { label: 'sent', value: (p) => p.networkSentBytesPerSecond }]} />
          </div>
        </>
      )}
    </section>
  );
}
