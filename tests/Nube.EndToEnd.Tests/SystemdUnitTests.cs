using Nube.Contracts.Client;
using Nube.EndToEnd.Tests.Infrastructure;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// The units scripts/demo.sh installs where systemd is PID 1. This machine's PID 1 is not systemd,
/// so a boot and a shutdown cannot run here: systemd-analyze checks the files, and the ordering
/// that makes shutdown (but not a restart of nubed) apply the VMs' stop actions is read from them.
/// </summary>
public sealed class SystemdUnitTests
{
    private static readonly string[] Units = ["nubed.service", "nube-vms.service"];

    [Fact]
    public async Task Systemd_analyze_verify_finds_no_problem_in_the_units()
    {
        // The units name /usr/local/bin/nubed and nube, which the demo links; verify checks that
        // commands exist, so a copy runs /bin/true in their place.
        var copy = Directory.CreateTempSubdirectory("nube-units-").FullName;
        try
        {
            foreach (var unit in Units)
            {
                var text = File.ReadAllText(Path.Combine(UnitFile.Folder, unit));
                Assert.Contains("/usr/local/bin/nube", text);
                File.WriteAllText(Path.Combine(copy, unit),
                    text.Replace("/usr/local/bin/nubed ", "/bin/true ").Replace("/usr/local/bin/nube ", "/bin/true "));
            }
            var result = await HostProgram.RunAsync("systemd-analyze", ["verify", .. Units.Select(u => Path.Combine(copy, u))]);
            // verify exits 0 on unknown keys and bad values, and says so on its output: both must be empty.
            Assert.Equal((0, "", ""), (result.ExitCode, result.Stdout, result.Stderr));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Nubed_tells_systemd_when_it_serves_and_a_stop_or_restart_ends_nubed_only()
    {
        var nubed = UnitFile.Read("nubed.service");
        Assert.Equal("notify", nubed.One("Service", "Type"));
        Assert.Equal("process", nubed.One("Service", "KillMode"));
        Assert.Contains("network-online.target", nubed.All("Unit", "After"));
        Assert.Contains("network-online.target", nubed.All("Unit", "Wants"));
        Assert.Equal("/var/lib/nube", nubed.One("Unit", "RequiresMountsFor"));
        // setpriv changes the uid of every QEMU it starts.
        Assert.Empty(nubed.All("Service", "NoNewPrivileges"));
    }

    [Fact]
    public void The_stop_actions_run_at_shutdown_before_nubed_stops_and_not_when_nubed_restarts()
    {
        var vms = UnitFile.Read("nube-vms.service");
        // Started after nubed, so stopped before it: the stop actions reach a nubed that still serves.
        Assert.Contains("nubed.service", vms.All("Unit", "After"));
        Assert.Contains("nubed.service", vms.All("Unit", "Wants"));
        // These would carry a stop or restart of nubed over to this unit, and so stop the VMs.
        foreach (var key in new[] { "Requires", "Requisite", "BindsTo", "PartOf" })
            Assert.DoesNotContain("nubed.service", vms.All("Unit", key));
        // Default dependencies put it before shutdown.target, which stops it.
        Assert.Empty(vms.All("Unit", "DefaultDependencies"));
        Assert.Equal(("oneshot", "yes"), (vms.One("Service", "Type"), vms.One("Service", "RemainAfterExit")));
        Assert.Equal("/usr/local/bin/nube host stop-vms", vms.One("Service", "ExecStop"));
    }

    [Fact]
    public void Systemd_waits_for_the_stop_actions_longer_than_nube_waits_for_nubed()
    {
        var vms = UnitFile.Read("nube-vms.service");
        Assert.Equal("11min", vms.One("Service", "TimeoutStopSec"));
        Assert.True(TimeSpan.FromMinutes(11) > NubeApiClient.DefaultTimeout,
            $"TimeoutStopSec=11min must exceed nube's request timeout, {NubeApiClient.DefaultTimeout}.");
    }
}
