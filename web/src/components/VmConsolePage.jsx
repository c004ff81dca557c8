import { useEffect, useState } from 'preact/hooks';
import { get, vmPath } from '../lib/api.js';
import { useStoreItem } from '../lib/hooks.js';
import { stateLabel } from '../lib/format.js';
import { fromSummary, vms } from '../lib/vmStore.js';
import { Link } from './Link.jsx';
import { SerialTerminal } from './SerialTerminal.jsx';
import { VmActionBar } from './VmActionBar.jsx';
import { VncScreen } from './VncScreen.jsx';

/** VMConnect in the browser: the VM's screen (noVNC) and its serial console (xterm.js), while it runs. */
export function VmConsolePage({ id }) {
  const vm = useStoreItem(vms, id);
  const [error, setError] = useState(null);
  useEffect(() => {
    // Opened directly (a link from `nube vm connect`): the VM may not be in the store yet.
    if (!vms.has(id)) get(`${vmPath(id)}?agentWait=0`).then((d) => vms.set(id, fromSummary(d.summary))).catch((e) => setError(e.message));
  }, [id]);
  if (error) return <section><h1 tabindex="-1">VM not found</h1><p class="error">{error}</p></section>;
  if (!vm) return <section><h1 tabindex="-1">Console</h1><p>Reading the VM…</p></section>;
  const running = vm.state === 'running' || vm.state === 'paused';
  return (
    <section class="console-page">
      <div class="page-title">
        <h1 tabindex="-1">{vm.name} <span class="subtitle">console</span></h1>
        <span class={`state state-${vm.state}`} data-state={vm.state}>{stateLabel(vm.state)}</span>
        <Link class="button" href={`/vms/${id}`}>Settings</Link>
      </div>
      <VmActionBar vm={vm} />
      {!running && <p class="notice">The VM is {stateLabel(vm.state).toLowerCase()}: its screen and serial console are there while it runs.</p>}
      <div class="consoles">
        <VncScreen id={id} running={running} />
        <SerialTerminal id={id} running={running} />
      </div>
    </section>
  );
}
