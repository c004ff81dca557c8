import { useState } from 'preact/hooks';
import { Field } from './Field.jsx';

const FORMATS = [['vhdx', 'VHDX'], ['vhd', 'VHD'], ['qcow2', 'qcow2'], ['raw', 'raw']];

/** A blank disk file under the host's storage roots (POST /api/v1/disks). */
export function NewDiskForm({ busy, err, onMake }) {
  const [path, setPath] = useState('');
  const [size, setSize] = useState('');
  const [format, setFormat] = useState('vhdx');
  const [fixed, setFixed] = useState(false);
  const text = (set) => (e) => set(e.currentTarget.value);

  function submit(e) {
    e.preventDefault();
    // An empty field is left out, so that the host's message says it is missing.
    onMake({ format, fixed, ...(path.trim() && { path: path.trim() }), ...(size.trim() && { size: size.trim() }) });
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-disk-title" class="card">
      <h3 id="new-disk-title">New disk file</h3>
      <Field id="disk-path" label="New file" hint="An absolute path under the host's storage roots; an existing file is never overwritten."
        errors={err('disk-path')} placeholder="/var/lib/nube/images/data.vhdx" value={path} onInput={text(setPath)} />
      <div class="row">
        <Field id="disk-size" label="Size" hint="Bytes or with a unit: 512MiB, 20GiB." errors={err('disk-size')} value={size} onInput={text(setSize)} />
        <Field id="disk-format" as="select" label="Format" options={FORMATS} errors={err('disk-format')} value={format} onInput={text(setFormat)} />
      </div>
      <Field id="disk-fixed" as="checkbox" label="Fixed size (every byte allocated now)" errors={err('disk-fixed')} checked={fixed}
        onChange={(e) => setFixed(e.currentTarget.checked)} />
      <div class="buttons"><button type="submit" disabled={busy}>Make disk file</button></div>
    </form>
  );
}
