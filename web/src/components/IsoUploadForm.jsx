import { useState } from 'preact/hooks';
import { byteSize } from '../lib/format.js';
import { Field } from './Field.jsx';

/** Picks an ISO image and its name in the library; the host's size limit is shown, and a file past it is not sent. */
export function IsoUploadForm({ limit, busy, err, onUpload }) {
  const [file, setFile] = useState(null);
  const [name, setName] = useState('');
  const [replace, setReplace] = useState(false);
  const [refused, setRefused] = useState(null);

  function pick(e) {
    const chosen = e.currentTarget.files[0] ?? null;
    setFile(chosen);
    setName(chosen?.name ?? '');
    setRefused(null);
  }

  function submit(e) {
    e.preventDefault();
    if (!file) return setRefused(['Choose an ISO image to upload.']);
    // Refused here rather than sent: the host answers 413 at once, but a browser sends the body
    // regardless and sees the connection close rather than the answer.
    if (limit != null && file.size > limit) {
      return setRefused([`${file.name} is ${byteSize(file.size)}, over the host's upload limit of ${byteSize(limit)}.`]);
    }
    onUpload(name.trim() || file.name, file, replace);
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="iso-upload-title" class="card">
      <h3 id="iso-upload-title">Upload an ISO image</h3>
      <Field id="iso-file" type="file" accept=".iso" label="ISO image"
        hint={limit != null ? `At most ${byteSize(limit)} (the host's upload limit).` : undefined}
        errors={refused ?? err('iso-file')} onChange={pick} />
      <Field id="iso-name" label="Name in the library" hint="Ends in .iso; no slash, no leading dot." errors={err('iso-name')}
        value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <Field id="iso-replace" as="checkbox" label="Replace an image of that name" checked={replace}
        onChange={(e) => setReplace(e.currentTarget.checked)} />
      <div class="buttons"><button type="submit" disabled={busy}>Upload</button></div>
    </form>
  );
}
