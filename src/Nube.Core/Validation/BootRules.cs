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
        if (boot.Kind == BootKind.Disk && !HasBootDisk(vm))
            errors.Add(new("boot.kind", EnumWords.Word(boot.Kind),
                "boot.kind: 'disk' needs a hard disk at IDE controller 0, location 0"));
    }

    // Generation 1 BIOS boots from the first IDE disk, as Hyper-V's does.
    private static bool HasBootDisk(VmConfig vm) =>
        vm.IdeDrives.Any(d => d is { Controller: 0, Location: 0, Media: DriveMedia.HardDisk });
}
