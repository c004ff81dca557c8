using System.Globalization;

namespace Nube.Service.HostSystem;

/// <summary>
/// apt's machine-readable progress (<c>-o APT::Status-Fd=1</c>): <c>dlstatus:item:percent:text</c> while
/// downloading, <c>pmstatus:package:percent:text</c> while dpkg installs. Downloads fill the job's first
/// 40 %, installing the rest, so that its percentage only grows.
/// </summary>
public static class AptStatus
{
    public const int DownloadShare = 40;

    /// <summary>The job's phase and percent for a status line, or null for any other line.</summary>
    public static (string Phase, int Percent)? Read(string line)
    {
        var parts = line.Split(':', 4);
        if (parts.Length != 4 || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent)
            || percent is < 0 or > 100)
            return null;
        return parts[0] switch
        {
            "dlstatus" => ($"downloading: {parts[3]}", (int)(percent * DownloadShare / 100)),
            "pmstatus" => ($"installing: {parts[3]}", DownloadShare + (int)(percent * (100 - DownloadShare) / 100)),
            _ => null,
        };
    }
}
