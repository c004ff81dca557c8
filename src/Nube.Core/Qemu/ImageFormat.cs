using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>Which QEMU block driver reads an image.</summary>
public static class ImageFormat
{
    /// <summary>
    /// The explicit format, else the one the extension names. Never QEMU's probing: a fixed VHD
    /// probes as raw, and probing a raw image lets a guest pass itself off as another format.
    /// </summary>
    public static string Driver(DiskFormat? format, string path) => (format ?? FromExtension(path)) switch
    {
        DiskFormat.Qcow2 => "qcow2",
        DiskFormat.Vhd => "vpc",
        DiskFormat.Vhdx => "vhdx",
        _ => "raw",
    };

    private static DiskFormat FromExtension(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".qcow2" => DiskFormat.Qcow2,
            ".vhd" => DiskFormat.Vhd,
            ".vhdx" => DiskFormat.Vhdx,
            _ => DiskFormat.Raw,
        };
}
