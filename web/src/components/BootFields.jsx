import { bindValue } from '../lib/binding.js';
import { Field } from './Field.jsx';

/** Boot source: a kernel with its initrd and command line (direct boot), or a disk. */
export function BootFields({ form, change, err, host }) {
  const roots = host?.storageRoots?.length ? `Under a storage root: ${host.storageRoots.join(', ')}.` : 'An absolute path.';
  return (
    <fieldset>
      <legend>Boot source</legend>
      <Field id="f-bootKind" as="select" label="Boot from" errors={err('f-bootKind')}
        options={[['kernel', 'A kernel and initrd (direct boot)'], ['disk', 'A disk']]} {...bindValue(form, change, 'bootKind')} />
      {form.bootKind === 'kernel' ? (
        <>
          <Field id="f-kernel" label="Kernel" errors={err('f-kernel')} hint={roots} placeholder="/var/lib/nube/images/vmlinux"
            {...bindValue(form, change, 'kernel')} />
          <Field id="f-initrd" label="Initial ramdisk (optional)" errors={err('f-initrd')} {...bindValue(form, change, 'initrd')} />
          <Field id="f-commandLine" label="Kernel command line" errors={err('f-commandLine')}
            hint="console=ttyS0 puts the guest's console on the serial port." {...bindValue(form, change, 'commandLine')} />
        </>
      ) : (
        <Field id="f-bootDisk" label="Boot disk (optional)" errors={err('f-bootDisk')} placeholder="ide0:0"
          hint="Where the boot disk is attached, e.g. ide0:0 or scsi0:1; empty: IDE 0:0 on generation 1, the first SCSI disk on generation 2. Add the disk below."
          {...bindValue(form, change, 'bootDisk')} />
      )}
    </fieldset>
  );
}
