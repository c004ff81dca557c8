using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>Which QEMU block driver reads an image.</summary>
public static class ImageFormat
{
    /// <summary>
    /// The explicit format, else the one the extension names. Never QEMU's probing: a fixed VHD
    /// probes as raw, and probing a raw image lets a guest pass itself off as another format.
    /// </summary>
    public static string Driver(DiskFormat? format, string path) => Driver(Of(format, path));

    public static DiskFormat Of(DiskFormat? format, string path) => format ?? Disks.DiskFormats.FromPath(path) ?? DiskFormat.Raw;

    public static string Driver(DiskFormat format) => Disks.DiskFormats.Driver(format);
}
