import { Field } from './Field.jsx';

const FORMATS = [['', 'From the file name'], ['raw', 'raw'], ['qcow2', 'qcow2'], ['vhd', 'vhd'], ['vhdx', 'vhdx']];
const CACHES = [['', 'Write-back (default)'], ['writeback', 'Write-back'], ['direct', 'Direct (O_DIRECT)']];
const range = (n) => Array.from({ length: n }, (_, i) => [String(i), String(i)]);
// The host's limits (GET /api/v1/host); the disk's own place stays listed before they are read.
const places = (limit, current) => range(Math.max(limit ?? 0, Number(current) + 1));

/** One disk: where it is attached, its image file and how it is opened. */
export function DiskRow({ disk: d, index, edit, err, limits, onRemove }) {
  const id = (part) => `f-disk-${d.key}-${part}`;
  const set = (part, number) => (e) => edit(d.key, { [part]: number ? Number(e.currentTarget.value) : e.currentTarget.value });
  const ide = d.bus === 'ide';
  const controllers = ide ? limits?.maxIdeControllers : limits?.maxScsiControllers;
  return (
    <fieldset class="item">
      <legend>Disk {index + 1}: {ide ? 'IDE' : 'SCSI'} {d.controller}:{d.location}</legend>
      <div class="row">
        <Field id={id('controller')} as="select" label="Controller" options={places(controllers, d.controller)} errors={err(id('controller'))}
          value={String(d.controller)} onInput={set('controller', true)} />
        {ide ? (
          <Field id={id('location')} as="select" label="Location" options={places(limits?.ideLocationsPerController, d.location)} errors={err(id('location'))}
            value={String(d.location)} onInput={set('location', true)} />
        ) : (
          <Field id={id('location')} label="Location" type="number" min="0"
            max={limits ? limits.scsiTargetsPerController - 1 : undefined} errors={err(id('location'))}
            value={d.location} onInput={set('location', true)} />
        )}
        {/* A DVD on SCSI too: generation 2 has no IDE, and its installer boots from a SCSI DVD. */}
        <Field id={id('media')} as="select" label="Media" options={[['hardDisk', 'Hard disk'], ['dvd', 'DVD']]}
          errors={err(id('media'))} value={d.media} onInput={set('media')} />
      </div>
      <Field id={id('path')} label="Image file" errors={err(id('path'))} placeholder="/var/lib/nube/images/disk.qcow2"
        value={d.path} onInput={set('path')} />
      <div class="row">
        <Field id={id('format')} as="select" label="Format" options={FORMATS} errors={err(id('format'))} value={d.format} onInput={set('format')} />
        <Field id={id('cache')} as="select" label="Cache" options={CACHES} errors={err(id('cache'))} value={d.cache} onInput={set('cache')} />
        <Field id={id('readOnly')} as="checkbox" label="Read-only" errors={err(id('readOnly'))} checked={d.readOnly}
          onChange={(e) => edit(d.key, { readOnly: e.currentTarget.checked })} />
      </div>
      <button type="button" class="link" onClick={onRemove}>Remove disk {index + 1}</button>
    </fieldset>
  );
}
