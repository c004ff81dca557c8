namespace Nube.Service.Tests.Harness;

internal sealed class TestLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestLogger(output, categoryName);

    public void Dispose()
    {
    }
}
