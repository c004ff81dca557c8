import { bindChecked, bindValue } from '../lib/binding.js';
import { bytes } from '../lib/format.js';
import { ActionFields } from './ActionFields.jsx';
import { AdapterList } from './AdapterList.jsx';
import { BootFields } from './BootFields.jsx';
import { DiskList } from './DiskList.jsx';
import { Field } from './Field.jsx';
import { ServiceFields } from './ServiceFields.jsx';

/**
 * The VM's settings, in the wizard's order: name and generation, processors and memory, boot
 * source, disks, network adapters, automatic actions, integration services, notes. The edition's
 * limits are in the hints (and the inputs' max) before the user reaches them; the host's own
 * messages appear on the field they name. `mode` is new (the wizard) or edit (the generation is fixed).
 */
export function VmForm({ form, change, errors, host, mode }) {
  const limits = host?.limits;
  const edition = host ? ` (edition ${host.edition})` : '';
  const err = (id) => errors[id];
  const gen2 = Number(form.generation) === 2;
  return (
    <>
      <fieldset>
        <legend>Name and generation</legend>
        <Field id="f-name" label="Name" errors={err('f-name')} required maxLength={100}
          hint="1 to 100 printable characters, unique on this host." {...bindValue(form, change, 'name')} />
        <Field id="f-generation" as="select" label="Generation" errors={err('f-generation')} disabled={mode === 'edit'}
          options={[['1', 'Generation 1: BIOS, IDE and SCSI, legacy and synthetic adapters'], ['2', 'Generation 2: UEFI, synthetic devices only']]}
          hint={mode === 'edit' ? 'Chosen when the VM was created; it cannot change.' : 'Cannot be changed after the VM is created.'}
          value={String(form.generation)} onInput={(e) => change({ generation: Number(e.currentTarget.value) })} />
        {gen2 && (
          <Field id="f-secureBoot" as="checkbox" label="Secure Boot" errors={err('f-secureBoot')}
            {...bindChecked(form, change, 'secureBoot')} />
        )}
      </fieldset>
      <fieldset>
        <legend>Processors and memory</legend>
        <Field id="f-processorCount" label="Virtual processors" type="number" min="1" max={limits?.maxProcessorsPerVm}
          errors={err('f-processorCount')} {...bindValue(form, change, 'processorCount')}
          hint={limits && `1 to ${limits.maxProcessorsPerVm} per VM${edition}; the host has ${host.logicalProcessors} logical processors.`} />
        <Field id="f-processorModel" as="select" label="Processor model" errors={err('f-processorModel')}
          options={[
            ...(form.processorModel === '' ? [['', 'Host (the VM was made before processor models)']] : []),
            ['compatible', 'Compatible: a fixed x86-64-v2 processor with AES'],
            ['host', "Host: everything this host's processor offers"],
          ]}
          hint="Compatible moves and restores on any host; host is fastest but moves only to a host with the same processor (the same QEMU under TCG). Changed while the VM is off."
          {...bindValue(form, change, 'processorModel')} />
        <Field id="f-cpuReserve" label="Processor reserve (%)" type="number" min="0" max="100" errors={err('f-cpuReserve')}
          {...bindValue(form, change, 'cpuReserve')}
          hint="Share of its processors kept free for the VM; the running VMs' reserves fit the host's logical processors. Changes while it runs." />
        <Field id="f-cpuLimit" label="Processor limit (%)" type="number" min="1" max="100" errors={err('f-cpuLimit')}
          {...bindValue(form, change, 'cpuLimit')} hint="The most of its processors the VM may use, at least the reserve. Changes while it runs." />
        <Field id="f-cpuWeight" label="Relative weight" type="number" min="1" max="10000" errors={err('f-cpuWeight')}
          {...bindValue(form, change, 'cpuWeight')} hint="1 to 10000, default 100: its share of busy processors against the other VMs'. Changes while it runs." />
        <Field id="f-memoryStartupMiB" label="Startup memory (MiB)" type="number" min="32" step="2"
          max={limits?.maxGuestMemoryMiB ?? undefined} errors={err('f-memoryStartupMiB')}
          {...bindValue(form, change, 'memoryStartupMiB')}
          hint={limits && `At least 32 MiB, a multiple of 2${limits.maxGuestMemoryMiB ? `, at most ${limits.maxGuestMemoryMiB} MiB${edition}` : ''}; the host has ${bytes(host.memoryBytes)}.`} />
      </fieldset>
      <BootFields form={form} change={change} err={err} host={host} />
      <DiskList disks={form.disks} onChange={(disks) => change({ disks })} err={err} limits={limits} generation={Number(form.generation)} />
      <AdapterList adapters={form.adapters} onChange={(adapters) => change({ adapters })} err={err} limits={limits}
        generation={Number(form.generation)} added={mode === 'edit'} />
      <ActionFields form={form} change={change} err={err} />
      {/* A VM's services are switched live on its settings page, not saved with the form. */}
      {mode === 'new' && <ServiceFields services={form.services} onChange={(services) => change({ services })} err={err} />}
      <fieldset>
        <legend>Notes</legend>
        <Field id="f-notes" as="textarea" label="Notes" rows="3" maxLength={4096} errors={err('f-notes')}
          hint="Free text about the VM, up to 4096 characters." {...bindValue(form, change, 'notes')} />
      </fieldset>
    </>
  );
}
