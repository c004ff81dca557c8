using System.Collections.Immutable;
using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Service.Vms.Disks;

/// <summary>Reads the backing chains of a VM's disks, checked against the host's storage roots, and checks their images. Unit tests put a fake here.</summary>
public interface IDiskChains
{
    /// <summary>Each qcow2 disk's backing images by the disk's path, top first below the disk.</summary>
    /// <exception cref="Core.Validation.ValidationException">A backing file is outside the roots, not a file, or unreadable; each error names the disk's field and the file.</exception>
    Task<ImmutableDictionary<string, ImmutableArray<BackingImage>>> ReadChainsAsync(VmConfig vm, CancellationToken ct);

    /// <summary>Checks that the images of the disks <paramref name="which"/> takes (by id) open and are not corrupt; never images QEMU has open.</summary>
    /// <exception cref="Core.Validation.ValidationException">Each error names the disk's field and the file.</exception>
    Task CheckImagesAsync(VmConfig vm, Func<string, bool> which, CancellationToken ct);
}
