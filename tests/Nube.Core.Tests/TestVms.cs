using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Tests;

/// <summary>Valid starting points that each test bends in one place.</summary>
internal static class TestVms
{
    public static readonly Guid Id = Guid.Parse("6f1c1b3e-2a4d-4c8e-9b1f-0123456789ab");

    public static VmConfig KernelBoot() => new()
    {
        Id = Id,
        Name = "web",
        Boot = new BootSource { Kind = BootKind.Kernel, Kernel = "/var/lib/nube/images/vmlinux" },
    };

    /// <summary>UEFI, Secure Boot by default, booting from its one SCSI disk.</summary>
    public static VmConfig Generation2() => new()
    {
        Id = Id,
        Name = "uefi",
        Generation = 2,
        Boot = new BootSource { Kind = BootKind.Disk },
        ScsiControllers = [new ScsiController { Disks = [ScsiDisk(0)] }],
    };

    public static IdeDrive Disk(int controller, int location) =>
        new() { Controller = controller, Location = location, Path = $"/images/ide{controller}-{location}.qcow2" };

    public static ScsiDisk ScsiDisk(int location) => new() { Location = location, Path = $"/images/scsi-{location}.raw" };

    /// <summary>The n-th of a run of distinct, locally administered unicast MACs.</summary>
    public static string Mac(int n) => $"52:54:00:00:{n >> 8:x2}:{n & 0xff:x2}";

    public static ImmutableArray<NetworkAdapter> Adapters(NetworkAdapterKind kind, int count, int firstMac = 0) =>
        [.. Enumerable.Range(firstMac, count).Select(n => new NetworkAdapter { Kind = kind, MacAddress = Mac(n) })];

    public static ImmutableArray<ScsiController> ScsiControllers(int count, int disksEach) =>
        [.. Enumerable.Range(0, count).Select(_ => new ScsiController
        {
            Disks = [.. Enumerable.Range(0, disksEach).Select(ScsiDisk)],
        })];
}
