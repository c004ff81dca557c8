namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The project's Linux test guest, built by guest/build.sh. Tests fail, never skip, when it is
/// missing: the test command builds it first.
/// </summary>
public static class TestGuest
{
    public static string Directory { get; } =
        Environment.GetEnvironmentVariable("NUBE_GUEST_DIR") ?? "/var/cache/nube/guest";

    public static string Kernel => Require("vmlinux");
    public static string Initrd => Require("initrd.img");
    public static string DataDisk => Require("data.img");
    /// <summary>A BIOS-bootable disk (MBR, SYSLINUX) with the same kernel and initrd.</summary>
    public static string BootDisk => Require("boot.img");
    /// <summary>A UEFI-bootable disk (GPT, signed shim, GRUB and kernel) with the same initrd; boots with Secure Boot on or off.</summary>
    public static string EfiDisk => Require("efi.img");
    /// <summary>An installer-like disc (ISO 9660) with the same kernel and initrd: boots from a DVD drive through the BIOS (ISOLINUX) or UEFI (signed shim and GRUB).</summary>
    public static string Iso => Require("guest.iso");

    public const string ReadyLine = "NUBE-GUEST-READY";
    public const string CounterPrefix = "NUBE-COUNTER ";

    private static string Require(string name)
    {
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
            throw new InvalidOperationException(
                $"The test guest is missing: {path} does not exist. Build it with guest/build.sh (scripts/test.sh does).");
        return path;
    }
}
