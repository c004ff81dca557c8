using Nube.Core.Serialization;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

internal static class BootRules
{
    public static void Check(VmConfig vm, List<ValidationError> errors)
    {
        var boot = vm.Boot;
        if (boot.Kind == BootKind.Kernel && boot.Kernel is null)
            errors.Add(Messages.Missing("boot.kernel", "boot kind 'kernel' needs a kernel image path"));
        if (boot.Kernel is not null)
            PathRules.Check("boot.kernel", boot.Kernel, errors);
        if (boot.Initrd is not null)
            PathRules.Check("boot.initrd", boot.Initrd, errors);
        if (boot.Kind != BootKind.Disk)
            return;
        if (boot.Disk is { } named)
            CheckNamedDisk(vm, named, errors);
        else if (Generations.BootDisk(vm) is null)
            errors.Add(new("boot.kind", EnumWords.Word(boot.Kind), vm.Generation == 2
                ? "boot.kind: 'disk' needs a SCSI disk on a generation 2 VM, and it has none"
                // Generation 1 BIOS boots from the first IDE disk, as Hyper-V's does.
                : "boot.kind: 'disk' needs a hard disk at IDE controller 0, location 0"));
    }

    private static void CheckNamedDisk(VmConfig vm, string named, List<ValidationError> errors)
    {
        var quoted = Quoting.Quote(named);
        if (!DiskAddress.TryParse(named, out var address))
            errors.Add(new("boot.disk", named,
                $"boot.disk: {quoted} is not a disk address; write ide<controller>:<location> or scsi<controller>:<location>, e.g. scsi0:0"));
        else if (!Generations.Exists(vm, address.Value))
            errors.Add(new("boot.disk", named,
                $"boot.disk: {quoted} names no drive with media; the VM has nothing at {address.Value.Display()}"));
    }
}
