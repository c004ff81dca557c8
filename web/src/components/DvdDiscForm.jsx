import { useState } from 'preact/hooks';
import { Field } from './Field.jsx';

/** Puts a disc (an ISO image) into one of the VM's DVD drives; the table's Eject takes it out. */
export function DvdDiscForm({ dvds, busy, err, onInsert }) {
  const [drive, setDrive] = useState('');
  const [path, setPath] = useState('');
  if (dvds.length === 0) return null;

  function submit(e) {
    e.preventDefault();
    onInsert({ drive: drive || dvds[0].id, path: path.trim() });
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="dvd-disc-title" class="card">
      <h3 id="dvd-disc-title">Insert a disc</h3>
      <div class="row">
        <Field id="dvd-drive" as="select" label="DVD drive" options={dvds.map((d) => [d.id, `${d.id} (${d.at})`])}
          errors={err('dvd-drive')} value={drive || dvds[0].id} onInput={(e) => setDrive(e.currentTarget.value)} />
        <Field id="dvd-path" label="ISO image" errors={err('dvd-path')} placeholder="/var/lib/nube/iso/debian.iso"
          value={path} onInput={(e) => setPath(e.currentTarget.value)} />
      </div>
      <div class="buttons"><button type="submit" disabled={busy}>Insert disc</button></div>
    </form>
  );
}
