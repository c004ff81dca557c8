using Nube.Linux.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Nube.Contracts.HostSystem;
using Nube.Contracts.Vms;
using Nube.Core.Validation;
using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

/// <summary>A restart or shut-down applies the VMs' stop actions first, and gives the power command only when they are all down.</summary>
public sealed class HostPowerTests
{
    private readonly List<string> steps = [];
    private readonly FakeStopActions stops;
    private readonly FakePower power;
    private readonly HostPower host;

    public HostPowerTests()
    {
        stops = new FakeStopActions(steps);
        power = new FakePower(steps);
        host = new HostPower(stops, power, NullLogger<HostPower>.Instance);
    }

    [Theory]
    [InlineData(PowerActions.Restart, "systemctl reboot")]
    [InlineData(PowerActions.Shutdown, "systemctl poweroff")]
    public async Task The_stop_actions_come_first_then_the_power_command(string action, string command)
    {
        stops.Left = [Vm("web1", "saved"), Vm("db", "off"), Vm("odd", "broken")];
        var result = await host.RunAsync(new PowerRequest { Action = action }, CancellationToken.None);
        Assert.Equal(["stop actions", command], steps);
        Assert.Equal(command, result.Command);
        Assert.Equal(["web1", "db", "odd"], result.Vms.Select(v => v.Name));
    }

    [Fact]
    public async Task A_failure_of_the_stop_actions_is_reported_and_the_host_stays_up()
    {
        stops.Failure = new InvalidOperationException("the registry is stopping");
        var error = await Assert.ThrowsAsync<HostSystemConflictException>(() =>
            host.RunAsync(new PowerRequest { Action = PowerActions.Restart }, CancellationToken.None));
        Assert.Equal("The VMs' automatic stop actions failed (the registry is stopping), so the host was not restarted.", error.Message);
        Assert.Equal(["stop actions"], steps);
    }

    [Fact]
    public async Task A_vm_still_running_after_its_stop_action_keeps_the_host_up_and_is_named()
    {
        stops.Left = [Vm("web1", "saved"), Vm("db", "running"), Vm("new", "starting")];
        var error = await Assert.ThrowsAsync<HostSystemConflictException>(() =>
            host.RunAsync(new PowerRequest { Action = PowerActions.Shutdown }, CancellationToken.None));
        Assert.Equal("VM 'db' is running, VM 'new' is starting after the automatic stop actions, so the host was not shut down; " +
            "stop or turn off what still runs, then try again.", error.Message);
        Assert.Equal(["stop actions"], steps);
    }

    [Fact]
    public async Task An_unknown_action_is_refused_before_anything_stops()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            host.RunAsync(new PowerRequest { Action = "reboot" }, CancellationToken.None));
        Assert.Equal("action: 'reboot' is not one of restart, shutdown", error.Message);
        Assert.Empty(steps);
    }

    [Fact]
    public async Task The_power_command_s_failure_is_reported()
    {
        power.Failure = new HostCommandException("systemctl reboot", "'systemctl reboot' failed with exit code 1: Access denied");
        var error = await Assert.ThrowsAsync<HostCommandException>(() =>
            host.RunAsync(new PowerRequest { Action = PowerActions.Restart }, CancellationToken.None));
        Assert.Equal("'systemctl reboot' failed with exit code 1: Access denied", error.Message);
        Assert.Equal(["stop actions", "systemctl reboot"], steps);
    }

    [Fact]
    public void Without_systemd_the_plain_commands_are_given()
    {
        using var root = new TempRoot();
        var commands = new ScriptedCommands();
        var plain = new SystemPowerSwitch(root.Paths, commands);
        Assert.Equal("reboot", plain.CommandFor(PowerActions.Restart).ToString());
        Assert.Equal("poweroff", plain.CommandFor(PowerActions.Shutdown).ToString());
        Directory.CreateDirectory(root.Paths.SystemdRuntime);
        Assert.Equal("systemctl reboot", plain.CommandFor(PowerActions.Restart).ToString());
        Assert.Equal("systemctl poweroff", plain.CommandFor(PowerActions.Shutdown).ToString());
    }

    private static VmSummary Vm(string name, string state) => new() { Id = Guid.NewGuid(), Name = name, State = state };
}
