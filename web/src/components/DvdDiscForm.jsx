import { useEffect, useState } from 'preact/hooks';
import { get } from '../lib/api.js';
import { Field } from './Field.jsx';

/**
 * Puts a disc (an ISO image) into one of the VM's DVD drives; the table's Eject takes it out. The
 * ISO library's images are offered as the path is typed; any path under the storage roots may be.
 */
export function DvdDiscForm({ dvds, busy, err, onInsert }) {
  const [drive, setDrive] = useState('');
  const [path, setPath] = useState('');
  const [isos, setIsos] = useState([]);
  // Without the library the form still takes a typed path.
  useEffect(() => { get('/api/v1/isos').then(setIsos).catch(() => {}); }, []);
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
        <Field id="dvd-path" label="ISO image" hint="A path, or pick one of the ISO library's images." errors={err('dvd-path')}
          placeholder="/var/lib/nube/images/isos/debian.iso" list="dvd-isos" value={path} onInput={(e) => setPath(e.currentTarget.value)} />
        <datalist id="dvd-isos">{isos.map((i) => <option key={i.path} value={i.path}>{i.name}</option>)}</datalist>
      </div>
      <div class="buttons"><button type="submit" disabled={busy}>Insert disc</button></div>
    </form>
  );
}
