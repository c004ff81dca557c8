using Nube.Contracts.HostSystem;

namespace Nube.Service.HostSystem;

/// <summary>Reads the NTP state from <c>timedatectl show</c> (lines of Property=value).</summary>
public static class TimedatectlShow
{
    public static string NtpState(string output)
    {
        var values = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
        return (values.GetValueOrDefault("NTP"), values.GetValueOrDefault("NTPSynchronized")) switch
        {
            (_, "yes") => NtpStates.Synchronized,
            ("yes", _) => NtpStates.Active,
            ("no", _) => NtpStates.Inactive,
            _ => NtpStates.Unknown,
        };
    }
}
