namespace Nube.Service.HostSystem;

/// <summary>
/// The Debian packages whose updates SCONFIG shows and installs: QEMU's own (every qemu-* package),
/// the firmware and option ROMs its VMs boot, and what scripts/install-deps.sh installs for Nube
/// (keep the two lists in step).
/// </summary>
public static class NubePackages
{
    public const string QemuPrefix = "qemu-";

    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        // Firmware: UEFI (generation 2), BIOS (generation 1), network boot ROMs.
        "ovmf", "seabios", "ipxe-qemu",
        // scripts/install-deps.sh
        "cpio", "zstd", "xz-utils", "kmod", "socat", "iproute2", "nftables", "e2fsprogs", "file", "binutils", "passwd",
        "libicu72", "libssl3", "ca-certificates", "procps", "gcc", "libc6-dev", "zlib1g-dev", "tmux",
        "nodejs", "npm", "chromium", "debootstrap", "iperf3",
    };

    public static bool Contains(string package) =>
        package.StartsWith(QemuPrefix, StringComparison.Ordinal) || Names.Contains(package);
}
