using Nube.Contracts.Events;
using Nube.Contracts.Jobs;
using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;

namespace Nube.Service.Tests;

/// <summary>QEMU dies or goes silent in the middle of things: the VM never stays in a transient state.</summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task QMP_lost_during_stop_then_QEMU_exits_ends_the_VM_off()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        var job = await ServiceHarness.StopWaitingForTheGuestAsync(vm, qemu);
        qemu.DropQmp();
        Assert.True(qemu.IsAlive);
        qemu.Kill();
        await job.Ended.Within("the stop job to end");

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.Null(vm.Snapshot.StateReason);
        Assert.Empty(host.Qemu.Alive);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        Assert.Equal(0, host.Admission.Count);
    }

    [Fact]
    public async Task QMP_lost_during_stop_while_QEMU_lives_on_ends_the_VM_off_at_the_stop_timeout()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        var job = await ServiceHarness.StopWaitingForTheGuestAsync(vm, qemu);
        qemu.DropQmp();
        await host.AdvanceUntilAsync(() => job.IsEnded, "the stop job ends");

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.Equal("The guest did not shut down within 60 s, so it was turned off.", vm.Snapshot.StateReason);
        // Without QMP, quit cannot be asked: the process is killed.
        Assert.False(qemu.IsAlive);
        Assert.DoesNotContain("quit", qemu.CommandNames);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        Assert.Equal(0, host.Admission.Count);
    }

    [Fact]
    public async Task QEMU_killed_during_restore_fails_the_start_and_keeps_the_saved_state()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");
        await ServiceHarness.StartVmAsync(vm);
        await ServiceHarness.RunAsync(vm, VmOperation.Save);
        CommandGate? query = null;
        host.Qemu.OnLaunch = q =>
        {
            q.HoldsMigration = true;
            query = q.Hold("query-migrate");
        };

        var job = vm.Submit(VmOperation.Start);
        await Eventually.UntilAsync(() => query is not null, "QEMU is launched again");
        await query!.WaitArrivedAsync().Within("the restore to poll the migration");
        var restoring = host.Qemu.Launched[1];
        Assert.Equal(VmState.Starting, vm.Snapshot.State);
        restoring.Kill();
        await job.Ended.Within("the start job to end");

        Assert.Equal(JobStates.Failed, job.Info.State);
        Assert.Equal("QEMU did not carry out the operation", job.Info.Problem?.Title);
        Assert.Equal("Cannot start VM 'alpha': QEMU closed the QMP connection", job.Info.Problem?.Detail);
        Assert.Equal("saved", job.Info.Vm?.State);
        Assert.Equal(VmState.Saved, vm.Snapshot.State);
        Assert.True(File.Exists(vm.Paths.SavedState));
        Assert.Empty(host.Qemu.Alive);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        Assert.Equal(0, host.Admission.Count);
    }

    [Fact]
    public async Task A_crash_with_crash_action_restart_starts_the_VM_again_as_a_job()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha", new VmPatch { CrashAction = CrashAction.Restart });
        await ServiceHarness.StartVmAsync(vm);
        var firstStart = Assert.Single(host.Jobs.List(vm.Id));
        var crashed = host.Qemu.Launched[0];

        crashed.Kill();
        await Eventually.UntilAsync(() => host.Qemu.Launched.Count == 2 && vm.Snapshot.State == VmState.Running, "the VM runs again");

        var restart = Assert.Single(host.Jobs.List(vm.Id), j => j.Id != firstStart.Id);
        Assert.Equal("start", restart.Kind);
        await host.Jobs.Get(restart.Id.ToString()).Ended.Within("the restart job to end");
        Assert.Equal(JobStates.Completed, host.Jobs.Get(restart.Id.ToString()).Info.State);
        Assert.False(crashed.IsAlive);
        Assert.Equal(host.Qemu.Launched[1].Pid, vm.Snapshot.ProcessId);
        Assert.Equal([host.Qemu.Launched[1]], host.Qemu.Alive);
        Assert.Equal(1, host.Admission.Count);
        var states = await host.Recorded.WaitForAsync(vm.Id, HostEventTypes.VmStateChanged, 5);
        Assert.Equal([("starting", null), ("running", null), ("off", "QEMU exited unexpectedly."), ("starting", null), ("running", null)],
            states.Select(e => (e.State, e.Reason)));
    }

    [Fact]
    public async Task A_crash_with_crash_action_off_leaves_the_VM_off_and_says_why()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha", new VmPatch { CrashAction = CrashAction.Off });
        await ServiceHarness.StartVmAsync(vm);
        var crashed = host.Qemu.Launched[0];

        crashed.Kill();
        await Eventually.UntilAsync(() => vm.Snapshot.State == VmState.Off, "the VM is off");
        // A restart would be submitted at once; give it the time to show up.
        await Task.Delay(200);

        Assert.Equal("QEMU exited unexpectedly.", vm.Snapshot.StateReason);
        Assert.Null(vm.Snapshot.ProcessId);
        Assert.Single(host.Qemu.Launched);
        Assert.Empty(host.Qemu.Alive);
        Assert.Single(host.Jobs.List(vm.Id));
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        Assert.Equal(0, host.Admission.Count);
    }

    [Fact]
    public async Task A_QMP_error_during_save_fails_the_job_with_QEMUs_words_and_the_guest_runs_on()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        qemu.Fail("migrate", "GenericError", "Failed to write the migration stream: No space left on device");

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Save);

        Assert.Equal(JobStates.Failed, job.Info.State);
        Assert.Equal("QEMU refused a command", job.Info.Problem?.Title);
        Assert.Equal("migrate", job.Info.Problem?.QmpCommand);
        Assert.Equal("Cannot save VM 'alpha': QMP command 'migrate' failed: GenericError: Failed to write the migration stream: No space left on device",
            job.Info.Problem?.Detail);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
        Assert.Equal("running", qemu.RunState);
        Assert.Equal(["stop", "migrate-set-parameters", "add-fd", "migrate", "migrate_cancel", "query-migrate", "cont"], qemu.CommandNames.Take(7));
        Assert.False(File.Exists(vm.Paths.SavedState));
        Assert.False(File.Exists(vm.Paths.SavedState + ".partial"));
        Assert.Equal(1, host.Admission.Count);
    }

    [Fact]
    public async Task QEMU_exiting_while_a_start_waits_for_the_agent_ends_the_wait()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");

        var job = vm.Submit(VmOperation.Start, TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(() => job.Info.Phase == "waiting for the guest agent", "the start waits for the agent");
        host.Qemu.Launched[0].Kill();
        await job.Ended.Within("the start job to end");
        await Eventually.UntilAsync(() => vm.Snapshot.State == VmState.Off, "the VM is off");

        Assert.Equal(JobStates.Failed, job.Info.State);
        Assert.Equal("QEMU did not carry out the operation", job.Info.Problem?.Title);
        Assert.Equal("Cannot start VM 'alpha': QEMU closed its control connection before the guest agent answered.", job.Info.Problem?.Detail);
        Assert.Equal("QEMU exited unexpectedly.", vm.Snapshot.StateReason);
        Assert.Empty(host.Qemu.Alive);
        Assert.Equal(0, host.Admission.Count);
    }

    [Fact]
    public async Task QEMU_pausing_the_guest_by_itself_shows_the_VM_paused()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");

        await qemu.PauseByItselfAsync().Within("the STOP event to be sent");
        await Eventually.UntilAsync(() => vm.Snapshot.State == VmState.Paused, "the VM shows paused");

        Assert.Equal(["query-status"], qemu.CommandNames);
        var states = await host.Recorded.WaitForAsync(vm.Id, HostEventTypes.VmStateChanged, 3);
        Assert.Equal(("paused", "running"), (states[2].State, states[2].PreviousState));
        var resume = await ServiceHarness.RunAsync(vm, VmOperation.Resume);
        Assert.Equal(JobStates.Completed, resume.Info.State);
        Assert.Equal("running", qemu.RunState);
    }

    [Fact]
    public async Task A_QEMU_that_outlives_its_control_connection_ends_the_VM_when_it_exits_later()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");

        qemu.DropQmp();
        await host.AdvanceUntilAsync(() => vm.Snapshot.StateReason is not null, "the lost connection to be noticed");
        Assert.Equal(VmState.Running, vm.Snapshot.State);
        Assert.Equal("The host service lost QEMU's control connection; turn the VM off.", vm.Snapshot.StateReason);
        // The VM's commands are not held up meanwhile.
        var change = host.Registry.UpdateAsync(vm, new VmPatch { Notes = "still answering" }, []);
        await change.Within("a change while QEMU has no control connection");

        qemu.Kill();
        await host.AdvanceUntilAsync(() => vm.Snapshot.State == VmState.Off, "the late exit to end the VM");
        Assert.Equal("QEMU exited unexpectedly.", vm.Snapshot.StateReason);
        Assert.Null(vm.Session);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
    }
}
