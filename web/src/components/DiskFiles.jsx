import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../lib/api.js';
import { byteSize } from '../lib/format.js';
import { onHostEvent } from '../lib/liveEvents.js';
import { refusal, useRequests } from '../lib/requests.js';
import { ConfirmDialog } from './ConfirmDialog.jsx';
import { DiskActionForm } from './DiskActionForm.jsx';
import { DiskFileTable } from './DiskFileTable.jsx';
import { DiskJob } from './DiskJob.jsx';
import { ErrorSummary } from './ErrorSummary.jsx';
import { NewDiskForm } from './NewDiskForm.jsx';

// Where each request's field errors go: the host names the request's own fields.
const NEW_FIELDS = { path: 'disk-path', size: 'disk-size', format: 'disk-format', fixed: 'disk-fixed' };
const ACTION_FIELDS = {
  convert: { destination: 'convert-destination', format: 'convert-format' },
  resize: { size: 'resize-size', allowShrink: 'resize-shrink' },
  check: { repair: 'check-repair' },
};
const DISKS = '/api/v1/disks';

const checked = (c) => (c.clean ? `${c.path} is clean.`
  : `${c.path}: ${c.corruptions} corruptions, ${c.leaks} leaks${c.repaired ? `, ${c.repaired} repaired` : ''}${c.fixable ? '; a repair may mend it' : ''}.`);

/**
 * The disk files under the host's storage roots: the list, a new file, and per file convert and
 * merge (jobs whose progress shows here, with a cancel), resize, check and remove.
 */
export function DiskFiles() {
  const [list, setList] = useState(null);
  const [action, setAction] = useState(null);
  const [confirming, setConfirming] = useState(null);
  const [job, setJob] = useState(null);
  const { busy, done, problem, setProblem, run, err } = useRequests();
  const load = () => get(DISKS).then(setList).catch((e) => setProblem(refusal('The disk files cannot be read', e, {})));

  useEffect(() => {
    load();
    // A conversion's copy or a merge changes the list; other jobs' ends do not call for a qemu-img run per disk.
    return onHostEvent((e) => e.type === 'job-ended' && e.job.kind.startsWith('disk-') && load());
  }, []);

  const startJob = (what, title, fields, path, body) => run(what, title, fields, () => post(`${DISKS}/${path}?wait=0`, body), (started) => {
    setJob(started);
    setAction(null);
    return '';
  });
  const actions = {
    convert: (body) => startJob('Starting the conversion', 'The host refused to convert the disk file', ACTION_FIELDS.convert, 'convert', body),
    resize: (body) => run('Resizing', 'The host refused to resize the disk file', ACTION_FIELDS.resize, () => post(`${DISKS}/resize`, body), (d) => {
      load();
      return `${d.path} is now ${byteSize(d.virtualSize)}.`;
    }),
    check: (body) => run('Checking', 'The host refused to check the disk file', ACTION_FIELDS.check, () => post(`${DISKS}/check`, body), checked),
  };
  const make = (body) => run('Making the disk file', 'The host refused to make the disk file', NEW_FIELDS, () => post(DISKS, body), (d) => {
    load();
    return `Made ${d.path}: ${d.format}, ${byteSize(d.virtualSize)}.`;
  });
  const merge = (d) => startJob('Starting the merge', `The host refused to merge ${d.path}`, {}, 'merge', { path: d.path });
  const remove = (d) => run(`Removing ${d.path}`, `The host refused to remove ${d.path}`, {},
    () => del(`${DISKS}?path=${encodeURIComponent(d.path)}`), () => {
      load();
      return `Deleted ${d.path}.`;
    });
  const cancel = (j) => run('Cancelling the job', 'The host refused to cancel the job', {}, () => post(`/api/v1/jobs/${j.id}/cancel`), () => '');
  const choose = (kind, disk) => (kind === 'merge' || kind === 'remove' ? setConfirming({ kind, disk }) : setAction({ kind, disk }));

  return (
    <section aria-labelledby="disk-files-title" class="disk-files-panel">
      <h2 id="disk-files-title">Disk files</h2>
      <ErrorSummary title={problem.title} errors={problem.list} titleId="disk-files-error-title" />
      <p role="status" class="drives-status">{busy ? <span class="busy">{busy}…</span> : done}</p>
      {job && <p class="drives-status"><DiskJob key={job.id} started={job} onCancel={cancel} /></p>}
      {list === null ? <p>Reading the disk files…</p> : (
        <>
          <DiskFileTable disks={list.disks} busy={!!busy} onAction={choose} />
          {list.unreadable.map((u) => <p key={u.path} class="field-error">Unreadable: <code>{u.path}</code>: {u.problem}</p>)}
          {list.truncated && <p class="hint">The host stopped at its limit of files: more disks may lie under the storage roots.</p>}
        </>
      )}
      <div class="cards">
        {action && <DiskActionForm key={`${action.kind} ${action.disk.path}`} action={action.kind} disk={action.disk} busy={!!busy}
          err={err} onSubmit={actions[action.kind]} onClose={() => setAction(null)} />}
        <NewDiskForm busy={!!busy} err={err} onMake={make} />
      </div>
      {confirming && (
        <ConfirmDialog title={confirming.kind === 'merge' ? `Merge ${confirming.disk.path} into its parent?` : `Delete ${confirming.disk.path}?`}
          confirmLabel={confirming.kind === 'merge' ? 'Merge' : 'Delete'} onCancel={() => setConfirming(null)}
          onConfirm={() => { const { kind, disk } = confirming; setConfirming(null); (kind === 'merge' ? merge : remove)(disk); }}>
          <p>{confirming.kind === 'merge'
            ? <>Its data is written into <code>{confirming.disk.parents[0]?.path}</code>; the child is left empty.</>
            : 'The file is deleted from the host. This cannot be undone.'}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
