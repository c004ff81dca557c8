using Microsoft.Extensions.Time.Testing;
using Nube.Linux;
using Nube.Service.Server.Logging;

namespace Nube.Service.Tests.Logging;

public sealed class FileLoggingTests : IDisposable
{
    private static readonly DateTimeOffset When = new(2026, 12, 6, 18, 3, 18, 123, TimeSpan.FromHours(1));
    private readonly string folder = Directory.CreateTempSubdirectory("nube-log-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("/var/log/nube/nubed.log", false, LogTarget.File)]
    [InlineData("/var/log/nube/nubed.log", true, LogTarget.File)]
    [InlineData(null, true, LogTarget.Journal)]
    [InlineData(null, false, LogTarget.Console)]
    public void The_log_goes_to_the_file_given_else_the_journal_under_systemd_else_standard_output(string? file, bool systemd, LogTarget expected) =>
        Assert.Equal(expected, LogTargets.Choose(file, systemd));

    [Fact]
    public void A_line_carries_the_UTC_date_the_level_and_the_category() =>
        Assert.Equal("2026-12-06T17:03:18.123Z warn  Nube.Service.Vms.VmRegistry: VM web1 is broken\n",
            FileLogLine.Format(When, LogLevel.Warning, "Nube.Service.Vms.VmRegistry", "VM web1 is broken", null));

    [Fact]
    public void Every_further_line_of_an_entry_is_indented_so_that_each_entry_starts_with_its_date()
    {
        var line = FileLogLine.Format(When, LogLevel.Error, "C", "first\nsecond", new InvalidOperationException("bad"));
        Assert.Equal("2026-12-06T17:03:18.123Z error C: first\n    second\n    System.InvalidOperationException: bad\n", line);
    }

    [Fact]
    public void The_provider_writes_dated_lines_and_rotates_the_file()
    {
        var path = Path.Combine(folder, "nubed.log");
        var clock = new FakeTimeProvider(When);
        using (var provider = new FileLoggerProvider(new RotatingLog(path, maxBytes: 60, files: 2), clock))
        {
            var logger = provider.CreateLogger("Test");
            logger.LogInformation("one {Number}", 1);
            clock.Advance(TimeSpan.FromSeconds(1));
            logger.LogInformation("two {Number}", 2);
        }
        Assert.Equal("2026-12-06T17:03:18.123Z info  Test: one 1\n", File.ReadAllText(path + ".1"));
        Assert.Equal("2026-12-06T17:03:19.123Z info  Test: two 2\n", File.ReadAllText(path));
    }

    [Fact]
    public void An_entry_after_the_provider_is_disposed_is_dropped_without_an_error()
    {
        var provider = new FileLoggerProvider(new RotatingLog(Path.Combine(folder, "nubed.log")), TimeProvider.System);
        var logger = provider.CreateLogger("Test");
        provider.Dispose();
        logger.LogInformation("late");
    }
}
