using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Nube.Core.Validation;

namespace Nube.Core.Editions;

/// <summary>
/// The catalogue: the Hyper-V 2008 R2 editions' published limits, and "nube", which keeps
/// only what QEMU's <c>pc</c> machine and Nube's devices impose.
/// </summary>
public static class Editions
{
    public static Edition Ws2008R2Standard { get; } = HyperV2008R2("ws2008r2-standard",
        "Windows Server 2008 R2 Standard",
        hostMemoryGiB: 32, hostLogicalProcessors: 16, guestMemoryMiB: 32 * 1024, liveMigration: false);

    public static Edition Ws2008R2Enterprise { get; } = HyperV2008R2("ws2008r2-enterprise",
        "Windows Server 2008 R2 Enterprise",
        hostMemoryGiB: 1024, hostLogicalProcessors: 32, guestMemoryMiB: 64 * 1024, liveMigration: true);

    public static Edition Ws2008R2Datacenter { get; } = HyperV2008R2("ws2008r2-datacenter",
        "Windows Server 2008 R2 Datacenter",
        hostMemoryGiB: 1024, hostLogicalProcessors: 32, guestMemoryMiB: 64 * 1024, liveMigration: true);

    public static Edition HyperVServer2008R2 { get; } = HyperV2008R2("hyperv-server-2008r2",
        "Microsoft Hyper-V Server 2008 R2",
        hostMemoryGiB: 1024, hostLogicalProcessors: 32, guestMemoryMiB: 64 * 1024, liveMigration: true);

    public static Edition Nube { get; } = new()
    {
        Name = "nube",
        DisplayName = "Nube (QEMU limits)",
        MaxRunningVms = null,
        MaxHostMemoryGiB = null,
        MaxHostLogicalProcessors = null,
        MaxGuestMemoryMiB = null,
        // QEMU's pc (i440fx) machine refuses -smp above 255.
        MaxProcessorsPerVm = 255,
        MaxLegacyNetworkAdapters = 8,
        MaxSyntheticNetworkAdapters = 16,
        MaxIdeControllers = 2,
        MaxIdeDevices = 4,
        MaxScsiControllers = 4,
        ScsiTargetsPerController = 256,
        MaxScsiDevices = 1024,
        MaxVirtualNetworks = null,
        LiveMigration = true,
    };

    public static Edition Default => Nube;

    public static ImmutableArray<Edition> All { get; } =
        [Ws2008R2Standard, Ws2008R2Enterprise, Ws2008R2Datacenter, HyperVServer2008R2, Nube];

    public static bool TryGet(string name, [NotNullWhen(true)] out Edition? edition)
    {
        edition = All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
        return edition is not null;
    }

    /// <summary>The edition of that name, or a <see cref="ValidationException"/> listing the known ones.</summary>
    public static Edition Find(string name)
    {
        if (TryGet(name, out var edition))
            return edition;
        var known = string.Join(", ", All.Select(e => $"'{e.Name}'"));
        throw new ValidationException([new ValidationError("edition", name,
            $"edition: {Quoting.Quote(name)} is not a known edition; the editions are {known}")]);
    }

    private static Edition HyperV2008R2(string name, string displayName,
        long hostMemoryGiB, int hostLogicalProcessors, long guestMemoryMiB, bool liveMigration) => new()
    {
        Name = name,
        DisplayName = displayName,
        MaxRunningVms = 256,
        MaxHostMemoryGiB = hostMemoryGiB,
        MaxHostLogicalProcessors = hostLogicalProcessors,
        MaxGuestMemoryMiB = guestMemoryMiB,
        MaxProcessorsPerVm = 4,
        MaxLegacyNetworkAdapters = 4,
        MaxSyntheticNetworkAdapters = 8,
        MaxIdeControllers = 2,
        MaxIdeDevices = 4,
        MaxScsiControllers = 4,
        ScsiTargetsPerController = 64,
        MaxScsiDevices = 256,
        MaxVirtualNetworks = null,
        LiveMigration = liveMigration,
    };
}
