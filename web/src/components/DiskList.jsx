import { newDisk } from '../lib/vmForm.js';
import { DiskRow } from './DiskRow.jsx';

/** Disks on the emulated IDE controllers (generation 1) and the synthetic SCSI controllers. */
export function DiskList({ disks, onChange, err, limits, generation }) {
  const edit = (key, fields) => onChange(disks.map((d) => (d.key === key ? { ...d, ...fields } : d)));
  const add = (bus) => onChange([...disks, newDisk(bus, disks, limits)]);
  const hint = limits
    ? `IDE: ${limits.maxIdeControllers} controllers of ${limits.ideLocationsPerController} devices (generation 1 only); ` +
      `SCSI: up to ${limits.maxScsiControllers} controllers of ${limits.scsiTargetsPerController} targets, ${limits.maxScsiDevices} disks per VM. The files are kept when the VM is removed.`
    : '';
  return (
    <fieldset id="f-disks" tabindex="-1" aria-describedby="f-disks-hint f-disks-error">
      <legend>Disks</legend>
      <p id="f-disks-hint" class="hint">{hint}</p>
      {err('f-disks') && <p id="f-disks-error" class="field-error">{err('f-disks').join(' ')}</p>}
      {disks.map((d, i) => (
        <DiskRow key={d.key} disk={d} index={i} edit={edit} err={err} limits={limits}
          onRemove={() => onChange(disks.filter((x) => x.key !== d.key))} />
      ))}
      <div class="buttons">
        <button type="button" onClick={() => add('ide')} disabled={generation === 2}>Add IDE disk</button>
        <button type="button" onClick={() => add('scsi')}>Add SCSI disk</button>
      </div>
    </fieldset>
  );
}
