using Nube.Contracts.Events;
using Nube.Core.Integration;
using Nube.Core.Vms;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms.Integration;

namespace Nube.Service.Tests;

/// <summary>Time synchronization: the drift measured, the clock set, when and when not.</summary>
public sealed class TimeSyncTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_drift_is_the_guests_clock_against_the_host_half_way_through_the_round_trip()
    {
        var guest = TimeDrift.UnixNanoseconds(T.AddMilliseconds(5)) + 100_000_000; // read half-way, 100 ms ahead
        Assert.Equal(100, TimeDrift.Milliseconds(T, guest, T.AddMilliseconds(10)), 6);
        Assert.Equal(-2500.25, TimeDrift.Milliseconds(T, TimeDrift.UnixNanoseconds(T) - 2_500_250_000, T), 6);
        Assert.Equal(1_767_268_800_000_000_000, TimeDrift.UnixNanoseconds(T));
    }

    [Fact]
    public async Task The_guests_clock_is_set_at_the_first_contact_and_the_drift_it_had_is_reported()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha", AgentVms.Fast);
        qemu.Guest.ClockOffset = TimeSpan.FromSeconds(-42.5);
        qemu.StartAgent();

        // One step of the clock, then none while the clock is read: fake time that moved during the
        // round trip would count, rightly, as half a round trip of error.
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(() => vm.Snapshot.TimeSync is not null, "the clock is set");

        Assert.Equal(-42500, vm.Snapshot.TimeSync!.DriftMilliseconds, 3);
        Assert.Equal(TimeSpan.Zero, qemu.Guest.ClockOffset);
        Assert.Equal(["guest-get-time", "guest-set-time"], qemu.AgentCommands.Where(c => c.Contains("time")));
        Assert.Equal(IntegrationStatus.Ok, AgentVms.Status(vm, IntegrationService.TimeSynchronization));
        var synced = Assert.Single(await host.Recorded.WaitForAsync(vm.Id, HostEventTypes.VmTimeSynced, 1));
        Assert.Equal(-42500, synced.TimeSync!.DriftMilliseconds, 3);
    }

    [Fact]
    public async Task The_clock_is_set_again_after_a_resume_and_at_each_time_sync_interval()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var patch = AgentVms.Fast with { IntegrationServices = AgentVms.Fast.IntegrationServices! with { TimeSyncIntervalSeconds = 60 } };
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha", patch);
        await host.AdvanceUntilAsync(() => vm.Snapshot.TimeSync is not null, "the clock is set", TimeSpan.FromSeconds(1));

        // Each setting is told from the one before by identity: while the clock was being moved on
        // above, a busy machine may have made more than one, with drifts of their own.
        await ServiceHarness.RunAsync(vm, VmOperation.Pause);
        qemu.Guest.ClockOffset = TimeSpan.FromSeconds(-3); // it stood still while paused
        var beforeResume = vm.Snapshot.TimeSync;
        await ServiceHarness.RunAsync(vm, VmOperation.Resume);
        await Eventually.UntilAsync(() => !ReferenceEquals(vm.Snapshot.TimeSync, beforeResume), "the clock is set after the resume");
        Assert.Equal(-3000, vm.Snapshot.TimeSync!.DriftMilliseconds, 3);
        var sets = qemu.AgentCommands.Count(c => c == "guest-set-time");

        qemu.Guest.ClockOffset = TimeSpan.FromMilliseconds(700);
        var afterResume = vm.Snapshot.TimeSync;
        // In steps of the interval: the sync after the resume may not have armed its next turn yet
        // when the clock first moves on, and a turn armed later waits for the next step.
        await host.AdvanceUntilAsync(() => !ReferenceEquals(vm.Snapshot.TimeSync, afterResume), "the clock is set at the interval", TimeSpan.FromSeconds(60));
        Assert.Equal(700, vm.Snapshot.TimeSync!.DriftMilliseconds, 3);
        Assert.Equal(sets + 1, qemu.AgentCommands.Count(c => c == "guest-set-time"));
    }

    [Fact]
    public async Task A_disabled_time_sync_never_sets_the_clock()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var patch = AgentVms.Fast with
        {
            IntegrationServices = AgentVms.Fast.IntegrationServices! with { Enabled = new HashSet<IntegrationService> { IntegrationService.Heartbeat } },
        };
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha", patch);
        qemu.Guest.ClockOffset = TimeSpan.FromSeconds(10);

        for (var i = 0; i < 5; i++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        Assert.DoesNotContain(qemu.AgentCommands, c => c.Contains("time"));
        Assert.Null(vm.Snapshot.TimeSync);
        Assert.Equal(IntegrationStatus.Disabled, AgentVms.Status(vm, IntegrationService.TimeSynchronization));
    }
}
