using Microsoft.Extensions.Hosting.Systemd;
using Nube.Linux;

namespace Nube.Service.Server.Logging;

public static class NubedLogging
{
    /// <summary>
    /// Sends the log where <see cref="LogTargets.Choose"/> says. Under systemd, <c>AddSystemd</c>
    /// has already made the console write syslog priority prefixes for journald.
    /// </summary>
    /// <exception cref="IOException">The log file cannot be opened; the message names it.</exception>
    public static LogTarget Configure(ILoggingBuilder logging, NubedOptions options)
    {
        var target = LogTargets.Choose(options.LogFile, SystemdHelpers.IsSystemdService());
        logging.ClearProviders();
        switch (target)
        {
            case LogTarget.Journal:
                logging.AddConsole();
                break;
            case LogTarget.File:
                logging.AddProvider(new FileLoggerProvider(Open(options.LogFile!), TimeProvider.System));
                break;
            default:
                logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
                break;
        }
        return target;
    }

    private static RotatingLog Open(string path)
    {
        try
        {
            return new RotatingLog(path, FileLoggerProvider.MaxBytes, FileLoggerProvider.Files);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--log-file {path}: {e.Message}", e);
        }
    }
}
