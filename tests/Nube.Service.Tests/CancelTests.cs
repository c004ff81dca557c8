using Nube.Contracts.Jobs;
using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;

namespace Nube.Service.Tests;

/// <summary>A cancelled job unwinds to the safe state its kind documents, and says so.</summary>
public sealed class CancelTests(ITestOutputHelper output)
{
    private static readonly TimeSpan AgentWait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("qmp_capabilities")]
    [InlineData("the guest agent")]
    public async Task Cancel_during_start_kills_QEMU_and_leaves_the_VM_off(string heldAt)
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");
        CommandGate? negotiation = null;
        if (heldAt == "qmp_capabilities")
            host.Qemu.OnLaunch = q => negotiation = q.Hold("qmp_capabilities");

        var job = vm.Submit(VmOperation.Start, heldAt == "the guest agent" ? AgentWait : null);
        if (negotiation is null && heldAt == "qmp_capabilities")
            await Eventually.UntilAsync(() => negotiation is not null, "QEMU is launched");
        if (negotiation is not null)
            await negotiation.WaitArrivedAsync().Within("qmp_capabilities to be sent");
        else
            await Eventually.UntilAsync(() => job.Info.Phase == "waiting for the guest agent", "the start waits for the agent");
        var qemu = Assert.Single(host.Qemu.Launched);
        Assert.True(qemu.IsAlive);
        Assert.True(job.RequestCancel());
        await job.Ended.Within("the start job to end");

        Assert.Equal(JobStates.Cancelled, job.Info.State);
        Assert.True(job.Info.CancelRequested);
        Assert.Equal("The job was cancelled", job.Info.Problem?.Title);
        Assert.Equal("The start of VM 'alpha' was cancelled; the VM is off.", job.Info.Problem?.Detail);
        Assert.Equal("off", job.Info.Vm?.State);
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.Null(vm.Snapshot.StateReason);
        Assert.Null(vm.Snapshot.ProcessId);
        Assert.False(qemu.IsAlive);
        Assert.Empty(host.Qemu.Alive);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        Assert.Equal(0, host.Admission.Count);
        // Killed, not asked to quit: the start never owned a guest worth shutting down.
        Assert.DoesNotContain("quit", qemu.CommandNames);
    }

    [Fact]
    public async Task Cancel_during_stop_leaves_the_VM_running()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        qemu.GuestPowersOff = false;

        var job = vm.Submit(VmOperation.Stop);
        await Eventually.UntilAsync(() => job.Info.Phase == "waiting for the guest to shut down", "the stop waits for the guest");
        Assert.Equal(VmState.Stopping, vm.Snapshot.State);
        Assert.True(job.RequestCancel());
        await job.Ended.Within("the stop job to end");

        Assert.Equal(JobStates.Cancelled, job.Info.State);
        Assert.Equal("The stop of VM 'alpha' was cancelled; the VM is running.", job.Info.Problem?.Detail);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
        Assert.True(qemu.IsAlive);
        Assert.Equal(qemu.Pid, vm.Snapshot.ProcessId);
        Assert.Equal(["system_powerdown"], qemu.CommandNames);
        Assert.Equal(1, host.Admission.Count);
        // The VM still answers: a pause goes through.
        var pause = await ServiceHarness.RunAsync(vm, VmOperation.Pause);
        Assert.Equal(JobStates.Completed, pause.Info.State);
    }

    [Fact]
    public async Task Cancel_during_save_cancels_the_migration_and_resumes_the_guest()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        qemu.HoldsMigration = true;
        // The cancel lands while a query-migrate awaits its reply, not between two writes.
        var query = qemu.Hold("query-migrate");
        var partial = vm.Paths.SavedState + ".partial";

        var job = vm.Submit(VmOperation.Save);
        await query.WaitArrivedAsync().Within("the save to poll the migration");
        Assert.Equal(VmState.Saving, vm.Snapshot.State);
        Assert.True(File.Exists(partial));
        Assert.True(job.RequestCancel());
        query.Release();
        await job.Ended.Within("the save job to end");

        Assert.Equal(JobStates.Cancelled, job.Info.State);
        Assert.Equal("The save of VM 'alpha' was cancelled; the VM is running.", job.Info.Problem?.Detail);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
        Assert.Null(vm.Snapshot.StateReason);
        Assert.False(File.Exists(partial));
        Assert.False(File.Exists(vm.Paths.SavedState));
        Assert.True(qemu.IsAlive);
        Assert.Equal("running", qemu.RunState);
        var names = qemu.CommandNames;
        Assert.Equal(["stop", "migrate-set-parameters", "add-fd", "migrate", "query-migrate"], names.Take(5));
        Assert.Equal(["migrate_cancel", "query-migrate", "cont"], names.SkipWhile(n => n != "migrate_cancel").Take(3));
        Assert.Equal(1, host.Admission.Count);
    }

    [Fact]
    public async Task Cancel_at_any_moment_of_a_saves_polling_unwinds_it()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        qemu.HoldsMigration = true;

        // The save polls every 20 ms: the cancels land across the whole cycle, between and inside the queries.
        for (var round = 0; round < 24; round++)
        {
            var job = vm.Submit(VmOperation.Save);
            await qemu.WaitForCommandAsync("migrate", round + 1).Within("the save to start migrating");
            await Task.Delay(TimeSpan.FromMilliseconds(round));
            Assert.True(job.RequestCancel());
            await job.Ended.Within("the save job to end");

            Assert.Equal(JobStates.Cancelled, job.Info.State);
            Assert.Equal("The save of VM 'alpha' was cancelled; the VM is running.", job.Info.Problem?.Detail);
            Assert.Equal(VmState.Running, vm.Snapshot.State);
            Assert.Null(vm.Snapshot.StateReason);
            Assert.Equal("running", qemu.RunState);
            Assert.False(File.Exists(vm.Paths.SavedState + ".partial"));
        }
        Assert.Equal(24, qemu.CommandNames.Count(n => n == "migrate_cancel"));
    }

    [Fact]
    public async Task Turn_off_while_a_stop_waits_cancels_the_stop_and_turns_the_VM_off()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        var stop = await ServiceHarness.StopWaitingForTheGuestAsync(vm, qemu);
        var turnOff = vm.Submit(VmOperation.TurnOff);
        await stop.Ended.Within("the stop job to end");
        await turnOff.Ended.Within("the turn-off job to end");

        Assert.Equal(JobStates.Cancelled, stop.Info.State);
        Assert.True(stop.Info.CancelRequested);
        Assert.Equal("The stop of VM 'alpha' was cancelled; the VM is running.", stop.Info.Problem?.Detail);
        Assert.Equal(JobStates.Completed, turnOff.Info.State);
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.False(qemu.IsAlive);
        Assert.Equal(["system_powerdown", "quit"], qemu.CommandNames);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        Assert.Equal(0, host.Admission.Count);
    }

    [Fact]
    public async Task Turn_off_during_a_start_cancels_the_start_and_the_VM_is_off()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");
        CommandGate? negotiation = null;
        host.Qemu.OnLaunch = q => negotiation = q.Hold("qmp_capabilities");

        var start = vm.Submit(VmOperation.Start);
        await Eventually.UntilAsync(() => negotiation is not null, "QEMU is launched");
        await negotiation!.WaitArrivedAsync().Within("qmp_capabilities to be sent");
        var turnOff = vm.Submit(VmOperation.TurnOff);
        await start.Ended.Within("the start job to end");
        await turnOff.Ended.Within("the turn-off job to end");

        Assert.Equal(JobStates.Cancelled, start.Info.State);
        Assert.Equal("The start of VM 'alpha' was cancelled; the VM is off.", start.Info.Problem?.Detail);
        // What the turn-off asked for is what the VM is: it has nothing left to do, and that is no failure.
        Assert.Equal(JobStates.Completed, turnOff.Info.State);
        Assert.Null(turnOff.Info.Problem);
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.Empty(host.Qemu.Alive);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        Assert.Equal(0, host.Admission.Count);
    }
}
