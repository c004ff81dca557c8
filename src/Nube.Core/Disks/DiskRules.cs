using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Disks;

/// <summary>
/// The checks of a disk request that need no host: sizes against each format's limit, what a
/// format can be asked to do, and, where it cannot, the conversion that works. Each error names
/// the field, the value and the limit.
/// </summary>
public static class DiskRules
{
    private const int SectorBytes = 512;

    /// <summary>A size for a disk of <paramref name="format"/>: at least one sector, whole sectors, within the format's limit.</summary>
    public static void CheckSize(string field, string text, long bytes, DiskFormat format, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var shown = Quoting.Quote(text);
        if (bytes < SectorBytes)
            errors.Add(new(field, text, $"{field}: {shown} is smaller than one 512-byte sector, the least a disk holds"));
        else if (bytes % SectorBytes != 0)
            errors.Add(new(field, text, $"{field}: {shown} is not a whole number of 512-byte sectors"));
        else if (DiskFormats.MaxBytes(format) is { } max && bytes > max)
            errors.Add(new(field, text, $"{field}: {shown} is over the limit of {DiskSize.Format(max)} for a {DiskFormats.Title(format)} disk{Larger(format)}"));
    }

    /// <summary>A new disk: a child only in a format that takes a parent, and never fixed; otherwise a size.</summary>
    public static void CheckNew(string path, DiskFormat format, bool isFixed, string? parent, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (parent is null)
            return;
        if (!DiskFormats.CanBeChild(format))
            errors.Add(new("format", DiskFormats.Word(format),
                $"format: {DiskFormats.Title(format)} cannot be a differencing child in QEMU 10: make the child as qcow2 " +
                $"('nube disk new {Quoting.Escape(path)} --parent {Quoting.Escape(parent)} --format qcow2'); its parent may be in any format"));
        if (isFixed)
            errors.Add(new("fixed", "true", "fixed: a differencing child cannot be fixed: it holds only what differs from its parent"));
    }

    /// <summary>A resize of a disk of <paramref name="format"/> from <paramref name="current"/> bytes to <paramref name="bytes"/>.</summary>
    public static void CheckResize(string path, DiskFormat format, long current, string text, long bytes, bool allowShrink,
        List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!DiskFormats.CanResize(format))
        {
            var qcow2 = Path.ChangeExtension(path, ".qcow2");
            errors.Add(new("path", path,
                $"path: {Quoting.Quote(path)} is a {DiskFormats.Title(format)} disk, which QEMU 10 cannot resize; convert it to qcow2 " +
                $"('nube disk convert {Quoting.Escape(path)} {Quoting.Escape(qcow2)} --format qcow2'), resize the copy, and use it in its place"));
            return;
        }
        CheckSize("size", text, bytes, format, errors);
        if (bytes < current && !allowShrink)
            errors.Add(new("size", text,
                $"size: {Quoting.Quote(text)} is smaller than the disk's {DiskSize.Format(current)}; shrinking cuts off the data at its end: " +
                "shrink the guest's file systems and partitions first, then pass --allow-shrink (allowShrink)"));
    }

    private static string Larger(DiskFormat format) => format switch
    {
        DiskFormat.Vhd => $"; VHDX takes up to {DiskSize.Format(DiskFormats.MaxVhdxBytes)} and qcow2 up to {DiskSize.Format(DiskFormats.MaxQcow2Bytes)}",
        DiskFormat.Vhdx => $"; qcow2 takes up to {DiskSize.Format(DiskFormats.MaxQcow2Bytes)}",
        _ => "",
    };
}
