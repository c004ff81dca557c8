using Nube.Linux.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nube.Contracts.HostSystem;
using Nube.Core.Validation;
using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

/// <summary>The host name, the menu at login and the validation of a change, on a folder standing in for /etc.</summary>
public sealed class HostSettingsTests : IDisposable
{
    private readonly TempRoot root = new();
    private readonly ScriptedCommands commands = new();
    private readonly HostSystemService service;

    public HostSettingsTests()
    {
        root.AddZone("Europe/Berlin");
        File.WriteAllText(root.Paths.HostsFile, "127.0.0.1\tlocalhost\n127.0.1.1\told-name\n");
        File.WriteAllText(root.Paths.HostNameFile, "old-name\n");
        commands.Answer = c =>
        {
            // The real program changes the kernel's name, which the service reads back.
            if (c.Program == "hostname")
                File.WriteAllText(root.KernelHostName, c.Arguments[0] + "\n");
            return c.Program switch
            {
                "hostname" => (new CommandResult(0, "", ""), []),
                "ip" => (new CommandResult(0, """[{"ifname":"eth0","operstate":"UP","addr_info":[{"local":"192.0.2.2","prefixlen":24}]}]""", ""), []),
                _ => (new CommandResult(1, "", "not here"), []),
            };
        };
        service = new HostSystemService(
            new HostNames(root.Paths, commands, NullLogger<HostNames>.Instance),
            new NetworkProbe(commands),
            new HostClock(root.Paths, commands, new FakeTimeProvider(), NullLogger<HostClock>.Instance),
            new LoginMenu(root.Paths, NullLogger<LoginMenu>.Instance));
    }

    [Fact]
    public async Task A_new_host_name_goes_to_the_kernel_etc_hostname_and_etc_hosts()
    {
        var info = await service.ChangeAsync(new HostSystemSettings { HostName = "hv1.example.org" }, CancellationToken.None);
        Assert.Equal("hv1.example.org", info.HostName);
        Assert.Equal(["hostname hv1.example.org", "ip -j addr show", "timedatectl show -p NTP -p NTPSynchronized"], commands.Calls);
        Assert.Equal("hv1.example.org\n", File.ReadAllText(root.Paths.HostNameFile));
        Assert.Equal("127.0.0.1\tlocalhost\n127.0.1.1\thv1.example.org hv1\n", File.ReadAllText(root.Paths.HostsFile));
        Assert.Equal("192.0.2.2/24", Assert.Single(Assert.Single(info.Interfaces).Addresses));
        Assert.Equal(NtpStates.Unknown, info.Ntp);
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_and_nothing_changes()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            service.ChangeAsync(new HostSystemSettings { HostName = "bad_name!", TimeZone = "Mars/Olympus", LoginMenu = true }, CancellationToken.None));
        Assert.Equal(["hostName", "timeZone"], error.Errors.Select(e => e.Field));
        Assert.Empty(commands.Calls);
        Assert.Equal("old-name\n", File.ReadAllText(root.Paths.HostNameFile));
        Assert.False(File.Exists(root.Paths.LoginMenuScript));
        Assert.False(File.Exists(root.Paths.LocalTime));
    }

    [Fact]
    public async Task A_refused_hostname_command_is_reported_and_the_files_stay()
    {
        commands.Answer = _ => (new CommandResult(1, "", "hostname: you must be root to change the host name"), []);
        var error = await Assert.ThrowsAsync<HostCommandException>(() =>
            service.ChangeAsync(new HostSystemSettings { HostName = "web1" }, CancellationToken.None));
        Assert.Equal("'hostname web1' failed with exit code 1: hostname: you must be root to change the host name", error.Message);
        Assert.Equal("old-name\n", File.ReadAllText(root.Paths.HostNameFile));
        Assert.Equal("127.0.0.1\tlocalhost\n127.0.1.1\told-name\n", File.ReadAllText(root.Paths.HostsFile));
    }

    [Fact]
    public async Task The_menu_at_login_is_a_profile_script_that_exists_while_it_is_on()
    {
        var on = await service.ChangeAsync(new HostSystemSettings { LoginMenu = true }, CancellationToken.None);
        Assert.True(on.LoginMenu);
        Assert.Equal(LoginMenu.Script, File.ReadAllText(root.Paths.LoginMenuScript));
        Assert.Contains("nube sconfig", LoginMenu.Script);
        var off = await service.ChangeAsync(new HostSystemSettings { LoginMenu = false }, CancellationToken.None);
        Assert.False(off.LoginMenu);
        Assert.False(File.Exists(root.Paths.LoginMenuScript));
    }

    public void Dispose() => root.Dispose();
}
