import { useState } from 'preact/hooks';
import { Field } from './Field.jsx';

const FORMATS = [['qcow2', 'qcow2'], ['vhdx', 'VHDX'], ['vhd', 'VHD'], ['raw', 'raw']];
const TITLES = { convert: 'Convert a disk file', resize: 'Resize a disk file', check: 'Check a disk file' };

/** The disk's path with another extension, as a convert's first idea of where its copy goes. */
const renamed = (path, format) => path.replace(/(\.[^./]*)?$/, `.${format}`);

/**
 * The form of one action on one disk file: convert (a new file and its format), resize (the new
 * size, a shrink allowed or not) or check (with repair or not). Submitting hands the request's body up.
 */
export function DiskActionForm({ action, disk, busy, err, onSubmit, onClose }) {
  const [format, setFormat] = useState(disk.format === 'qcow2' ? 'vhdx' : 'qcow2');
  const [destination, setDestination] = useState(renamed(disk.path, disk.format === 'qcow2' ? 'vhdx' : 'qcow2'));
  const [size, setSize] = useState('');
  const [flag, setFlag] = useState(false);
  const text = (set) => (e) => set(e.currentTarget.value);

  function submit(e) {
    e.preventDefault();
    if (action === 'convert') onSubmit({ source: disk.path, destination: destination.trim(), format });
    else if (action === 'resize') onSubmit({ path: disk.path, allowShrink: flag, ...(size.trim() && { size: size.trim() }) });
    else onSubmit({ path: disk.path, repair: flag });
  }

  const changeFormat = (e) => {
    const next = e.currentTarget.value;
    // The copy's name follows the format, as VMs read a disk's format from its extension.
    if (destination === renamed(disk.path, format)) setDestination(renamed(disk.path, next));
    setFormat(next);
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="disk-action-title" class="card disk-action">
      <h3 id="disk-action-title">{TITLES[action]}</h3>
      <p><code>{disk.path}</code></p>
      {action === 'convert' && (
        <div class="row">
          <Field id="convert-destination" label="New file" hint="It must not exist yet; the source stays as it is."
            errors={err('convert-destination')} value={destination} onInput={text(setDestination)} />
          <Field id="convert-format" as="select" label="Format" options={FORMATS} errors={err('convert-format')} value={format}
            onInput={changeFormat} />
        </div>
      )}
      {action === 'resize' && (
        <>
          <Field id="resize-size" label="New size" hint="Bytes or with a unit: 512MiB, 20GiB." errors={err('resize-size')}
            value={size} onInput={text(setSize)} />
          <Field id="resize-shrink" as="checkbox" label="Allow a smaller size (the data past it is lost)" errors={err('resize-shrink')}
            checked={flag} onChange={(e) => setFlag(e.currentTarget.checked)} />
        </>
      )}
      {action === 'check' && (
        <Field id="check-repair" as="checkbox" label="Repair leaks and errors (only while no VM uses the file)"
          errors={err('check-repair')} checked={flag} onChange={(e) => setFlag(e.currentTarget.checked)} />
      )}
      <div class="buttons">
        <button type="button" onClick={onClose}>Close</button>
        <button type="submit" disabled={busy}>{action === 'convert' ? 'Convert' : action === 'resize' ? 'Resize' : 'Check'}</button>
      </div>
    </form>
  );
}
