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
    public const string CommandLine = "root=/dev/sda rw console=ttyS0 quiet";

    /// <summary>
    /// Debian 12's netboot installer on a disc of its own (guest/debian/installer.sh), bootable by
    /// the BIOS and by UEFI with Secure Boot on; its dialogs come on COM1.
    /// </summary>
    public static string InstallerIso =>
        Require(Path.Combine(CacheDirectory, "debian12-installer", "installer.iso"), "The Debian 12 installer disc", "guest/debian/installer.sh");

    public string Directory => Path.Combine(CacheDirectory, $"debian12-{Variant}");
    public string Kernel => Require("vmlinuz");
    public string Initrd => Require("initrd.img");
    public string RootImage => Require("root.img");

    private string Require(string name) =>
        Require(Path.Combine(Directory, name), $"The Debian 12 guest '{Variant}'", "guest/debian/build.sh");

    private static string Require(string path, string what, string script) => File.Exists(path)
        ? path
        : throw new InvalidOperationException($"{what} is missing: {path} does not exist. Build it with {script} (scripts/test.sh does).");
}
