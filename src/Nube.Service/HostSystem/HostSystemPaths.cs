namespace Nube.Service.HostSystem;

/// <summary>
/// Where the host keeps what SCONFIG reads and changes. The real host's are the defaults; tests
/// point them at a folder of their own.
/// </summary>
public sealed record HostSystemPaths
{
    public string Etc { get; init; } = "/etc";
    public string ZoneInfo { get; init; } = "/usr/share/zoneinfo";
    public string AptLists { get; init; } = "/var/lib/apt/lists";
    public string DpkgStatus { get; init; } = "/var/lib/dpkg/status";
    /// <summary>The kernel's host name of this UTS namespace, whole (gethostname without the domain cut off).</summary>
    public string KernelHostName { get; init; } = "/proc/sys/kernel/hostname";
    /// <summary>Exists when systemd is the init system (sd_booted(3)).</summary>
    public string SystemdRuntime { get; init; } = "/run/systemd/system";

    public string HostNameFile => Path.Combine(Etc, "hostname");
    public string HostsFile => Path.Combine(Etc, "hosts");
    public string LocalTime => Path.Combine(Etc, "localtime");
    public string TimeZoneFile => Path.Combine(Etc, "timezone");
    public string LoginMenuScript => Path.Combine(Etc, "profile.d", "nube-sconfig.sh");
}
