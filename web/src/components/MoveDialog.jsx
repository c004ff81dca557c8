import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, vmPath } from '../lib/api.js';
import { useStoreItem } from '../lib/hooks.js';
import { isEnded, jobs, putJob } from '../lib/jobStore.js';
import { navigate } from '../lib/router.js';
import { JobProgress } from './JobProgress.jsx';

/**
 * Move a running VM to a peer host (live, or quick: saved and restored through shared storage; or live with its disks copied), as `nube vm move` does: the
 * host's peers to choose from, the move's job followed to its end. Every reason the host or the
 * peer refuses is shown as they word it; once moved, the VM is the peer's and this host's list
 * is the way back.
 */
export function MoveDialog({ vm, onClose }) {
  const dialog = useRef(null);
  const [peers, setPeers] = useState(null);
  const [to, setTo] = useState('');
  const [quick, setQuick] = useState(false);
  const [withStorage, setWithStorage] = useState(false);
  const [folder, setFolder] = useState('');
  const [error, setError] = useState(null);
  const [jobId, setJobId] = useState(null);
  const job = useStoreItem(jobs, jobId);
  useEffect(() => {
    dialog.current.showModal();
    get('/api/v1/host/peers').then((list) => {
      setPeers(list);
      setTo(list[0]?.name ?? '');
    }, (e) => setError(e.message));
  }, []);

  async function move(e) {
    e.preventDefault();
    setError(null);
    try {
      const started = await post(`${vmPath(vm.id)}/move`,
        { to, live: !quick, withStorage: withStorage && !quick, storageFolder: withStorage && !quick && folder.trim() ? folder.trim() : null });
      putJob(started);
      setJobId(started.id);
    } catch (err) {
      setError(err.message);
    }
  }

  const moving = job && !isEnded(job);
  const moved = job?.state === 'completed';
  return (
    <dialog ref={dialog} class="confirm move" aria-labelledby="move-title" onCancel={moving ? (e) => e.preventDefault() : onClose}>
      <h2 id="move-title">Move {vm.name} to another host</h2>
      {peers && peers.length === 0 && <p>This host has no peers: add one with <code>nube host peer add</code>.</p>}
      {peers && peers.length > 0 && !job && (
        <form id="move-form" onSubmit={move}>
          <label for="move-to">Host</label>
          <select id="move-to" value={to} onInput={(e) => setTo(e.currentTarget.value)}>
            {peers.map((p) => <option key={p.name} value={p.name}>{p.name} ({p.url})</option>)}
          </select>
          <label class="check">
            <input type="checkbox" checked={quick} onInput={(e) => setQuick(e.currentTarget.checked)} />
            Quick: save it to the shared storage and restore it there (the VM is paused for both)
          </label>
          <label class="check">
            <input type="checkbox" checked={withStorage && !quick} disabled={quick} onInput={(e) => setWithStorage(e.currentTarget.checked)} />
            Copy its disks to that host while it runs (they are deleted here once it has the VM)
          </label>
          {withStorage && !quick && (
            <>
              <label for="move-folder">Folder there</label>
              <input id="move-folder" value={folder} placeholder="the same paths" onInput={(e) => setFolder(e.currentTarget.value)} />
            </>
          )}
          <p class="hint">{withStorage && !quick ? 'DVDs and read-only disks must be at the same paths there.' : 'Its disks stay where they are: on storage both hosts reach.'}</p>
        </form>
      )}
      <p class="status" aria-live="polite">
        {error && <span class="error">{error}</span>}
        {job && <JobProgress job={job} />}
      </p>
      <div class="buttons">
        {moved
          ? <button type="button" onClick={() => { onClose(); navigate('/vms'); }} autofocus>Back to the VMs</button>
          : <button type="button" onClick={onClose} disabled={moving} autofocus>{job ? 'Close' : 'Cancel'}</button>}
        {!job && peers?.length > 0 && <button type="submit" form="move-form">Move</button>}
      </div>
    </dialog>
  );
}
