using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Checkpoints;

/// <summary>A disk a checkpoint covers: every hard disk the VM may write (DVDs and read-only disks never change).</summary>
/// <param name="Field">Its path's field in the configuration, for errors.</param>
public sealed record WritableDisk(string Id, string Field, string Path, DiskFormat Format, DiskCache? Cache = null)
{
    public static IEnumerable<WritableDisk> Of(VmConfig vm)
    {
        for (var i = 0; i < vm.IdeDrives.Length; i++)
            if (vm.IdeDrives[i] is { Media: DriveMedia.HardDisk, ReadOnly: false, Path: { } path } ide)
                yield return new(ide.Id, $"ideDrives[{i}].path", path, ImageFormat.Of(ide.Format, path), ide.Cache);
        for (var c = 0; c < vm.ScsiControllers.Length; c++)
            for (var d = 0; d < vm.ScsiControllers[c].Disks.Length; d++)
                if (vm.ScsiControllers[c].Disks[d] is { Media: DriveMedia.HardDisk, ReadOnly: false, Path: { } path } disk)
                    yield return new(disk.Id, $"scsiControllers[{c}].disks[{d}].path", path, ImageFormat.Of(disk.Format, path), disk.Cache);
    }

    /// <summary>The configuration with one disk's image replaced (an overlay made, or a merge that put the data below).</summary>
    public static VmConfig WithImage(VmConfig vm, string id, string path, DiskFormat format) => vm with
    {
        IdeDrives = [.. vm.IdeDrives.Select(d => d.Id == id ? d with { Path = path, Format = format } : d)],
        ScsiControllers = [.. vm.ScsiControllers.Select(c => c with
        {
            Disks = [.. c.Disks.Select(d => d.Id == id ? d with { Path = path, Format = format } : d)],
        })],
    };

    /// <summary>
    /// The first disk a checkpoint holds that a new configuration removes or points at another
    /// file, as a sentence; null when there is none. The chain of overlays is the checkpoints'.
    /// </summary>
    public static string? Dropped(VmConfig current, VmConfig next, IReadOnlySet<string> held)
    {
        var after = Of(next).ToDictionary(d => d.Id, StringComparer.Ordinal);
        foreach (var disk in Of(current).Where(d => held.Contains(d.Id)))
        {
            if (!after.TryGetValue(disk.Id, out var kept))
                return $"{disk.Field}: disk {disk.Id} is in checkpoints of this VM; remove its checkpoints first";
            if (kept.Path != disk.Path)
                return $"{kept.Field}: disk {disk.Id} is in checkpoints of this VM and cannot change from '{disk.Path}' to '{kept.Path}'; remove its checkpoints first";
        }
        return null;
    }
}
