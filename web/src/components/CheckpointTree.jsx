import { useState } from 'preact/hooks';
import { Field } from './Field.jsx';

/**
 * The checkpoints as a tree, each under the one it was taken from, and "Now" under the checkpoint
 * the VM's current state comes from (as Hyper-V Manager draws it). A reason given for apply or
 * remove disables those buttons and is said once, above the tree.
 */
export function CheckpointTree({ tree, vmName, busy, errors, applyReason, removeReason, onApply, onRemove, onRename }) {
  if (tree.checkpoints.length === 0) return <p>The VM has no checkpoints.</p>;
  const reasons = [applyReason, removeReason].filter(Boolean);
  const props = { nowParentId: tree.nowParentId, busy, errors, applyReason, removeReason, onApply, onRemove, onRename };
  return (
    <>
      {reasons.length > 0 && <p id="checkpoint-reasons" class="hint">{reasons.join(' ')}</p>}
      <Branch list={tree.checkpoints} parentId={null} label={`Checkpoints of ${vmName}`} {...props} />
    </>
  );
}

function Branch({ list, parentId, label, ...props }) {
  return (
    <ul class="checkpoint-tree" aria-label={label}>
      {list.map((c) => <Item key={c.id} c={c} {...props} />)}
      {(props.nowParentId ?? null) === parentId && (
        <li class="checkpoint now" data-checkpoint="now"><span class="now-marker" aria-hidden="true">▶</span> Now</li>
      )}
    </ul>
  );
}

function Item({ c, ...props }) {
  const { busy, errors, applyReason, removeReason, onApply, onRemove, onRename } = props;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(c.name);
  const renameId = `checkpoint-rename-${c.id}`;
  async function submit(e) {
    e.preventDefault();
    if (await onRename(c, name.trim())) setRenaming(false);
  }
  const described = (reason) => (reason ? { title: reason, 'aria-describedby': 'checkpoint-reasons' } : {});
  return (
    <li class={`checkpoint${c.current ? ' current' : ''}`} data-checkpoint={c.name}>
      <div class="checkpoint-row">
        <span class="checkpoint-name">{c.name}</span>
        <span class="hint">{c.kind}{c.hasMemory ? ', with memory' : ''}, {new Date(c.created).toLocaleString()}</span>
        <span class="actions">
          <button type="button" disabled={busy || !!applyReason} {...described(applyReason)} onClick={() => onApply(c)}
            aria-label={`Apply ${c.name}`}>Apply</button>
          <button type="button" disabled={busy} onClick={() => setRenaming(!renaming)} aria-label={`Rename ${c.name}`}>Rename</button>
          <button type="button" class="danger" disabled={busy || !!removeReason} {...described(removeReason)}
            onClick={() => onRemove(c)} aria-label={`Remove ${c.name}`}>Remove</button>
        </span>
      </div>
      {renaming && (
        <form class="row checkpoint-rename" onSubmit={submit} noValidate>
          <Field id={renameId} label={`New name for ${c.name}`} errors={errors[renameId]} value={name}
            onInput={(e) => setName(e.currentTarget.value)} />
          <div class="buttons">
            <button type="submit" disabled={busy}>Save name</button>
            <button type="button" onClick={() => setRenaming(false)}>Cancel</button>
          </div>
        </form>
      )}
      {(c.children.length > 0 || props.nowParentId === c.id) && (
        <Branch list={c.children} parentId={c.id} label={`Taken from ${c.name}`} {...props} />
      )}
    </li>
  );
}
