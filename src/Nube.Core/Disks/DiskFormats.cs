using Nube.Core.Vms;

namespace Nube.Core.Disks;

/// <summary>
/// What each disk format can do in QEMU 10, as found with qemu-img 10.0 (docs/disks.md has the
/// table and how each fact was checked): the one source for the rules, the messages and the docs.
/// </summary>
public static class DiskFormats
{
    /// <summary>A VHD's largest size: the format's own limit, which qemu-img enforces.</summary>
    public const long MaxVhdBytes = 2040L << 30;

    /// <summary>A VHDX's largest size (the VHDX specification's 64 TiB; qemu-img refuses more).</summary>
    public const long MaxVhdxBytes = 64L << 40;

    /// <summary>A qcow2's largest size with the default 64 KiB clusters (its L1 table's limit); qemu-img refuses more.</summary>
    public const long MaxQcow2Bytes = 2L << 50;

    /// <summary>The words the API and the CLI take, in the order they are listed.</summary>
    public static readonly IReadOnlyList<string> Words = ["vhdx", "vhd", "qcow2", "raw"];

    public static string Word(DiskFormat format) => format switch
    {
        DiskFormat.Vhdx => "vhdx",
        DiskFormat.Vhd => "vhd",
        DiskFormat.Qcow2 => "qcow2",
        _ => "raw",
    };

    /// <summary>The name people know a format by, for sentences.</summary>
    public static string Title(DiskFormat format) => format switch
    {
        DiskFormat.Vhdx => "VHDX",
        DiskFormat.Vhd => "VHD",
        DiskFormat.Qcow2 => "qcow2",
        _ => "raw",
    };

    public static DiskFormat? FromWord(string? word) => word?.Trim().ToLowerInvariant() switch
    {
        "vhdx" => DiskFormat.Vhdx,
        "vhd" => DiskFormat.Vhd,
        "qcow2" => DiskFormat.Qcow2,
        "raw" => DiskFormat.Raw,
        _ => null,
    };

    /// <summary>The format a file's extension names (.vhdx, .vhd, .qcow2, .raw, .img), or null for another.</summary>
    public static DiskFormat? FromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".vhdx" => DiskFormat.Vhdx,
        ".vhd" => DiskFormat.Vhd,
        ".qcow2" => DiskFormat.Qcow2,
        ".raw" or ".img" => DiskFormat.Raw,
        _ => null,
    };

    /// <summary>QEMU's block driver for the format (VHD's is called vpc).</summary>
    public static string Driver(DiskFormat format) => format switch
    {
        DiskFormat.Vhdx => "vhdx",
        DiskFormat.Vhd => "vpc",
        DiskFormat.Qcow2 => "qcow2",
        _ => "raw",
    };

    /// <summary>The format of a QEMU block driver's name, or null for one Nube does not use for disks.</summary>
    public static DiskFormat? FromDriver(string? driver) => driver switch
    {
        "vhdx" => DiskFormat.Vhdx,
        "vpc" => DiskFormat.Vhd,
        "qcow2" => DiskFormat.Qcow2,
        "raw" => DiskFormat.Raw,
        _ => null,
    };

    /// <summary>The largest virtual size; null for raw, which only the host's file system limits (ext4: 16 TiB).</summary>
    public static long? MaxBytes(DiskFormat format) => format switch
    {
        DiskFormat.Vhd => MaxVhdBytes,
        DiskFormat.Vhdx => MaxVhdxBytes,
        DiskFormat.Qcow2 => MaxQcow2Bytes,
        _ => null,
    };

    /// <summary>Only qcow2 takes a backing file: qemu-img 10 answers "Backing file not supported for file format" for the others.</summary>
    public static bool CanBeChild(DiskFormat format) => format == DiskFormat.Qcow2;

    /// <summary>QEMU 10's vpc and vhdx drivers have no truncate: "Image format driver does not support resize", offline and online.</summary>
    public static bool CanResize(DiskFormat format) => format is DiskFormat.Qcow2 or DiskFormat.Raw;

    /// <summary>qemu-img check reads qcow2 and VHDX; for VHD and raw it answers "This image format does not support checks".</summary>
    public static bool CanCheck(DiskFormat format) => format is DiskFormat.Qcow2 or DiskFormat.Vhdx;

    /// <summary>QEMU's vpc and vhdx drivers add a migration blocker when they open an image ("does not support live migration").</summary>
    public static bool BlocksLiveMigration(DiskFormat format) => format is DiskFormat.Vhd or DiskFormat.Vhdx;

    /// <summary>
    /// qemu-img's -o options that make a new image of the format: VHD and VHDX dynamic or fixed;
    /// qcow2 and raw fixed means every byte allocated up front. A VHD keeps the exact size asked
    /// (force_size) rather than rounding it up to a cylinder/head/sector geometry.
    /// </summary>
    public static string CreateOptions(DiskFormat format, bool isFixed) => format switch
    {
        DiskFormat.Vhdx => isFixed ? "subformat=fixed" : "subformat=dynamic",
        DiskFormat.Vhd => isFixed ? "subformat=fixed,force_size=on" : "subformat=dynamic,force_size=on",
        _ => isFixed ? "preallocation=full" : "preallocation=off",
    };
}
