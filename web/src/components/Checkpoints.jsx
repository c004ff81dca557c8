import { useEffect, useState } from 'preact/hooks';
import { del, get, patch, post, vmPath } from '../lib/api.js';
import { stateLabel } from '../lib/format.js';
import { useStoreItem } from '../lib/hooks.js';
import { isEnded, jobs, putJob } from '../lib/jobStore.js';
import { onHostEvent } from '../lib/liveEvents.js';
import { allows } from '../lib/vmActions.js';
import { NO_PROBLEM, refusal } from '../lib/requests.js';
import { CheckpointTree } from './CheckpointTree.jsx';
import { ConfirmDialog } from './ConfirmDialog.jsx';
import { ErrorSummary } from './ErrorSummary.jsx';
import { JobProgress } from './JobProgress.jsx';
import { NewCheckpointForm } from './NewCheckpointForm.jsx';

const NEW_FIELDS = { name: 'checkpoint-name', kind: 'checkpoint-kind' };

/**
 * A VM's checkpoints as Hyper-V Manager shows them: the tree with "Now" under the checkpoint the
 * VM's state comes from; take, apply, rename and remove. Taking, applying and removing are jobs
 * whose progress comes with the event stream; what the VM's state allows is the host's word
 * (its allowedActions), and a refusal is shown as the host words it.
 */
export function Checkpoints({ vm }) {
  const [tree, setTree] = useState(null);
  const [jobId, setJobId] = useState(null);
  const job = useStoreItem(jobs, jobId);
  const [problem, setProblem] = useState(NO_PROBLEM);
  const [done, setDone] = useState('');
  const [confirm, setConfirm] = useState(null); // { op: 'apply' | 'remove', checkpoint }
  const path = `${vmPath(vm.id)}/checkpoints`;
  const at = (c) => `${path}/${encodeURIComponent(c.id)}`;

  useEffect(() => {
    const load = () => get(path).then(setTree).catch((e) => setProblem(refusal('The checkpoints cannot be read', e, {})));
    load();
    return onHostEvent((e) => e.vmId === vm.id && e.type !== 'job-progress' && load());
  }, [vm.id]);

  const busy = !!job && !isEnded(job);
  /** Sends one request; its answer, or null when the host refused (its words are shown). */
  async function send(title, fields, request) {
    setProblem(NO_PROBLEM);
    setDone('');
    setJobId(null);
    try {
      return await request();
    } catch (e) {
      setProblem(refusal(title, e, fields));
      return null;
    }
  }
  /** A job the host answered with, followed until it ends. */
  async function follow(title, fields, request) {
    const started = await send(title, fields, request);
    if (!started) return false;
    putJob(started);
    setJobId(started.id);
    return true;
  }

  const take = (body) => follow('The host refused to take the checkpoint', NEW_FIELDS, () => post(path, body));
  const apply = (c) => follow(`The host refused to apply ${c.name}`, {}, () => post(`${at(c)}/apply`));
  const remove = (c) => follow(`The host refused to remove ${c.name}`, {}, () => del(at(c)));
  async function rename(c, name) {
    const renamed = await send(`The host refused to rename ${c.name}`, { name: `checkpoint-rename-${c.id}` }, () => patch(at(c), { name }));
    if (!renamed) return false;
    setDone(`Renamed ${c.name} to ${renamed.name}.`);
    get(path).then(setTree).catch(() => {});
    return true;
  }
  // Not allowed: the button says why in the VM's state, which the host's allowedActions follow.
  const why = (action, what) => (allows(vm, action) ? '' : `The host does not ${what} while the VM is ${stateLabel(vm.state).toLowerCase()}.`);

  return (
    <section aria-labelledby="checkpoints-title" class="checkpoints-panel">
      <h2 id="checkpoints-title">Checkpoints</h2>
      <ErrorSummary title={problem.title} errors={problem.list} titleId="checkpoints-error-title" />
      <p role="status" class="checkpoints-status">{job ? <JobProgress job={job} /> : done}</p>
      {tree === null ? <p>Reading the checkpoints…</p> : (
        <CheckpointTree tree={tree} vmName={vm.name} busy={busy} errors={problem.byId}
          applyReason={why('apply-checkpoint', 'apply a checkpoint')} removeReason={why('remove-checkpoint', 'remove a checkpoint')}
          onApply={(c) => setConfirm({ op: 'apply', checkpoint: c })} onRemove={(c) => setConfirm({ op: 'remove', checkpoint: c })}
          onRename={rename} />
      )}
      <NewCheckpointForm busy={busy} reason={why('new-checkpoint', 'take a checkpoint')} errors={problem.byId} onTake={take} />
      {confirm && (
        <ConfirmDialog title={`${confirm.op === 'apply' ? 'Apply' : 'Remove'} ${confirm.checkpoint.name}?`}
          confirmLabel={confirm.op === 'apply' ? 'Apply' : 'Remove'} onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            (confirm.op === 'apply' ? apply : remove)(confirm.checkpoint);
          }}>
          <p>{confirm.op === 'apply'
            ? 'The VM\'s current state is discarded and replaced by the checkpoint\'s; a checkpoint with memory runs on from it.'
            : 'The checkpoint goes; its disks are merged, so no data of the VM is lost.'}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
