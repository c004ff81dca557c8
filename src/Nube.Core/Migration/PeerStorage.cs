using Nube.Core.Checkpoints;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Migration;

/// <summary>
/// A shared-nothing move's disks (Hyper-V's move with storage): each writable disk file is copied
/// to the destination while the VM runs, to the same path there or into a folder the move names
/// (each file keeping its name). DVDs and read-only disks are not copied: they must be where the
/// destination reaches them at the same path.
/// </summary>
public static class PeerStorage
{
    /// <summary>One disk to copy: where it is at the source, where it goes at the destination.</summary>
    public sealed record Placed(WritableDisk Disk, string Target);

    public static IReadOnlyList<Placed> Place(VmConfig vm, string? folder) =>
        [.. WritableDisk.Of(vm).Select(d => new Placed(d, folder is null ? d.Path : Path.Join(folder, Path.GetFileName(d.Path))))];

    /// <summary>The VM as the destination keeps it: each copied disk at its target.</summary>
    public static VmConfig Retarget(VmConfig vm, string? folder) =>
        Place(vm, folder).Aggregate(vm, (config, placed) => WritableDisk.WithImage(config, placed.Disk.Id, placed.Target, placed.Disk.Format));

    /// <summary>
    /// The source's reasons a disk cannot be copied: only whole qcow2 or raw images move (QEMU
    /// copies a disk's content, not its backing chain), never a host device.
    /// </summary>
    /// <param name="images">Each disk's field with its image, then its backing images.</param>
    public static IEnumerable<ValidationError> CheckSource(VmConfig vm, IEnumerable<(string Field, BackingImage Image)> images)
    {
        foreach (var disk in WritableDisk.Of(vm))
        {
            if (DiskModel.IsDevice(disk.Path))
                yield return new(disk.Field, disk.Path, $"{disk.Field}: '{disk.Path}' is a host device, which cannot be copied to another host; move without --with-storage");
            else if (disk.Format is not (DiskFormat.Qcow2 or DiskFormat.Raw))
                yield return new(disk.Field, disk.Path, $"{disk.Field}: '{disk.Path}' is a {disk.Format.ToString().ToUpperInvariant()} image; only qcow2 and raw images " +
                    "are copied to another host: convert it to qcow2 while the VM is off (nube disk convert)");
        }
        var copied = WritableDisk.Of(vm).Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var chain in images.GroupBy(i => i.Field).Where(g => g.Count() > 1 && copied.Contains(g.First().Image.Path)))
            yield return new(chain.Key, chain.First().Image.Path,
                $"{chain.Key}: '{chain.First().Image.Path}' is a differencing disk (on '{chain.Skip(1).First().Image.Path}'); merge it first (nube disk merge)");
    }
}
