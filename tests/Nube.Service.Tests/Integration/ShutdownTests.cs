using Nube.Contracts.Jobs;
using Nube.Core.Integration;
using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms;
using static Nube.Service.Tests.Harness.AgentVms;

namespace Nube.Service.Tests;

/// <summary>Operating system shutdown: which way a stop goes, and the result line that says so.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Stop_asks_the_guest_through_its_agent_and_the_power_button_is_never_pressed()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Stop);

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal("The guest shut down through its agent.", job.Info.Result);
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.Null(vm.Snapshot.StateReason);
        Assert.False(qemu.IsAlive);
        Assert.Equal(["guest-ping", "guest-shutdown"], qemu.AgentCommandsBesideTime.TakeLast(2));
        Assert.DoesNotContain("system_powerdown", qemu.CommandNames);
    }

    [Fact]
    public async Task Stop_of_a_guest_whose_agent_never_answered_presses_the_power_button_at_once()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha", Fast);

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Stop);

        Assert.Equal("The guest shut down on the ACPI power button.", job.Info.Result);
        Assert.Equal(["system_powerdown"], qemu.CommandNames);
        Assert.DoesNotContain("guest-shutdown", qemu.AgentCommands);
    }

    [Fact]
    public async Task Stop_with_the_shutdown_service_disabled_presses_the_power_button()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var patch = Fast with { IntegrationServices = Fast.IntegrationServices! with { Enabled = new HashSet<IntegrationService> { IntegrationService.Heartbeat } } };
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha", patch);

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Stop);

        Assert.Equal("The guest shut down on the ACPI power button.", job.Info.Result);
        Assert.Equal(["system_powerdown"], qemu.CommandNames);
        Assert.DoesNotContain("guest-shutdown", qemu.AgentCommands);
    }

    [Fact]
    public async Task A_guest_that_takes_the_agents_request_but_stays_gets_the_power_button_at_half_the_stop_timeout()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.ShutsDownOnRequest = false;
        qemu.Guest.Poweroff["systemctl"] = PoweroffOutcome.Ignored; // the agent's second request too
        var start = host.Clock.GetUtcNow();

        var job = vm.Submit(VmOperation.Stop);
        await Eventually.UntilAsync(() => job.Info.Phase == "waiting for the guest to shut down (asked through its agent)", "the stop waits for the guest");
        host.Clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(100);
        Assert.DoesNotContain("system_powerdown", qemu.CommandNames);
        await host.AdvanceUntilAsync(() => job.IsEnded, "the stop ends", TimeSpan.FromSeconds(1));

        Assert.Equal("The guest shut down on the ACPI power button.", job.Info.Result);
        Assert.Equal(["system_powerdown"], qemu.CommandNames);
        // Half of the 60 s: not before 30 s, and far from 60; a starved machine lets the clock run
        // a few 1 s steps past the moment before the job is seen to end.
        Assert.InRange(host.Clock.GetUtcNow() - start, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(36));
    }

    [Fact]
    public async Task A_guest_that_ignores_both_is_turned_off_at_the_stop_timeout_and_the_result_says_so()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.ShutsDownOnRequest = false;
        qemu.Guest.Poweroff["systemctl"] = PoweroffOutcome.Ignored;
        qemu.GuestPowersOff = false;

        var job = vm.Submit(VmOperation.Stop);
        // The clock moves only once the agent was asked: moved sooner, its sync could time out on a
        // busy machine and the stop would rightly go to the power button at once.
        await Eventually.UntilAsync(() => job.Info.Phase == "waiting for the guest to shut down (asked through its agent)", "the stop waits for the guest");
        await host.AdvanceUntilAsync(() => job.IsEnded, "the stop ends", TimeSpan.FromSeconds(1));

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal("The guest did not shut down within 60 s, so it was turned off.", job.Info.Result);
        Assert.Equal(job.Info.Result, vm.Snapshot.StateReason);
        Assert.Equal(["system_powerdown", "quit"], qemu.CommandNames);
        Assert.Contains("guest-shutdown", qemu.AgentCommands);
    }

    [Fact]
    public async Task A_guest_whose_agent_went_silent_gets_the_power_button_without_waiting_for_the_agent()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.StopAgent();
        await host.AdvanceUntilAsync(() => Status(vm, IntegrationService.Heartbeat) == IntegrationStatus.LostCommunication,
            "the heartbeat is lost", TimeSpan.FromSeconds(1));

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Stop);

        Assert.Equal("The guest shut down on the ACPI power button.", job.Info.Result);
        Assert.DoesNotContain("guest-shutdown", qemu.AgentCommands);
    }

    [Fact]
    public async Task The_hosts_stop_actions_shut_down_through_the_agent_too()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha", Fast with { AutomaticStopAction = AutomaticStopAction.ShutDown });

        await host.Registry.ApplyStopActionsAsync().Within("the stop actions");

        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.Contains("guest-shutdown", qemu.AgentCommands);
        Assert.DoesNotContain("system_powerdown", qemu.CommandNames);
        var stop = host.Jobs.List(vm.Id).First(j => j.Kind == "stop");
        Assert.Equal("The guest shut down through its agent.", stop.Result);
    }
}
