using Nube.Core.Vms;
using Nube.Linux;

namespace Nube.Service.Vms;

/// <summary>
/// A VM's host paths with their symbolic links followed, so that the storage-root rule judges
/// the file QEMU will really open, not a link inside a root that points outside it.
/// </summary>
public static class HostPathLinks
{
    public static VmConfig Resolve(VmConfig vm) => vm with
    {
        Boot = vm.Boot with { Kernel = Follow(vm.Boot.Kernel), Initrd = Follow(vm.Boot.Initrd) },
        IdeDrives = [.. vm.IdeDrives.Select(d => d with { Path = Follow(d.Path) })],
        ScsiControllers = [.. vm.ScsiControllers.Select(c => c with { Disks = [.. c.Disks.Select(d => d with { Path = Follow(d.Path)! })] })],
    };

    /// <summary>Links in the folders count too; a path that does not resolve is left for the launch to report.</summary>
    private static string? Follow(string? path) =>
        path is not null && path.StartsWith('/') ? UnixFiles.RealPath(path) ?? path : path;
}
