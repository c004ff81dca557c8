namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real Debian 12 guest built by guest/debian/build.sh: Debian's kernel and initramfs, and its
/// root file system as a raw ext4 image that no test writes (each boots a qcow2 overlay of it).
/// Tests fail, never skip, when it is missing: the test command builds it first.
/// </summary>
public sealed record DebianGuest(string Variant)
{
    /// <summary>debootstrap minbase with systemd, udev, qemu-guest-agent and the kernel: no D-Bus, no logind.</summary>
    public static DebianGuest Minimal { get; } = new("minimal");

    /// <summary>The same with dbus and libpam-systemd.</summary>
    public static DebianGuest WithDbus { get; } = new("dbus");

    public static string CacheDirectory { get; } =
        Environment.GetEnvironmentVariable("NUBE_DEBIAN_DIR") ?? "/var/cache/nube";

    /// <summary>The root file system on SCSI 0:0 (the only disk), read-write.</summary>
    public const string CommandLine = "root=/dev/sda rw console=ttyS0";

    public string Directory => Path.Combine(CacheDirectory, $"debian12-{Variant}");
    public string Kernel => Require("vmlinuz");
    public string Initrd => Require("initrd.img");
    public string RootImage => Require("root.img");

    private string Require(string name)
    {
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
            throw new InvalidOperationException(
                $"The Debian 12 guest '{Variant}' is missing: {path} does not exist. Build it with guest/debian/build.sh (scripts/test.sh does).");
        return path;
    }
}
