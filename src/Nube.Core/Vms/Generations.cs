namespace Nube.Core.Vms;

/// <summary>What a VM's generation decides, in one place for the builder, the validator and <c>vm show</c>.</summary>
public static class Generations
{
    /// <summary>A new generation 2 VM's root ports: as many as Hyper-V's synthetic adapters.</summary>
    public const int DefaultRootPorts = 8;

    /// <summary>The most root ports a VM may have: one per synthetic adapter the largest edition allows.</summary>
    public const int MaxRootPorts = 16;

    /// <summary>The slots that have a PCI Express root port (generation 2), from <see cref="NetworkAdapter.FirstPciSlot"/> up.</summary>
    public static IEnumerable<int> RootPortSlots(VmConfig vm) =>
        vm.Generation == 2 && vm.PcieRootPorts is > 0 and var n ? Enumerable.Range(NetworkAdapter.FirstPciSlot, n) : [];

    /// <summary>True when the adapter sits where it can come and go while the VM runs: generation 1's PCI bus, or a generation 2 root port.</summary>
    public static bool HotPluggable(VmConfig vm, NetworkAdapter adapter) =>
        vm.Generation != 2 || (adapter.PciSlot is { } slot && RootPortSlots(vm).Contains(slot));

    /// <summary>Secure Boot is a generation 2 setting, on unless the VM says off (Hyper-V's default).</summary>
    public static bool SecureBootOn(VmConfig vm) => vm.Generation == 2 && vm.SecureBoot != false;

    /// <summary>
    /// The disk the firmware boots, or null for kernel boot or when the disk the rule names is
    /// missing (the validator reports that): <see cref="BootSource.Disk"/> when set, else IDE 0:0
    /// on generation 1 and the SCSI disk with the lowest controller, then location, on generation 2.
    /// </summary>
    public static DiskAddress? BootDisk(VmConfig vm)
    {
        if (vm.Boot.Kind != BootKind.Disk)
            return null;
        if (vm.Boot.Disk is not null)
            return DiskAddress.TryParse(vm.Boot.Disk, out var named) && Exists(vm, named.Value) ? named : null;
        if (vm.Generation != 2)
        {
            var first = new DiskAddress(DiskBus.Ide, 0, 0);
            return vm.IdeDrives.Any(d => d is { Controller: 0, Location: 0, Media: DriveMedia.HardDisk }) ? first : null;
        }
        return vm.ScsiControllers
            .SelectMany((c, i) => c.Disks.Select(d => new DiskAddress(DiskBus.Scsi, i, d.Location)))
            .OrderBy(a => a.Controller).ThenBy(a => a.Location)
            .Cast<DiskAddress?>().FirstOrDefault();
    }

    /// <summary>
    /// The drives the firmware tries, in order (each gets its <c>bootindex</c>): the boot disk and,
    /// when that is a DVD (an installer), then the first hard disk, so that the installed system
    /// boots once the disc is ejected; when it is a hard disk, then the first DVD drive, so that a
    /// blank disk falls through to an installer's disc (OVMF drops a drive without a boot index).
    /// </summary>
    public static IReadOnlyList<DiskAddress> BootOrder(VmConfig vm)
    {
        if (BootDisk(vm) is not { } first)
            return [];
        var then = IsDvd(vm, first) ? DriveMedia.HardDisk : DriveMedia.Dvd;
        var next = vm.Generation != 2
            ? vm.IdeDrives.Where(d => d.Media == then).Select(DiskAddress.Of)
            : vm.ScsiControllers.SelectMany((c, i) => c.Disks.Where(d => d.Media == then).Select(d => new DiskAddress(DiskBus.Scsi, i, d.Location)));
        return [first, .. next.Where(a => a != first).OrderBy(a => a.Controller).ThenBy(a => a.Location).Take(1)];
    }

    /// <summary>The place's boot index (0 first), or null when the firmware does not boot from it.</summary>
    public static int? BootIndex(VmConfig vm, DiskAddress address) =>
        BootOrder(vm).Select((a, i) => (a, i)).Where(p => p.a == address).Select(p => (int?)p.i).FirstOrDefault();

    private static bool IsDvd(VmConfig vm, DiskAddress address) => address.Bus == DiskBus.Ide
        ? vm.IdeDrives.Any(d => DiskAddress.Of(d) == address && d.Media == DriveMedia.Dvd)
        : vm.ScsiControllers[address.Controller].Disks.Any(d => d.Location == address.Location && d.Media == DriveMedia.Dvd);

    /// <summary>True when a drive with media is at that address.</summary>
    public static bool Exists(VmConfig vm, DiskAddress address) => address.Bus == DiskBus.Ide
        ? vm.IdeDrives.Any(d => d.Controller == address.Controller && d.Location == address.Location && d.Path is not null)
        : address.Controller < vm.ScsiControllers.Length
            && vm.ScsiControllers[address.Controller].Disks.Any(d => d.Location == address.Location && d.Path is not null);
}
