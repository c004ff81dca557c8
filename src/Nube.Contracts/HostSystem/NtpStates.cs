namespace Nube.Contracts.HostSystem;

/// <summary>How the host's clock is kept, as systemd's timedatectl reports it.</summary>
public static class NtpStates
{
    /// <summary>NTP is on and the clock is synchronised.</summary>
    public const string Synchronized = "synchronized";
    /// <summary>NTP is on, and the clock not synchronised yet.</summary>
    public const string Active = "active";
    /// <summary>NTP is off.</summary>
    public const string Inactive = "inactive";
    /// <summary>The host cannot tell (no systemd, no timedatectl).</summary>
    public const string Unknown = "unknown";
}
