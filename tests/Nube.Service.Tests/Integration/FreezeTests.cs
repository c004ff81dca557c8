using Nube.Contracts.Events;
using Nube.Core.Vms;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Tests;

/// <summary>Backup: the guest's file systems frozen, and always thawed again.</summary>
public sealed class FreezeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_freeze_holds_until_its_handle_is_disposed_and_the_snapshot_and_events_say_so()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.FileSystems = 2;
        var since = host.Clock.GetUtcNow();

        await using (var frozen = await vm.GuestIntegration.Freeze.FreezeAsync("a checkpoint", TimeSpan.FromSeconds(30), CancellationToken.None)
            .Within("the freeze"))
        {
            Assert.True(qemu.Guest.Frozen);
            Assert.Equal(new Nube.Service.Vms.Integration.FreezeState(since, since.AddSeconds(30), "a checkpoint", 2), vm.Snapshot.Freeze);
            var again = await Assert.ThrowsAsync<VmConflictException>(() =>
                vm.GuestIntegration.Freeze.FreezeAsync("another", TimeSpan.FromSeconds(30), CancellationToken.None));
            Assert.Equal("Cannot freeze VM 'alpha': its file systems are already frozen (a checkpoint) until 12:00:30 UTC at the latest.",
                again.Message.Replace(since.AddSeconds(30).ToString("HH:mm:ss"), "12:00:30"));
        }

        Assert.False(qemu.Guest.Frozen);
        Assert.Null(vm.Snapshot.Freeze);
        var thawed = Assert.Single(await host.Recorded.WaitForAsync(vm.Id, HostEventTypes.VmThawed, 1));
        Assert.Equal("the operation that froze them ended", thawed.Reason);
        Assert.Equal(2, Assert.Single(host.Recorded.For(vm.Id), e => e.Type == HostEventTypes.VmFrozen).Freeze!.FileSystems);
    }

    [Fact]
    public async Task The_watchdog_thaws_a_freeze_nobody_ends_at_its_timeout()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        await vm.GuestIntegration.Freeze.FreezeAsync("forgotten", TimeSpan.FromSeconds(10), CancellationToken.None).Within("the freeze");

        host.Clock.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(100);
        Assert.True(qemu.Guest.Frozen);
        // The heartbeat goes on while frozen: guest-ping is one of the commands a frozen agent takes.
        Assert.Equal(Nube.Core.Integration.IntegrationStatus.Ok, AgentVms.Status(vm, Nube.Core.Integration.IntegrationService.Heartbeat));
        await host.AdvanceUntilAsync(() => !qemu.Guest.Frozen, "the watchdog thaws", Second);

        await Eventually.UntilAsync(() => vm.Snapshot.Freeze is null, "the snapshot says thawed");
        var thawed = Assert.Single(await host.Recorded.WaitForAsync(vm.Id, HostEventTypes.VmThawed, 1));
        Assert.Equal("the freeze's timeout of 10 s ran out", thawed.Reason);
    }

    [Fact]
    public async Task A_freeze_that_fails_half_way_is_thawed()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        qemu.Guest.FreezeFails = true;

        var failed = await Assert.ThrowsAsync<GuestAgentNoAnswerException>(() =>
            vm.GuestIntegration.Freeze.FreezeAsync("a backup", TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Equal("Cannot freeze VM 'alpha': guest agent command 'guest-fsfreeze-freeze' failed: GenericError: failed to freeze /mnt: Device or resource busy",
            failed.Message);
        await Eventually.UntilAsync(() => !qemu.Guest.Frozen, "the failed freeze is thawed");
        Assert.Null(vm.Snapshot.Freeze);
        Assert.Equal(["guest-fsfreeze-freeze", "guest-fsfreeze-thaw"], qemu.AgentCommands.Where(c => c.StartsWith("guest-fsfreeze-", StringComparison.Ordinal) && c != "guest-fsfreeze-status"));
        // The slot is free again once the guest confirmed the thaw (a moment after the guest
        // thawed): the next freeze is the guest's to refuse or take.
        qemu.Guest.FreezeFails = false;
        await using var frozen = await FreezeOnceFreeAsync(vm);
        Assert.True(qemu.Guest.Frozen);
    }

    [Fact]
    public async Task A_freeze_cancelled_while_the_guest_freezes_is_thawed_once_the_guest_is_done()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        var gate = qemu.Hold("guest-fsfreeze-freeze");
        using var cancel = new CancellationTokenSource();

        var freezing = vm.GuestIntegration.Freeze.FreezeAsync("a backup", TimeSpan.FromSeconds(30), cancel.Token);
        await gate.WaitArrivedAsync().Within("the freeze to reach the guest");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => freezing).Within("the freeze to give up");
        gate.Release(); // the guest finishes freezing after all

        await host.AdvanceUntilAsync(() => qemu.Guest.Frozen is false && qemu.AgentCommands.Contains("guest-fsfreeze-thaw"), "the thaw", Second);
        Assert.Null(vm.Snapshot.Freeze);
    }

    [Fact]
    public async Task A_guest_left_frozen_by_a_host_service_that_died_is_thawed_after_the_reattach()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await first.RunningWithAgentAsync("alpha");
        await first.AbandonAsync();
        qemu.Guest.Frozen = true; // what a freeze left when its host service was killed

        await using var second = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, Qemu = first.Qemu });
        var again = second.Registry.Resolve("alpha");
        await second.AdvanceUntilAsync(() => !qemu.Guest.Frozen, "the reattached host service thaws the guest", Second);

        // Each run asks at its first contact (the second again if the clock the test moves outran
        // its first question's answer); only the second found the guest frozen, and thawed it once.
        var asked = qemu.AgentCommands.Where(c => c.StartsWith("guest-fsfreeze-", StringComparison.Ordinal)).ToList();
        Assert.True(asked.Count >= 3, $"asked: {string.Join(", ", asked)}");
        Assert.Equal([.. Enumerable.Repeat("guest-fsfreeze-status", asked.Count - 1), "guest-fsfreeze-thaw"], asked);
        Assert.Equal(VmState.Running, again.Snapshot.State);
    }

    [Fact]
    public async Task The_host_service_stopping_thaws_a_frozen_guest_it_leaves_running()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        await vm.GuestIntegration.Freeze.FreezeAsync("a backup", TimeSpan.FromSeconds(60), CancellationToken.None).Within("the freeze");

        await host.Registry.StopAsync().Within("the registry to stop");

        Assert.False(qemu.Guest.Frozen);
        Assert.True(qemu.IsAlive);
    }

    [Fact]
    public async Task Stop_of_a_frozen_VM_thaws_it_before_asking_the_guest_to_shut_down()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        await vm.GuestIntegration.Freeze.FreezeAsync("a backup", TimeSpan.FromSeconds(60), CancellationToken.None).Within("the freeze");

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Stop);

        Assert.Equal("The guest shut down through its agent.", job.Info.Result);
        // The time synchronisation service may set the clock between them (it did once in CI).
        Assert.Equal(["guest-fsfreeze-thaw", "guest-ping", "guest-shutdown"], qemu.AgentCommandsBesideTime.SkipWhile(c => c != "guest-fsfreeze-thaw"));
    }

    [Fact]
    public async Task A_VM_that_is_not_running_or_whose_backup_service_is_off_is_not_frozen()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var off = await host.CreateVmAsync("off");
        var e = await Assert.ThrowsAsync<VmConflictException>(() => off.GuestIntegration.Freeze.FreezeAsync("x", Second, CancellationToken.None));
        Assert.Equal("Cannot freeze VM 'off': it is off; it must be running.", e.Message);

        var (vm, _) = await host.RunningWithAgentAsync("alpha");
        await vm.ChangeAsync(new SwitchIntegrationService(Nube.Core.Integration.IntegrationService.Backup, false));
        e = await Assert.ThrowsAsync<VmConflictException>(() => vm.GuestIntegration.Freeze.FreezeAsync("x", Second, CancellationToken.None));
        Assert.Equal("Cannot freeze VM 'alpha': its backup integration service is disabled.", e.Message);
    }

    /// <summary>Freezes, asking again while the thaw of a failed freeze is still under way.</summary>
    private static async Task<Nube.Service.Vms.Integration.FrozenGuest> FreezeOnceFreeAsync(Nube.Service.Vms.VmController vm)
    {
        var deadline = Environment.TickCount64 + (long)Eventually.Timeout.TotalMilliseconds;
        while (true)
        {
            try
            {
                return await vm.GuestIntegration.Freeze.FreezeAsync("a backup", TimeSpan.FromSeconds(30), CancellationToken.None).Within("the next freeze");
            }
            catch (VmConflictException e) when (e.Message.EndsWith("a freeze or a thaw of its file systems is under way.", StringComparison.Ordinal)
                && Environment.TickCount64 < deadline)
            {
                await Task.Delay(10);
            }
        }
    }
}
