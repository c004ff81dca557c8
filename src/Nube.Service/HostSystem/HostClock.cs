using Nube.Linux.Processes;
using Nube.Contracts.HostSystem;
using Nube.Core.Validation;
using Nube.Linux;

namespace Nube.Service.HostSystem;

/// <summary>
/// The host's time zone (the /etc/localtime link, else /etc/timezone) and NTP state (timedatectl,
/// when systemd answers). Setting the zone relinks /etc/localtime atomically and writes /etc/timezone,
/// as Debian's tzdata does; timedatectl is only read.
/// </summary>
public sealed class HostClock(HostSystemPaths paths, IHostCommands commands, TimeProvider clock, ILogger<HostClock> logger)
{
    public const string UnknownZone = "unknown";
    private static readonly HostCommand Show = new("timedatectl", ["show", "-p", "NTP", "-p", "NTPSynchronized"])
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public string TimeZone()
    {
        var link = new FileInfo(paths.LocalTime).LinkTarget;
        const string marker = "zoneinfo/";
        if (link is not null && link.IndexOf(marker, StringComparison.Ordinal) is >= 0 and var at)
            return link[(at + marker.Length)..];
        if (File.Exists(paths.TimeZoneFile) && File.ReadLines(paths.TimeZoneFile).FirstOrDefault()?.Trim() is { Length: > 0 } named)
            return named;
        return UnknownZone;
    }

    /// <summary>The host's clock in its zone (UTC when the zone cannot be read).</summary>
    public DateTimeOffset LocalTime(string zone)
    {
        var now = clock.GetUtcNow();
        try
        {
            return TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(zone));
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return now;
        }
    }

    public async Task<string> NtpAsync(CancellationToken ct)
    {
        var result = await commands.RunAsync(Show, ct).ConfigureAwait(false);
        // No timedatectl, or no systemd to ask (a container): the host cannot tell.
        return result.ExitCode == 0 ? TimedatectlShow.NtpState(result.Stdout) : NtpStates.Unknown;
    }

    /// <summary>The file of a valid zone's name, or the name's errors.</summary>
    public string? Resolve(string zone, List<ValidationError> errors) => TimeZoneRules.Resolve(paths.ZoneInfo, zone, errors);

    /// <summary>Points /etc/localtime at <paramref name="zoneFile"/> (from <see cref="Resolve"/>) and names the zone in /etc/timezone.</summary>
    public async Task SetAsync(string zone, string zoneFile, CancellationToken ct)
    {
        var before = TimeZone();
        var temp = Path.Combine(paths.Etc, $".localtime.{Guid.NewGuid():N}.tmp");
        try
        {
            File.CreateSymbolicLink(temp, zoneFile);
            // rename(2) swaps the link in one step: no reader ever finds /etc/localtime missing.
            File.Move(temp, paths.LocalTime, overwrite: true);
            UnixFiles.FsyncDirectory(paths.Etc);
        }
        finally
        {
            File.Delete(temp);
        }
        await SystemFile.WriteAsync(paths.TimeZoneFile, zone + "\n", ct).ConfigureAwait(false);
        // nubed's own clock follows at once (its log's times, the local time it reports).
        TimeZoneInfo.ClearCachedData();
        logger.LogInformation("Time zone changed from {Before} to {After}", before, zone);
    }
}
