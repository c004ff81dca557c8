using Nube.Linux.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nube.Contracts.HostSystem;
using Nube.Core.Validation;
using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

public sealed class TimeZoneTests : IDisposable
{
    private readonly TempRoot root = new();
    private readonly ScriptedCommands commands = new();
    private readonly HostClock clock;

    public TimeZoneTests()
    {
        root.AddZone("Europe/Berlin");
        root.AddZone("America/Argentina/Buenos_Aires");
        root.AddZone("Etc/UTC");
        root.AddZone("zone.tab", "# not a zone");
        File.CreateSymbolicLink(Path.Combine(root.ZoneInfo, "UTC"), "Etc/UTC");
        File.WriteAllText(Path.Combine(root.Root, "outside"), "TZif but outside the database");
        File.CreateSymbolicLink(Path.Combine(root.ZoneInfo, "Escape"), Path.Combine(root.Root, "outside"));
        File.CreateSymbolicLink(root.Paths.LocalTime, Path.Combine(root.ZoneInfo, "Etc/UTC"));
        clock = new HostClock(root.Paths, commands, new FakeTimeProvider(), NullLogger<HostClock>.Instance);
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("UTC")]
    public void Accepts_the_zones_of_the_database(string zone)
    {
        var errors = new List<ValidationError>();
        Assert.Equal(Path.Combine(root.ZoneInfo, zone), clock.Resolve(zone, errors));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("Europe/../../x")]
    [InlineData("Europe/Berlin/")]
    [InlineData("Europe Berlin")]
    [InlineData("a/b/c/d")]
    [InlineData("")]
    public void Refuses_what_is_not_shaped_as_a_zone_name_before_making_a_path(string zone) =>
        Assert.Equal($"timeZone: '{zone}' is not a time zone name; use Area/City of letters, digits, '_', '+' and '-', such as Europe/Berlin or UTC",
            Resolve(zone));

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("Europe")]
    [InlineData("Escape")]
    [InlineData("zone")]
    public void Refuses_names_missing_from_the_database_folders_links_out_and_other_files(string zone) =>
        Assert.Equal($"timeZone: '{zone}' is not in the time zone database ({root.ZoneInfo}); use a name such as Europe/Berlin or UTC",
            Resolve(zone));

    [Fact]
    public async Task Setting_a_zone_relinks_localtime_and_names_it_in_etc_timezone()
    {
        Assert.Equal("Etc/UTC", clock.TimeZone());
        var file = clock.Resolve("Europe/Berlin", [])!;
        await clock.SetAsync("Europe/Berlin", file, CancellationToken.None);
        Assert.Equal(Path.Combine(root.ZoneInfo, "Europe/Berlin"), new FileInfo(root.Paths.LocalTime).LinkTarget);
        Assert.Equal("Europe/Berlin\n", File.ReadAllText(root.Paths.TimeZoneFile));
        Assert.Equal("Europe/Berlin", clock.TimeZone());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(root.Paths.TimeZoneFile));
        // No temporary link or file is left behind.
        Assert.Equal(["localtime", "profile.d", "timezone"], TempRoot.Names(root.Etc));
    }

    [Fact]
    public void Without_the_link_the_zone_comes_from_etc_timezone_else_it_is_unknown()
    {
        File.Delete(root.Paths.LocalTime);
        Assert.Equal(HostClock.UnknownZone, clock.TimeZone());
        File.WriteAllText(root.Paths.TimeZoneFile, "Europe/Berlin\n");
        Assert.Equal("Europe/Berlin", clock.TimeZone());
    }

    [Fact]
    public async Task Ntp_is_read_from_timedatectl_and_unknown_when_it_cannot_answer()
    {
        commands.Answer = _ => (new CommandResult(0, "NTP=yes\nNTPSynchronized=yes\n", ""), []);
        Assert.Equal(NtpStates.Synchronized, await clock.NtpAsync(CancellationToken.None));
        commands.Answer = _ => (new CommandResult(1, "", "System has not been booted with systemd as init system (PID 1). Can't operate."), []);
        Assert.Equal(NtpStates.Unknown, await clock.NtpAsync(CancellationToken.None));
        commands.Answer = _ => (new CommandResult(CommandResult.NotFound, "", "timedatectl: No such file or directory"), []);
        Assert.Equal(NtpStates.Unknown, await clock.NtpAsync(CancellationToken.None));
        Assert.All(commands.Calls, c => Assert.Equal("timedatectl show -p NTP -p NTPSynchronized", c));
    }

    private string Resolve(string zone)
    {
        var errors = new List<ValidationError>();
        Assert.Null(clock.Resolve(zone, errors));
        return Assert.Single(errors).Message;
    }

    public void Dispose() => root.Dispose();
}
