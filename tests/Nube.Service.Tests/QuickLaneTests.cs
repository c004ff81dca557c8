using Nube.Contracts.Jobs;
using Nube.Core.Lifecycle;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Tests.Harness;
using Xunit.Abstractions;

namespace Nube.Service.Tests;

/// <summary>A settings change does not wait behind a long job; a hardware change does, and is then judged by the state the job left.</summary>
public sealed class QuickLaneTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_rename_and_notes_land_while_a_save_is_under_way_and_a_memory_change_waits_for_it()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        qemu.HoldsMigration = true;
        var query = qemu.Hold("query-migrate");
        var save = vm.Submit(VmOperation.Save);
        await query.WaitArrivedAsync().Within("the save to poll the migration");

        var renamed = await host.Registry.UpdateAsync(vm, new VmPatch { Name = "beta", Notes = "renamed mid-save" }, [])
            .Within("the rename to land while the save runs");
        Assert.Equal("beta", renamed.Name);
        Assert.Equal(VmState.Saving, renamed.State);
        Assert.Equal(JobStates.Running, save.Info.State);

        var memory = host.Registry.UpdateAsync(vm, new VmPatch { MemoryStartupMiB = 1024 }, []);
        await Task.Delay(200);
        Assert.False(memory.IsCompleted);

        query.Release();
        qemu.CompleteMigration();
        await save.Ended.Within("the save to end");
        Assert.Equal(JobStates.Completed, save.Info.State);
        var refused = await Assert.ThrowsAsync<ValidationException>(() => memory).Within("the memory change to be judged");
        Assert.Contains("memoryStartupMiB: can change only while the VM is off; it is saved", refused.Message);
        Assert.Equal("renamed mid-save", vm.Snapshot.Config!.Notes);
    }
}
