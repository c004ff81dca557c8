import { useStoreChanges } from '../lib/hooks.js';
import { bytes, mib } from '../lib/format.js';
import { isIdle, vms } from '../lib/vmStore.js';
import { Link } from './Link.jsx';

/** The host's edition and limits, and what its running VMs use, live from the VM store. */
export function HostFacts({ host }) {
  useStoreChanges(vms);
  const running = [...vms.values()].filter((v) => !isIdle(v.state));
  const cpus = running.reduce((n, v) => n + v.processorCount, 0);
  const memory = running.reduce((n, v) => n + v.memoryStartupMiB, 0);
  const limits = host.limits;
  const limit = (v, unit = '') => (v == null ? 'no limit' : `${v}${unit}`);
  return (
    <div class="cards">
      <dl class="card">
        <dt>Edition</dt><dd>{host.editionDisplayName} <code>{host.edition}</code></dd>
        <dt>Accelerator</dt><dd>{host.acceleratorInUse} (setting: {host.accelerator})</dd>
        <dt>QEMU</dt><dd>{host.qemuVersion}</dd>
        <dt>Web console</dt><dd>{host.webConsole ? 'on' : 'off'}</dd>
      </dl>
      <dl class="card">
        <dt>Logical processors</dt><dd>{host.logicalProcessors} ({cpus} vCPUs assigned to running VMs)</dd>
        <dt>Memory</dt><dd>{bytes(host.memoryBytes)} ({mib(memory) || '0 MiB'} assigned to running VMs)</dd>
        <dt>Running VMs</dt>
        <dd>
          <span data-testid="running-count">{running.length}</span>
          {limits.maxRunningVms == null ? ' (the edition sets no limit)' : ` of ${limits.maxRunningVms} allowed`}, <Link href="/vms">{vms.size} defined</Link>
        </dd>
      </dl>
      <dl class="card">
        <dt>Per VM</dt>
        <dd>up to {limits.maxProcessorsPerVm} vCPUs; memory: {limit(limits.maxGuestMemoryMiB, ' MiB')}</dd>
        <dt>Devices per VM</dt>
        <dd>
          {limits.maxIdeControllers} IDE controllers ({limits.maxIdeDevices} devices), {limits.maxScsiControllers} SCSI
          controllers ({limits.maxScsiDevices} disks in all), {limits.maxLegacyNetworkAdapters} legacy and{' '}
          {limits.maxSyntheticNetworkAdapters} synthetic network adapters
        </dd>
        <dt>Host limits</dt>
        <dd>
          logical processors: {limit(limits.maxHostLogicalProcessors)}; memory: {limit(limits.maxHostMemoryGiB, ' GiB')}; live
          migration: {limits.liveMigration ? 'yes' : 'no'}
        </dd>
      </dl>
    </div>
  );
}
