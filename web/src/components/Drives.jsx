import { useEffect, useState } from 'preact/hooks';
import { del, get, post, vmPath } from '../lib/api.js';
import { byteSize } from '../lib/format.js';
import { useStoreItem } from '../lib/hooks.js';
import { isEnded, latestJobByVm } from '../lib/jobStore.js';
import { onHostEvent } from '../lib/liveEvents.js';
import { refusal, useRequests } from '../lib/requests.js';
import { AddDriveForm } from './AddDriveForm.jsx';
import { ConfirmDialog } from './ConfirmDialog.jsx';
import { DriveTable } from './DriveTable.jsx';
import { DvdDiscForm } from './DvdDiscForm.jsx';
import { ErrorSummary } from './ErrorSummary.jsx';
import { JobProgress } from './JobProgress.jsx';
import { NewDiskForm } from './NewDiskForm.jsx';

// Where each request's field errors go: the host names the request's own fields.
const ADD_FIELDS = { at: 'drive-at', media: 'drive-media', path: 'drive-path', readOnly: 'drive-readOnly' };
const DISC_FIELDS = { drive: 'dvd-drive', path: 'dvd-path' };
const DISK_FIELDS = { path: 'disk-path', size: 'disk-size', format: 'disk-format', fixed: 'disk-fixed' };

/**
 * A VM's drives: the list, add (a hot add while the VM runs), remove, a DVD's disc in and out,
 * and a new disk file to add. What may change while the VM runs is the host's call; its refusal
 * is shown as it words it.
 */
export function Drives({ id }) {
  const [drives, setDrives] = useState(null);
  const { busy, done, problem, setProblem, run, err } = useRequests();
  const [made, setMade] = useState('');
  const [removing, setRemoving] = useState(null);
  const drivesPath = `${vmPath(id)}/drives`;

  useEffect(() => {
    const load = () => get(drivesPath).then(setDrives).catch((e) => setProblem(refusal('The drives cannot be read', e, {})));
    load();
    return onHostEvent((e) => e.vmId === id && e.type !== 'job-progress' && load());
  }, [id]);

  const change = (what, title, fields, request, message) => run(what, title, fields, request, (list) => {
    setDrives(list);
    return message;
  });
  const add = (body) => change('Adding the drive', 'The host refused to add the drive', ADD_FIELDS,
    () => post(drivesPath, body), 'Added the drive.');
  const remove = (d) => change(`Removing ${d.id}`, `The host refused to remove ${d.id}`, {},
    () => del(`${drivesPath}/${encodeURIComponent(d.id)}`), `Removed ${d.id}; its file stays.`);
  const insert = (body) => change('Inserting the disc', 'The host refused to insert the disc', DISC_FIELDS,
    () => post(`${drivesPath}/medium`, body), `Inserted the disc into ${body.drive}.`);
  const eject = (d) => change(`Ejecting the disc of ${d.id}`, `The host refused to eject the disc of ${d.id}`, {},
    () => post(`${drivesPath}/medium`, { drive: d.id }), `Ejected the disc of ${d.id}.`);
  const make = (body) => run('Making the disk file', 'The host refused to make the disk file', DISK_FIELDS,
    () => post('/api/v1/disks', body), (disk) => {
      setMade(disk.path);
      return `Made ${disk.path}: ${disk.format}, ${byteSize(disk.virtualSize)}.`;
    });

  return (
    <section aria-labelledby="drives-title" class="drives-panel">
      <h2 id="drives-title">Drives</h2>
      <ErrorSummary title={problem.title} errors={problem.list} titleId="drives-error-title" />
      <p role="status" class="drives-status">{busy ? <DriveJob vmId={id} what={busy} /> : done}</p>
      {drives === null ? <p>Reading the drives…</p> : (
        <DriveTable drives={drives} busy={!!busy} onRemove={setRemoving} onEject={eject} />
      )}
      {/* A disk file just made starts the add form afresh with its path (a new key remounts it). */}
      <div class="cards">
        <AddDriveForm key={made} initialPath={made} busy={!!busy} err={err} onAdd={add} />
        <DvdDiscForm dvds={(drives ?? []).filter((d) => d.media === 'dvd')} busy={!!busy} err={err} onInsert={insert} />
        <NewDiskForm busy={!!busy} err={err} onMake={make} />
      </div>
      {removing && (
        <ConfirmDialog title={`Remove ${removing.id}?`} confirmLabel="Remove"
          onCancel={() => setRemoving(null)} onConfirm={() => { setRemoving(null); remove(removing); }}>
          <p>The {removing.media === 'dvd' ? 'DVD drive' : 'disk'} at {removing.at} leaves the VM.
            {removing.path && <> Its file stays on the host: <code>{removing.path}</code>.</>}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** While a change runs: its change-devices job's progress when the host made one (the VM runs), else what is being done. */
function DriveJob({ vmId, what }) {
  const job = useStoreItem(latestJobByVm, vmId);
  return job?.kind === 'change-devices' && !isEnded(job) ? <JobProgress job={job} /> : <span class="busy">{what}…</span>;
}
