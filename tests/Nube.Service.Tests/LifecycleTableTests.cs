using Nube.Contracts.Jobs;
using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms;

namespace Nube.Service.Tests;

/// <summary>The controller refuses exactly what <see cref="VmLifecycle"/>'s table refuses, in the table's words.</summary>
public sealed class LifecycleTableTests(ITestOutputHelper output)
{
    /// <summary>The states a VM rests in between jobs; the transient ones exist only while a job runs.</summary>
    private static readonly VmState[] RestingStates = [VmState.Off, VmState.Running, VmState.Paused, VmState.Saved];

    [Fact]
    public async Task Every_pair_the_table_refuses_is_refused_at_once_with_the_tables_message()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var checkedPairs = new List<(VmState, VmOperation)>();
        foreach (var state in RestingStates)
        {
            var vm = await host.CreateVmAsync($"vm-{VmLifecycle.Word(state)}");
            await BringToAsync(vm, state);
            foreach (var operation in Enum.GetValues<VmOperation>())
            {
                var expected = Record.Exception(() => VmLifecycle.Begin(state, operation, vm.Snapshot.Name));
                if (expected is null)
                    continue;
                var jobsBefore = host.Jobs.List(vm.Id).Count;

                var refused = Assert.Throws<VmStateException>(() => vm.Submit(operation));

                Assert.Equal(expected.Message, refused.Message);
                Assert.Equal(jobsBefore, host.Jobs.List(vm.Id).Count);
                Assert.Equal(state, vm.Snapshot.State);
                checkedPairs.Add((state, operation));
            }
        }
        // Off and saved allow only start; running refuses start and resume; paused refuses start, stop and pause.
        Assert.Equal(15, checkedPairs.Count);
    }

    [Fact]
    public async Task An_operation_queued_behind_another_is_checked_when_its_turn_comes()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");
        await ServiceHarness.StartVmAsync(vm);
        var quit = host.Qemu.Launched[0].Hold("quit");

        var save = vm.Submit(VmOperation.Save);
        await quit.WaitArrivedAsync().Within("the save to end QEMU");
        // Saving refuses pause, but the save may yet fail and leave the VM running: the pause waits its turn.
        var pause = vm.Submit(VmOperation.Pause);
        quit.Release();
        await save.Ended.Within("the save job to end");
        await pause.Ended.Within("the pause job to end");

        Assert.Equal(JobStates.Completed, save.Info.State);
        Assert.Equal(JobStates.Failed, pause.Info.State);
        Assert.Equal("The VM's state does not allow this", pause.Info.Problem?.Title);
        Assert.Equal("Cannot pause VM 'alpha': it is saved; pause needs running.", pause.Info.Problem?.Detail);
        Assert.Equal(VmState.Saved, vm.Snapshot.State);
    }

    private static async Task BringToAsync(VmController vm, VmState state)
    {
        if (state == VmState.Off)
            return;
        await ServiceHarness.StartVmAsync(vm);
        if (state == VmState.Paused)
            await ServiceHarness.RunAsync(vm, VmOperation.Pause);
        if (state == VmState.Saved)
            await ServiceHarness.RunAsync(vm, VmOperation.Save);
        Assert.Equal(state, vm.Snapshot.State);
    }
}
