using Nube.Core.Serialization;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>
/// What each generation allows. Generation 2, as Hyper-V's since 2012 R2, has UEFI firmware and
/// only synthetic devices: no IDE, no legacy network adapter, no direct kernel boot.
/// </summary>
internal static class GenerationRules
{
    private const string Generations = "Nube offers generation 1 (BIOS, IDE boot, emulated and synthetic devices) and 2 (UEFI, SCSI boot, synthetic devices)";

    public static void Check(VmConfig vm, List<ValidationError> errors)
    {
        if (vm.Generation is not (1 or 2))
        {
            errors.Add(new(VmFields.Generation, Messages.Text(vm.Generation),
                $"generation: {vm.Generation} is not supported; {Generations}"));
            return;
        }
        if (vm.Generation == 1)
        {
            if (vm.PcieRootPorts is not null)
                errors.Add(new(VmFields.PcieRootPorts, Messages.Text(vm.PcieRootPorts.Value),
                    "pcieRootPorts: generation 2 only; a generation 1 VM's adapters come and go on its PCI bus"));
            if (vm.SecureBoot == true)
                errors.Add(new(VmFields.SecureBoot, "true",
                    "secureBoot: true needs generation 2 (UEFI); a generation 1 VM boots through the BIOS, which has no Secure Boot"));
            return;
        }
        if (vm.PcieRootPorts is < 0 or > Vms.Generations.MaxRootPorts)
            errors.Add(Messages.Outside(VmFields.PcieRootPorts, vm.PcieRootPorts.Value, "range of root ports", 0, Vms.Generations.MaxRootPorts));
        if (vm.IdeDrives.Length > 0)
            errors.Add(new(VmFields.IdeDrives, Messages.Text(vm.IdeDrives.Length),
                $"ideDrives: {vm.IdeDrives.Length} drive(s) on a generation 2 VM, which has no IDE controller; attach disks to a SCSI controller"));
        for (var i = 0; i < vm.NetworkAdapters.Length; i++)
        {
            if (vm.NetworkAdapters[i].Kind == NetworkAdapterKind.Legacy)
                errors.Add(new($"networkAdapters[{i}].kind", "legacy",
                    $"networkAdapters[{i}].kind: 'legacy' is not available on a generation 2 VM, whose devices are all synthetic; use 'synthetic'"));
        }
        if (vm.Boot.Kind == BootKind.Kernel)
            errors.Add(new("boot.kind", EnumWords.Word(vm.Boot.Kind),
                "boot.kind: 'kernel' is for generation 1; a generation 2 VM boots through its UEFI firmware from a SCSI disk ('disk')"));
    }
}

