namespace Nube.Service.Tests.Harness;

/// <summary>Writes the service's log lines to the test's output, shown when the test fails.</summary>
internal sealed class TestLogger(ITestOutputHelper output, string category) : ILogger
{
    private static readonly long Start = Environment.TickCount64;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{Environment.TickCount64 - Start,6} ms {logLevel,-11} {category}: {formatter(state, exception)}";
        if (exception is not null)
            line += Environment.NewLine + exception;
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has ended; a controller left behind by it may still log.
        }
    }
}
