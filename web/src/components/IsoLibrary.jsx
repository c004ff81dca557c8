import { useEffect, useState } from 'preact/hooks';
import { del, get, upload } from '../lib/api.js';
import { byteSize } from '../lib/format.js';
import { useHost } from '../lib/hostContext.js';
import { refusal, useRequests } from '../lib/requests.js';
import { ConfirmDialog } from './ConfirmDialog.jsx';
import { ErrorSummary } from './ErrorSummary.jsx';
import { IsoUploadForm } from './IsoUploadForm.jsx';

const ISOS = '/api/v1/isos';
const UPLOAD_FIELDS = { name: 'iso-name', body: 'iso-file' };

/** The ISO library (the isos folder of each storage root): the images, an upload with its progress, and remove. */
export function IsoLibrary() {
  const { host } = useHost();
  const [isos, setIsos] = useState(null);
  const [sent, setSent] = useState(null);
  const [removing, setRemoving] = useState(null);
  const { busy, done, problem, setProblem, run, err } = useRequests();
  const load = () => get(ISOS).then(setIsos).catch((e) => setProblem(refusal('The ISO library cannot be read', e, {})));
  useEffect(() => { load(); }, []);

  const send = (name, file, replace) => run(`Uploading ${name}`, `The host refused the upload of ${name}`, UPLOAD_FIELDS, () => {
    setSent({ loaded: 0, total: file.size });
    return upload(`${ISOS}/${encodeURIComponent(name)}${replace ? '?replace=true' : ''}`, file, (loaded, total) => setSent({ loaded, total }));
  }, (iso) => {
    load();
    return `Uploaded ${iso.name} (${byteSize(iso.size)}) to ${iso.path}.`;
  });
  const remove = (iso) => run(`Removing ${iso.name}`, `The host refused to remove ${iso.name}`, {},
    () => del(`${ISOS}/${encodeURIComponent(iso.name)}?root=${encodeURIComponent(iso.root)}`), () => {
      load();
      return `Deleted ${iso.path}.`;
    });
  const percent = sent && sent.total > 0 ? Math.floor((sent.loaded * 100) / sent.total) : 0;

  return (
    <section aria-labelledby="iso-library-title" class="iso-library">
      <h2 id="iso-library-title">ISO library</h2>
      <ErrorSummary title={problem.title} errors={problem.list} titleId="iso-error-title" />
      <p role="status" class="drives-status">{busy ? <span class="busy">{busy}…</span> : done}</p>
      {sent && (
        <p class="job running upload-progress">
          <progress max="100" value={percent} aria-label="Upload progress" />
          <span>{percent} % ({byteSize(sent.loaded)} of {byteSize(sent.total)})</span>
        </p>
      )}
      {isos === null ? <p>Reading the ISO library…</p> : isos.length === 0 ? <p>No ISO images yet.</p> : (
        <table class="isos">
          <thead>
            <tr><th scope="col">ISO image</th><th scope="col">Size</th><th scope="col">Modified</th><th scope="col">Path</th><th scope="col">Actions</th></tr>
          </thead>
          <tbody>
            {isos.map((i) => (
              <tr key={i.path} data-iso={i.name}>
                <th scope="row">{i.name}</th>
                <td>{byteSize(i.size)}</td>
                <td>{new Date(i.modified).toLocaleString()}</td>
                <td class="path"><code>{i.path}</code></td>
                <td class="actions">
                  <button type="button" disabled={!!busy} onClick={() => setRemoving(i)} aria-label={`Remove ${i.name}`}>Remove</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="cards">
        <IsoUploadForm limit={host?.isoUploadLimitBytes} busy={!!busy} err={err} onUpload={send} />
      </div>
      {removing && (
        <ConfirmDialog title={`Delete ${removing.name}?`} confirmLabel="Delete" onCancel={() => setRemoving(null)}
          onConfirm={() => { setRemoving(null); remove(removing); }}>
          <p>The image is deleted from the host: <code>{removing.path}</code>.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
