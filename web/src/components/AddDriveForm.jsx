import { useState } from 'preact/hooks';
import { Field } from './Field.jsx';

const MEDIA = [['hardDisk', 'Hard disk'], ['dvd', 'DVD drive']];

/** A disk or DVD drive to add; `initialPath` is a disk file just made on this page. */
export function AddDriveForm({ initialPath = '', busy, err, onAdd }) {
  const [media, setMedia] = useState('hardDisk');
  const [path, setPath] = useState(initialPath);
  const [at, setAt] = useState('');
  const [readOnly, setReadOnly] = useState(false);
  const text = (set) => (e) => set(e.currentTarget.value);

  async function submit(e) {
    e.preventDefault();
    // Left out rather than empty, so that the host picks the place and an empty DVD drive is one.
    const body = { media, readOnly, ...(path.trim() && { path: path.trim() }), ...(at.trim() && { at: at.trim() }) };
    if (await onAdd(body)) setPath('');
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-drive-title" class="card">
      <h3 id="add-drive-title">Add a drive</h3>
      <div class="row">
        <Field id="drive-media" as="select" label="Media" options={MEDIA} errors={err('drive-media')} value={media} onInput={text(setMedia)} />
        <Field id="drive-at" label="Place (optional)" hint="For example scsi0:3 or ide1:0; empty takes the first free place on SCSI controller 0."
          errors={err('drive-at')} value={at} onInput={text(setAt)} />
      </div>
      <Field id="drive-path" label="Image file" hint={media === 'dvd' ? 'An ISO image, or empty for a drive without a disc.' : undefined}
        errors={err('drive-path')} placeholder="/var/lib/nube/images/data.vhdx" value={path} onInput={text(setPath)} />
      <Field id="drive-readOnly" as="checkbox" label="Read-only" errors={err('drive-readOnly')} checked={readOnly}
        onChange={(e) => setReadOnly(e.currentTarget.checked)} />
      <div class="buttons"><button type="submit" disabled={busy}>Add drive</button></div>
    </form>
  );
}
