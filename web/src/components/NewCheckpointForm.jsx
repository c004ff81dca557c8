import { useState } from 'preact/hooks';
import { Field } from './Field.jsx';

const KINDS = [
  ['production', 'Production: the disks, with the guest\'s file systems frozen'],
  ['standard', 'Standard: the disks, the memory and the devices'],
];

/** Take a checkpoint: its name (the host names it when left empty) and its kind. */
export function NewCheckpointForm({ busy, reason, errors, onTake }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState('production');

  async function submit(e) {
    e.preventDefault();
    if (await onTake({ kind, ...(name.trim() && { name: name.trim() }) })) setName('');
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-checkpoint-title" class="card new-checkpoint">
      <h3 id="new-checkpoint-title">New checkpoint</h3>
      <div class="row">
        <Field id="checkpoint-name" label="Name" hint="Empty: the VM's name and the time." errors={errors['checkpoint-name']}
          value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <Field id="checkpoint-kind" as="select" label="Kind" options={KINDS} errors={errors['checkpoint-kind']}
          value={kind} onInput={(e) => setKind(e.currentTarget.value)} />
      </div>
      <div class="buttons">
        <button type="submit" disabled={busy || !!reason} title={reason || undefined}>Take checkpoint</button>
        {reason && <span class="hint">{reason}</span>}
      </div>
    </form>
  );
}
