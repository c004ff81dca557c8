using System.Text;
using Nube.Linux;

namespace Nube.Service.Server.Logging;

/// <summary>
/// Writes nubed's log to a file through <see cref="RotatingLog"/>: a dated line per entry, the
/// file rotated at <see cref="MaxBytes"/> with <see cref="Files"/> files kept, so a host that runs
/// for months without systemd does not fill its disk with nubed's log.
/// </summary>
public sealed class FileLoggerProvider(RotatingLog log, TimeProvider clock) : ILoggerProvider
{
    public const long MaxBytes = 10 * 1024 * 1024;
    public const int Files = 5;

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose() => log.Dispose();

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        try
        {
            log.Write(Encoding.UTF8.GetBytes(FileLogLine.Format(clock.GetUtcNow(), level, category, message, exception)));
        }
        catch (ObjectDisposedException)
        {
            // An entry from a thread still running after the host disposed its loggers has nowhere to go.
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                provider.Write(logLevel, category, formatter(state, exception), exception);
        }
    }
}
