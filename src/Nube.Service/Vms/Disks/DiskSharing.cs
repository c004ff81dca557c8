using System.Collections.Immutable;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Linux;

namespace Nube.Service.Vms.Disks;

/// <summary>
/// Applies <see cref="DiskSharingRules"/> to one VM against every other VM of the host, with
/// links followed and backing chains read from the images. The registry tells it the host's
/// VMs; the create, a change of devices (hot add too) and the start each call it before QEMU
/// is asked.
/// </summary>
public sealed class DiskSharing(IDiskChains chains)
{
    private Func<IEnumerable<VmSnapshot>> hostVms = () => [];

    /// <summary>Where the host's VMs are found (the registry, once it exists).</summary>
    public void Watch(Func<IEnumerable<VmSnapshot>> vms) => hostVms = vms;

    /// <param name="own">The VM's backing chains, already read and checked.</param>
    /// <exception cref="ValidationException">A file is written by this VM at two places, or used by another VM as well.</exception>
    public async Task CheckAsync(VmConfig vm, IReadOnlyDictionary<string, ImmutableArray<BackingImage>> own, CancellationToken ct)
    {
        var others = new List<VmDiskUses>();
        foreach (var other in hostVms().Where(s => s.Id != vm.Id))
            if (other.Config is { } config)
                others.Add(new(config.Name, DiskSharingRules.Uses(config, await ChainsOfAsync(config, ct).ConfigureAwait(false), Real)));
        var errors = DiskSharingRules.Check(DiskSharingRules.Uses(vm, own, Real), others);
        if (errors.Count > 0)
            throw new ValidationException(errors);
    }

    /// <summary>The same for a change of settings, when it adds, removes or changes a device (a hot add too).</summary>
    public async Task CheckChangeAsync(VmConfig current, VmConfig next, CancellationToken ct)
    {
        if (!DeviceDiff.Compute(current, next).IsEmpty)
            await CheckAsync(next, await chains.ReadChainsAsync(next, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Another VM's chains: one that cannot be read (an image gone or broken) is that VM's own
    /// problem, reported at its start; its disks still count here, its backing files do not.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, ImmutableArray<BackingImage>>> ChainsOfAsync(VmConfig vm, CancellationToken ct)
    {
        try
        {
            return await chains.ReadChainsAsync(vm, ct).ConfigureAwait(false);
        }
        catch (ValidationException)
        {
            return ImmutableDictionary<string, ImmutableArray<BackingImage>>.Empty;
        }
    }

    private static string Real(string path) => path.StartsWith('/') ? UnixFiles.RealPath(path) ?? path : path;
}
