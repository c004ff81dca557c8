using System.Collections.Immutable;
using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>
/// One file a VM opens for a disk: the disk's image, or an image of its backing chain (only ever read).
/// </summary>
/// <param name="Field">The disk's path field (<c>scsiControllers[0].disks[1].path</c>).</param>
/// <param name="Path">The path as configured (or as the image's header names a backing file).</param>
/// <param name="RealPath">The same with its links followed: what is compared.</param>
/// <param name="BackingOf">For a backing image, the path of the disk it lies under.</param>
public sealed record DiskUse(string Field, string Path, string RealPath, bool Writable, string? BackingOf = null);

/// <summary>Another VM of the host and the files its disks open.</summary>
public sealed record VmDiskUses(string VmName, IReadOnlyList<DiskUse> Uses);

/// <summary>
/// A disk is written by one VM at one place at a time: two writers, or a writer and a reader,
/// of one file corrupt it (a guest's file system caches what it wrote; a qcow2 child reads a
/// base that must not change under it). Read-only uses (DVD images, shared backing images) may
/// be shared by any number. Checked before QEMU is asked, whose image locks are the second line.
/// </summary>
public static class DiskSharingRules
{
    /// <summary>Every file a configuration opens for its disks.</summary>
    /// <param name="chains">Each qcow2 disk's backing images by the disk's path, as read from the headers.</param>
    /// <param name="realPath">Follows a path's links (a path that does not resolve is returned as it is).</param>
    public static IReadOnlyList<DiskUse> Uses(VmConfig vm, IReadOnlyDictionary<string, ImmutableArray<BackingImage>> chains,
        Func<string, string> realPath)
    {
        var uses = new List<DiskUse>();
        void Add(string field, string path, bool writable)
        {
            uses.Add(new(field, path, realPath(path), writable));
            if (chains.TryGetValue(path, out var chain))
                uses.AddRange(chain.Select(b => new DiskUse(field, b.Path, realPath(b.Path), false, path)));
        }
        for (var i = 0; i < vm.IdeDrives.Length; i++)
            if (vm.IdeDrives[i] is { Path: { } path } drive)
                Add($"ideDrives[{i}].path", path, drive is { Media: DriveMedia.HardDisk, ReadOnly: false });
        for (var c = 0; c < vm.ScsiControllers.Length; c++)
            for (var d = 0; d < vm.ScsiControllers[c].Disks.Length; d++)
                if (vm.ScsiControllers[c].Disks[d] is { Path: { } path } disk)
                    Add($"scsiControllers[{c}].disks[{d}].path", path, disk is { Media: DriveMedia.HardDisk, ReadOnly: false });
        return uses;
    }

    /// <summary>One error for each of <paramref name="mine"/> that another use of the same file, in this VM or another, conflicts with.</summary>
    public static IReadOnlyList<ValidationError> Check(IReadOnlyList<DiskUse> mine, IEnumerable<VmDiskUses> others)
    {
        var errors = new List<ValidationError>();
        var otherUses = others.SelectMany(o => o.Uses.Select(u => (Owner: $"VM {Quoting.Quote(o.VmName)}", Use: u))).ToList();
        for (var i = 0; i < mine.Count; i++)
        {
            var use = mine[i];
            var earlier = mine.Take(i).Where(u => u.Field != use.Field).Select(u => (Owner: "this VM", Use: u));
            var clash = earlier.Concat(otherUses).FirstOrDefault(o => o.Use.RealPath == use.RealPath && (o.Use.Writable || use.Writable));
            if (clash.Owner is not null && !errors.Any(e => e.Field == use.Field))
                errors.Add(new(use.Field, use.Path, Describe(use, clash.Owner, clash.Use)));
        }
        return errors;
    }

    private static string Describe(DiskUse use, string owner, DiskUse other)
    {
        var place = Place(other.Field);
        if (use.BackingOf is { } child)
            return $"{use.Field}: the backing file {Quoting.Quote(use.Path)} of {Quoting.Quote(child)} is a writable disk of {owner} ({place}); " +
                "a backing file is only read, so no disk may write it";
        if (other.BackingOf is { } parentOf)
            return $"{use.Field}: {Quoting.Quote(use.Path)} is the backing file of {Quoting.Quote(parentOf)}, a disk of {owner} ({place}); " +
                "a backing file is only read, so no disk may write it";
        return $"{use.Field}: {Quoting.Quote(use.Path)} is already a disk of {owner} ({place}); " +
            (owner == "this VM" ? "a disk is used at one place at a time" : "a disk is used by one VM at a time");
    }

    private static string Place(string field) => field.EndsWith(".path", StringComparison.Ordinal) ? field[..^".path".Length] : field;
}
