using Nube.Contracts.Events;
using Nube.Contracts.Jobs;
using Nube.Core.Vms;
using Nube.Service.Jobs;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms;

namespace Nube.Service.Tests;

/// <summary>
/// A guest that takes guest-shutdown and stays (a Debian without D-Bus, whose shutdown needs
/// logind) is asked again through its agent with guest-exec after 5 s, where its agent allows it.
/// </summary>
public sealed class ShutdownFallbackTests(ITestOutputHelper output)
{
    private const string PowerButton = "The guest shut down on the ACPI power button.";
    private const string FirstWait = "waiting for the guest to shut down (asked through its agent)";

    [Fact]
    public async Task A_guest_that_stays_after_guest_shutdown_is_asked_with_systemctl_poweroff_after_5_s()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.ShutsDownOnRequest = false;
        var start = host.Clock.GetUtcNow();

        var job = await AskedThroughAgentAsync(vm);
        host.Clock.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(100);
        Assert.Empty(qemu.Guest.Poweroff.Runs);
        await AskedAgainAsync(host, job, start);
        await job.Ended.Within("the stop to end, the clock held");

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal("The guest shut down through its agent, which ran 'systemctl poweroff'.", job.Info.Result);
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.Null(vm.Snapshot.StateReason);
        Assert.Equal(["systemctl poweroff"], qemu.Guest.Poweroff.Runs);
        Assert.Equal(["guest-shutdown", "guest-info", "guest-exec", "guest-exec-status"],
            qemu.AgentCommands.SkipWhile(c => c != "guest-shutdown").Where(c => c is "guest-shutdown" or "guest-info" or "guest-exec" or "guest-exec-status"));
        Assert.DoesNotContain("system_powerdown", qemu.CommandNames);
    }

    [Fact]
    public async Task A_guest_that_powers_off_before_its_agent_reports_the_exit_is_taken_as_gone_at_once()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.ShutsDownOnRequest = false;
        qemu.Guest.Poweroff["systemctl"] = PoweroffOutcome.PowersOffAtOnce;
        var start = host.Clock.GetUtcNow();

        var job = await AskedThroughAgentAsync(vm);
        await AskedAgainAsync(host, job, start);
        // QEMU's exit ends the wait for the agent's report: the stop ends with the clock held, where
        // a wait for the agent (10 s of the clock) would never end.
        await job.Ended.Within("the stop to end, the clock held");

        Assert.Equal("The guest shut down through its agent, which ran 'systemctl poweroff'.", job.Info.Result);
        Assert.Equal(["systemctl poweroff"], qemu.Guest.Poweroff.Runs);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_guest_whose_systemctl_is_missing_or_fails_is_asked_with_sbin_poweroff(bool missing)
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.ShutsDownOnRequest = false;
        qemu.Guest.Poweroff["systemctl"] = missing ? PoweroffOutcome.Missing : PoweroffOutcome.Fails;

        var job = await AskedThroughAgentAsync(vm);
        await AskedAgainAsync(host, job, host.Clock.GetUtcNow());
        await job.Ended.Within("the stop to end, the clock held");

        Assert.Equal("The guest shut down through its agent, which ran '/sbin/poweroff'.", job.Info.Result);
        Assert.Equal(["systemctl poweroff", "/sbin/poweroff"], qemu.Guest.Poweroff.Runs);
        Assert.DoesNotContain("system_powerdown", qemu.CommandNames);
    }

    [Fact]
    public async Task A_guest_that_blocks_guest_exec_gets_the_power_button_at_half_the_stop_timeout_without_an_exec()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.ShutsDownOnRequest = false;
        qemu.Guest.Block("guest-exec");
        var start = host.Clock.GetUtcNow();

        var job = await AskedThroughAgentAsync(vm);
        await host.AdvanceUntilAsync(() => job.IsEnded, "the stop ends", TimeSpan.FromSeconds(1));

        Assert.Equal(PowerButton, job.Info.Result);
        Assert.Contains("guest-info", qemu.AgentCommands.SkipWhile(c => c != "guest-shutdown"));
        Assert.DoesNotContain("guest-exec", qemu.AgentCommands.SkipWhile(c => c != "guest-shutdown"));
        Assert.Empty(qemu.Guest.Poweroff.Runs);
        Assert.Equal(["system_powerdown"], qemu.CommandNames);
        Assert.InRange(host.Clock.GetUtcNow() - start, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(36));
    }

    [Fact]
    public async Task A_guest_whose_power_off_programs_all_fail_gets_the_power_button_at_half_the_stop_timeout()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.ShutsDownOnRequest = false;
        qemu.Guest.Poweroff["systemctl"] = PoweroffOutcome.Fails;
        qemu.Guest.Poweroff["/sbin/poweroff"] = PoweroffOutcome.Missing;
        var start = host.Clock.GetUtcNow();

        var job = await AskedThroughAgentAsync(vm);
        await host.AdvanceUntilAsync(() => job.IsEnded, "the stop ends", TimeSpan.FromSeconds(1));

        Assert.Equal(PowerButton, job.Info.Result);
        Assert.Equal(["systemctl poweroff", "/sbin/poweroff"], qemu.Guest.Poweroff.Runs);
        Assert.Equal(["system_powerdown"], qemu.CommandNames);
        Assert.InRange(host.Clock.GetUtcNow() - start, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(36));
    }

    [Fact]
    public async Task The_progress_says_when_the_agent_is_asked_again_and_which_command_the_guest_took()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.ShutsDownOnRequest = false;
        // Exits 0 and the guest stays, as busybox poweroff does under a shell script as PID 1.
        qemu.Guest.Poweroff["systemctl"] = PoweroffOutcome.Ignored;

        var job = await AskedThroughAgentAsync(vm);
        await host.AdvanceUntilAsync(() => job.IsEnded, "the stop ends", TimeSpan.FromSeconds(1));

        Assert.Equal(PowerButton, job.Info.Result);
        Assert.Equal(["systemctl poweroff"], qemu.Guest.Poweroff.Runs);
        var phases = await host.Recorded.PhasesAsync(job.Id);
        Assert.Equal(
        [
            "waiting for the guest to shut down (asked through its agent)",
            "asking the guest again through its agent (guest-exec)",
            "waiting for the guest to shut down (its agent ran 'systemctl poweroff')",
            "waiting for the guest to shut down",
        ], phases.SkipWhile(p => p != "waiting for the guest to shut down (asked through its agent)"));
    }

    /// <summary>
    /// Moves the clock a second at a time until the agent is asked again, then holds it: what
    /// follows needs no more of it. The second request comes 5 s after guest-shutdown; a starved
    /// machine lets the clock run a few steps past the moment before the new phase is seen.
    /// </summary>
    private static async Task AskedAgainAsync(ServiceHarness host, Job job, DateTimeOffset asked)
    {
        await host.AdvanceUntilAsync(() => job.Info.Phase != FirstWait || job.IsEnded, "the agent is asked again", TimeSpan.FromSeconds(1));
        Assert.InRange(host.Clock.GetUtcNow() - asked, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    }

    /// <summary>Submits a stop and waits until the guest has been asked through its agent, before the clock moves.</summary>
    private static async Task<Job> AskedThroughAgentAsync(VmController vm)
    {
        var job = vm.Submit(VmOperation.Stop);
        // The clock moves only once the agent was asked: moved sooner, its sync could time out on a
        // busy machine and the stop would rightly go to the power button at once.
        await Eventually.UntilAsync(() => job.Info.Phase == FirstWait, "the stop waits for the guest");
        return job;
    }
}
