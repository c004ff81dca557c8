import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, get, patch, vmPath } from '../lib/api.js';
import { useHost } from '../lib/hostContext.js';
import { useStoreItem } from '../lib/hooks.js';
import { onHostEvent } from '../lib/liveEvents.js';
import { stateLabel, statusLabel } from '../lib/format.js';
import { vms } from '../lib/vmStore.js';
import { changedSettings, fromSettings, placeErrors, toSettings } from '../lib/vmForm.js';
import { Checkpoints } from './Checkpoints.jsx';
import { Devices } from './Devices.jsx';
import { Drives } from './Drives.jsx';
import { ErrorSummary } from './ErrorSummary.jsx';
import { IntegrationServices } from './IntegrationServices.jsx';
import { Link } from './Link.jsx';
import { ResourceUse } from './ResourceUse.jsx';
import { VmActionBar } from './VmActionBar.jsx';
import { VmForm } from './VmForm.jsx';

const ADDRESS_POLL_MS = 10000;

/** One VM: what `vm show` shows, its actions, its drives, its checkpoints, its integration services, and its settings to edit. */
export function VmSettingsPage({ id }) {
  const { host } = useHost();
  const live = useStoreItem(vms, id);
  const [details, setDetails] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [form, setForm] = useState(null);
  const [base, setBase] = useState(null); // the settings the form was filled from: only what the user changed is sent
  const [problem, setProblem] = useState({ byId: {}, list: [] });
  const [saved, setSaved] = useState('');

  const load = useCallback(() => get(`${vmPath(id)}?agentWait=0`).then((d) => {
    setDetails(d);
    return d;
  }), [id]);
  useEffect(() => {
    load().then((d) => d.settings && fill(d.settings)).catch((e) => setLoadError(e.message));
    return onHostEvent((e) => e.vmId === id && e.type !== 'job-progress' && load().catch(() => {}));
  }, [id]);
  // While it runs, the guest is asked for its IP addresses now and then: a DHCP lease comes after the start.
  const running = (live ?? details?.summary)?.state === 'running';
  useEffect(() => {
    if (!running) return undefined;
    const ask = () => get(`${vmPath(id)}?agentWait=2`).then(setDetails).catch(() => {});
    ask();
    const timer = setInterval(ask, ADDRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [id, running]);

  function fill(settings) {
    const next = fromSettings(settings);
    setForm(next);
    setBase(toSettings(next).settings);
  }

  if (loadError) return <section><h1 tabindex="-1">VM not found</h1><p class="error">{loadError}</p></section>;
  if (!details) return <section><h1 tabindex="-1">Virtual machine</h1><p>Reading the VM…</p></section>;
  const summary = live ?? details.summary;

  async function save(e) {
    e.preventDefault();
    const { settings, fields } = toSettings(form);
    const changes = changedSettings(base, settings);
    setSaved('');
    if (Object.keys(changes).length === 0) return setSaved('Nothing to save: no setting changed.');
    try {
      const d = await patch(vmPath(id), changes);
      setDetails(d);
      fill(d.settings);
      setProblem({ byId: {}, list: [] });
      setSaved('Saved.');
    } catch (err) {
      setProblem(err instanceof ApiError && err.fieldErrors.length
        ? placeErrors(err.fieldErrors, fields)
        : { byId: {}, list: [{ message: err.message, id: null }] });
    }
    return undefined;
  }

  return (
    <section class="vm-page">
      <div class="page-title">
        <h1 tabindex="-1">{summary.name}</h1>
        <span class={`state state-${summary.state}`} data-state={summary.state}>{stateLabel(summary.state)}</span>
        <Link class="button" href={`/vms/${id}/console`}>Connect</Link>
      </div>
      <VmActionBar vm={summary} />
      <dl class="card facts">
        <dt>Firmware</dt><dd>{details.firmware}</dd>
        <dt>Machine</dt><dd>{details.machine}</dd>
        <dt>Heartbeat</dt><dd>{statusLabel(summary.heartbeat) || 'Not running'}</dd>
        {summary.state === 'running' && (
          <><dt>IP addresses</dt><dd data-testid="vm-addresses">{addressesOf(details) || 'none reported yet'}</dd></>
        )}
        {details.accelerator && <><dt>Accelerator</dt><dd>{details.accelerator}</dd></>}
        {details.processId && <><dt>QEMU process</dt><dd>{details.processId}</dd></>}
        <dt>Folder</dt><dd><code>{details.vmDirectory}</code></dd>
        <dt>Id</dt><dd><code>{id}</code></dd>
      </dl>
      <ResourceUse id={id} running={summary.state === 'running' || summary.state === 'paused'} />
      <Devices devices={details.devices ?? []} />
      <Drives id={id} />
      <Checkpoints vm={summary} />
      <IntegrationServices id={id} services={details.integrationServices ?? []} onChanged={load} />
      {form && (
        <form onSubmit={save} noValidate aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <p class="hint">Hardware changes only while the VM is off (not saved: its saved state needs this hardware); the name, notes, actions, processor controls and integration services at any time. The Drives panel above also works while the VM runs, as far as the host allows.</p>
          <ErrorSummary title="The host refused these changes" errors={problem.list} />
          <VmForm form={form} change={(f) => setForm((x) => ({ ...x, ...f }))} errors={problem.byId} host={host} mode="edit" />
          <div class="buttons sticky">
            <button type="submit" class="primary">Save changes</button>
            <span role="status">{saved}</span>
          </div>
        </form>
      )}
    </section>
  );
}

/** The addresses the guest reported on all its adapters (see Devices), or '' when it reported none. */
function addressesOf(details) {
  return (details.devices ?? []).flatMap((d) => d.addresses ?? []).join(', ');
}
