namespace Nube.Service.Server.Logging;

/// <summary>Where nubed's log goes.</summary>
public enum LogTarget
{
    /// <summary>Standard output, one line each with the time of day: run by hand or by a test.</summary>
    Console,
    /// <summary>Standard output with syslog priority prefixes (<c>&lt;6&gt;</c>), which journald reads; systemd adds the dates.</summary>
    Journal,
    /// <summary>The file given with <c>--log-file</c>, dated lines, rotated.</summary>
    File,
}

public static class LogTargets
{
    /// <summary>
    /// A log file given on the command line wins (the operator asked for it); else the journal when
    /// systemd started nubed as a service; else standard output.
    /// </summary>
    public static LogTarget Choose(string? logFile, bool underSystemd) =>
        logFile is not null ? LogTarget.File : underSystemd ? LogTarget.Journal : LogTarget.Console;
}
