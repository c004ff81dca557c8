using Nube.Contracts.Events;
using Nube.Contracts.Jobs;
using Nube.Core.Editions;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Tests;

/// <summary>What spans VMs or outlives one host service: the running-VM limit, automatic starts, restarts.</summary>
public sealed class RegistryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Concurrent_starts_at_the_running_VM_limit_admit_exactly_the_limit()
    {
        await using var host = await ServiceHarness.StartAsync(output, new HarnessSetup { Edition = Editions.Nube with { MaxRunningVms = 2 } });
        VmController[] vms = [await host.CreateVmAsync("alpha"), await host.CreateVmAsync("beta"), await host.CreateVmAsync("gamma")];
        // The admitted starts wait in their negotiation, so all three are under way together.
        host.Qemu.OnLaunch = q => q.Hold("qmp_capabilities");

        using var go = new ManualResetEventSlim();
        var submitting = vms.Select(vm => Task.Run(() =>
        {
            go.Wait();
            return vm.Submit(VmOperation.Start);
        })).ToList();
        go.Set();
        var jobs = await Task.WhenAll(submitting).Within("the starts to be submitted");
        await Eventually.UntilAsync(() => host.Qemu.Launched.Count == 2 && jobs.Count(j => j.IsEnded) == 1, "two starts launch and one is refused");
        foreach (var qemu in host.Qemu.Launched)
            qemu.ReleaseAll();
        await Task.WhenAll(jobs.Select(j => j.Ended)).Within("every start job to end");

        Assert.Equal(2, jobs.Count(j => j.Info.State == JobStates.Completed));
        var refused = Assert.Single(jobs, j => j.Info.State == JobStates.Failed);
        Assert.Equal("The request is not valid", refused.Info.Problem?.Title);
        Assert.Equal("running VMs: starting another would make 3, above the limit of 2 running VMs of edition 'nube'", refused.Info.Problem?.Detail);
        var error = Assert.Single(refused.Info.Problem!.Errors!);
        Assert.Equal(("running VMs", "3"), (error.Field, error.Value));
        var loser = vms.Single(v => v.Id == refused.VmId);
        Assert.Equal(VmState.Off, loser.Snapshot.State);
        Assert.Empty(host.Qemu.LaunchedFor(loser.Id));
        Assert.Equal(2, vms.Count(v => v.Snapshot.State == VmState.Running));
        Assert.Equal(2, host.Qemu.Alive.Count);
        Assert.Equal(2, host.Admission.Count);
    }

    [Fact]
    public async Task Removing_a_VM_whose_automatic_start_is_pending_means_it_never_starts()
    {
        var delayed = new VmPatch { AutomaticStartAction = AutomaticStartAction.AlwaysStart, AutomaticStartDelaySeconds = 30 };
        await using var host = await ServiceHarness.StartAsync(output, new HarnessSetup
        {
            Vms = [delayed with { Name = "alpha" }, delayed with { Name = "beta" }],
        });
        var alpha = host.Registry.Resolve("alpha");
        var beta = host.Registry.Resolve("beta");
        Assert.Empty(host.Qemu.Launched);

        await host.Registry.RemoveAsync(alpha).Within("alpha to be removed");
        // beta, left in place, shows that the clock does reach the automatic starts.
        await host.AdvanceUntilAsync(() => beta.Snapshot.State == VmState.Running, "beta starts automatically");
        host.Clock.Advance(TimeSpan.FromSeconds(60));
        await Task.Delay(200);

        Assert.Empty(host.Qemu.LaunchedFor(alpha.Id));
        Assert.Single(host.Qemu.LaunchedFor(beta.Id));
        Assert.Empty(host.Jobs.List(alpha.Id));
        Assert.Equal(["beta"], host.Registry.All.Select(v => v.Snapshot.Name));
        var missing = Assert.Throws<VmNotFoundException>(() => host.Registry.Resolve("alpha"));
        Assert.Equal("VM 'alpha' was not found.", missing.Message);
        Assert.False(File.Exists(Path.Combine(host.Store.VmDirectory(alpha.Id), "vm.json")));
        Assert.Equal(VmState.Off, alpha.Snapshot.State);
    }

    [Fact]
    public async Task A_start_queued_behind_the_removal_finds_the_VM_gone()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");

        var removing = vm.RemoveAsync();
        var start = vm.Submit(VmOperation.Start);
        await removing.Within("the removal");
        await start.Ended.Within("the start job to end");

        Assert.Equal(JobStates.Failed, start.Info.State);
        Assert.Equal("VM 'alpha' was not found.", start.Info.Problem!.Detail);
        Assert.Empty(host.Qemu.Launched);
        Assert.False(File.Exists(Path.Combine(vm.Paths.VmDirectory, "vm.json")));
    }

    [Fact]
    public async Task A_saved_vms_hardware_is_frozen_and_its_name_and_notes_are_not()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, _) = await host.RunningVmAsync("alpha");
        await ServiceHarness.RunAsync(vm, VmOperation.Save);
        Assert.Equal(VmState.Saved, vm.Snapshot.State);

        var refused = await Assert.ThrowsAsync<Nube.Core.Validation.ValidationException>(
            () => host.Registry.UpdateAsync(vm, new VmPatch { ProcessorCount = 2, Notes = "n" }, []));
        Assert.Equal("processorCount: can change only while the VM is off; it is saved, and its saved state needs this hardware: " +
            "start it and shut it down first", Assert.Single(refused.Errors).Message);
        Assert.Equal(1, vm.Snapshot.Config!.ProcessorCount);

        await host.Registry.UpdateAsync(vm, new VmPatch { Notes = "kept while saved" }, []);
        Assert.Equal("kept while saved", vm.Snapshot.Config!.Notes);
        Assert.Equal(VmState.Saved, vm.Snapshot.State);
    }

    [Fact]
    public async Task A_VM_busy_with_a_long_job_holds_up_no_other_VM()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (busy, qemu) = await host.RunningVmAsync("alpha");
        qemu.GuestPowersOff = false;
        var stop = busy.Submit(VmOperation.Stop);
        await Eventually.UntilAsync(() => busy.Snapshot.State == VmState.Stopping, "the stop waits for the guest");
        // A hardware change of the busy VM waits its turn behind the stop; its notes change at once ...
        var change = host.Registry.UpdateAsync(busy, new VmPatch { ProcessorCount = 2 }, []);
        await host.Registry.UpdateAsync(busy, new VmPatch { Notes = "at once" }, []).Within("the notes of the busy VM");

        // ... while another VM is created, renamed and started at once.
        var other = await host.CreateVmAsync("beta");
        await host.Registry.UpdateAsync(other, new VmPatch { Name = "gamma" }, []).Within("the rename of another VM");
        await ServiceHarness.StartVmAsync(other);
        Assert.False(change.IsCompleted);

        stop.RequestCancel();
        var refused = await Assert.ThrowsAsync<ValidationException>(() => change).Within("the change behind the stop");
        Assert.Contains("processorCount: can change only while the VM is off; it is running", refused.Message);
        Assert.Equal("at once", busy.Snapshot.Config!.Notes);
        Assert.Equal("gamma", other.Snapshot.Name);
    }

    [Fact]
    public async Task Two_VMs_never_end_up_with_the_same_name()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var alpha = await host.CreateVmAsync("alpha");
        var beta = await host.CreateVmAsync("beta");

        var outcomes = await Task.WhenAll(
            Outcome(host.Registry.UpdateAsync(alpha, new VmPatch { Name = "shared" }, [])),
            Outcome(host.Registry.UpdateAsync(beta, new VmPatch { Name = "shared" }, [])),
            Outcome(host.CreateVmAsync("shared")));

        Assert.Equal(1, outcomes.Count(o => o is null));
        Assert.All(outcomes.OfType<string>(), message => Assert.StartsWith("name: 'shared' is already the name of another VM", message));
        Assert.Single(host.Registry.All, v => v.Snapshot.Name == "shared");
    }

    private static async Task<string?> Outcome(Task task)
    {
        try
        {
            await task.Within("the naming");
            return null;
        }
        catch (Nube.Core.Validation.ValidationException e)
        {
            return e.Message;
        }
    }

    [Fact]
    public async Task After_a_restart_of_the_host_service_a_job_left_running_reads_failed_and_the_VM_is_reattached()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        var vm = await first.CreateVmAsync("alpha");
        var job = vm.Submit(VmOperation.Start, TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(() => job.Info.Phase == "waiting for the guest agent", "the start waits for the agent");
        var qemu = Assert.Single(first.Qemu.Launched);
        await first.AbandonAsync();

        await using var second = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, Qemu = first.Qemu });

        var again = second.Registry.Resolve("alpha");
        Assert.Equal(vm.Id, again.Id);
        Assert.Equal(VmState.Running, again.Snapshot.State);
        Assert.Null(again.Snapshot.StateReason);
        Assert.Equal(qemu.Pid, again.Snapshot.ProcessId);
        Assert.Equal(Nube.Core.Hosts.Accelerator.Tcg, again.Snapshot.Accelerator);
        // Reattached over a new QMP connection, asking QEMU what it runs rather than assuming.
        Assert.Equal(["qmp_capabilities", "query-kvm", "query-status"], qemu.Commands.Where(c => c.Connection == 2).Select(c => c.Command));
        Assert.True(qemu.IsAlive);
        Assert.Single(first.Qemu.Launched);
        Assert.Equal(1, second.Admission.Count);
        var old = second.Jobs.Get(job.Id.ToString()).Info;
        Assert.Equal(JobStates.Failed, old.State);
        Assert.Equal("The host service restarted", old.Problem?.Title);
        Assert.Equal("The host service restarted while this start job was running; VM 'alpha' is running, as its QEMU is.", old.Problem?.Detail);
        Assert.Equal(500, old.Problem?.Status);
        Assert.Equal("running", old.Vm?.State);
        // The reattached VM obeys its new host service.
        var pause = await ServiceHarness.RunAsync(again, VmOperation.Pause);
        Assert.Equal(JobStates.Completed, pause.Info.State);
        Assert.Equal("paused", qemu.RunState);
    }

    [Fact]
    public async Task A_VM_reattached_without_its_control_connection_is_really_turned_off()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        var vm = await first.CreateVmAsync("alpha");
        await ServiceHarness.StartVmAsync(vm);
        var qemu = Assert.Single(first.Qemu.Launched);
        await first.AbandonAsync();
        qemu.Fail("qmp_capabilities", "GenericError", "Capabilities negotiation is already complete");

        await using var second = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, Qemu = first.Qemu });
        var again = second.Registry.Resolve("alpha");
        Assert.Equal(VmState.Running, again.Snapshot.State);
        Assert.Equal($"QEMU (pid {qemu.Pid}) runs but its control socket does not answer: " +
                     "QMP command 'qmp_capabilities' failed: GenericError: Capabilities negotiation is already complete", again.Snapshot.StateReason);
        Assert.Equal(1, second.Admission.Count);

        var turnOff = await ServiceHarness.RunAsync(again, VmOperation.TurnOff);

        Assert.Equal(JobStates.Completed, turnOff.Info.State);
        Assert.Equal(VmState.Off, again.Snapshot.State);
        // Off means no QEMU: a later start must not put a second QEMU on the same disks.
        Assert.False(qemu.IsAlive);
        Assert.False(Directory.Exists(again.Paths.RuntimeDirectory));
        Assert.Equal(0, second.Admission.Count);
    }

    [Fact]
    public async Task A_QEMU_that_died_while_the_host_service_was_down_leaves_the_VM_off_and_start_if_running_starts_it()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        var vm = await first.CreateVmAsync("alpha", new VmPatch { AutomaticStartAction = AutomaticStartAction.StartIfRunning });
        await ServiceHarness.StartVmAsync(vm);
        var firstStart = Assert.Single(first.Jobs.List(vm.Id));
        var died = Assert.Single(first.Qemu.Launched);
        await first.AbandonAsync();
        died.Kill();

        await using var second = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, Qemu = first.Qemu });
        var again = second.Registry.Resolve("alpha");
        await Eventually.UntilAsync(() => again.Snapshot.State == VmState.Running, "the VM is started again");

        var states = await second.Recorded.WaitForAsync(vm.Id, HostEventTypes.VmStateChanged, 3);
        Assert.Equal([("off", "QEMU exited while the host service was down."), ("starting", null), ("running", null)],
            states.Select(e => (e.State, e.Reason)));
        var automatic = Assert.Single(second.Jobs.List(vm.Id), j => j.Id != firstStart.Id);
        Assert.Equal("start", automatic.Kind);
        await second.Jobs.Get(automatic.Id.ToString()).Ended.Within("the automatic start to end");
        Assert.Equal(JobStates.Completed, second.Jobs.Get(automatic.Id.ToString()).Info.State);
        Assert.Equal(2, first.Qemu.Launched.Count);
        Assert.Equal([first.Qemu.Launched[1]], first.Qemu.Alive);
        Assert.Equal(1, second.Admission.Count);
    }
}
