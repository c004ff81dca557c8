using Nube.Contracts.Jobs;
using Nube.Core.Checkpoints;
using Nube.Core.Integration;
using Nube.Core.Vms;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms;
using Nube.Service.Vms.Checkpoints;

namespace Nube.Service.Tests;

/// <summary>Checkpoints of a VM whose QEMU is the fake: what QEMU is asked, in what order, and what is refused before it is asked.</summary>
public sealed class CheckpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_standard_checkpoint_of_a_running_VM_switches_its_disk_while_paused_then_saves_the_memory()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var data = await DiskAsync(host);
        var (vm, qemu) = await host.RunningVmAsync("alpha", WithDisk(data));
        var before = qemu.CommandNames.Count;

        var job = await RunAsync(vm, new NewCheckpoint("one", CheckpointKind.Standard, false));

        Assert.Equal(JobStates.Completed, job.Info.State);
        // The polls between (query-migrate, and the query-status that QEMU's STOP and RESUME events bring) aside.
        Assert.Equal(["stop", "add-fd", "blockdev-add", "blockdev-add", "transaction", "migrate-set-parameters", "add-fd", "migrate", "remove-fd", "cont"],
            qemu.CommandNames.Skip(before).Where(c => c is not ("query-migrate" or "query-status")));
        var overlay = Assert.Single(vm.Snapshot.Config!.ScsiControllers[0].Disks).Path;
        Assert.Equal(Path.Join(Path.GetDirectoryName(data), $"data_{vm.Checkpoints.List().Checkpoints[0].Id.ToString("N")[..8]}.qcow2"), overlay);
        Assert.Equal(overlay, vm.Snapshot.Running!.Config.ScsiControllers[0].Disks[0].Path);
        var checkpoint = Assert.Single(vm.Checkpoints.List().Checkpoints);
        Assert.True(File.Exists(checkpoint.Memory));
        Assert.Equal(data, Assert.Single(checkpoint.Disks).Image);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
    }

    [Fact]
    public async Task A_rename_while_a_standard_checkpoint_saves_the_memory_stays_when_the_checkpoint_stores_its_disks()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var data = await DiskAsync(host);
        var (vm, qemu) = await host.RunningVmAsync("alpha", WithDisk(data));
        qemu.HoldsMigration = true;
        var query = qemu.Hold("query-migrate");
        var job = vm.Checkpoints.Submit(new NewCheckpoint("one", CheckpointKind.Standard, false));
        await query.WaitArrivedAsync().Within("the checkpoint to save the memory");

        await host.Registry.UpdateAsync(vm, new VmPatch { Name = "beta" }, []).Within("the rename to land while the checkpoint runs");
        query.Release();
        qemu.CompleteMigration();
        await job.Ended.Within("the checkpoint to end");

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal("beta", vm.Snapshot.Config!.Name);
        Assert.NotEqual(data, Assert.Single(vm.Snapshot.Config.ScsiControllers[0].Disks).Path);
        Assert.Equal("beta", host.Store.LoadAll().Single().Config!.Name);
    }

    [Fact]
    public async Task Applying_to_a_running_VM_is_refused_and_changes_nothing()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var data = await DiskAsync(host);
        var (vm, qemu) = await host.RunningVmAsync("alpha", WithDisk(data));
        Assert.Equal(JobStates.Completed, (await RunAsync(vm, new NewCheckpoint("one", CheckpointKind.Standard, false))).Info.State);
        var disks = vm.Snapshot.Config!.ScsiControllers;
        var before = qemu.CommandNames.Count;

        var job = await RunAsync(vm, new ApplyCheckpoint("one"));

        Assert.Equal(JobStates.Failed, job.Info.State);
        Assert.Equal("Cannot apply checkpoint 'one' of VM 'alpha': it is running; turn it off or save it first.", job.Info.Problem?.Detail);
        // QEMU is asked nothing (a query-status may follow the checkpoint's own pause and resume).
        Assert.All(qemu.CommandNames.Skip(before), c => Assert.Equal("query-status", c));
        Assert.Equal(disks, vm.Snapshot.Config!.ScsiControllers);
    }

    [Fact]
    public async Task A_production_checkpoint_of_a_guest_that_cannot_freeze_fails_and_leaves_no_file()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var data = await DiskAsync(host);
        var (vm, qemu) = await host.RunningVmAsync("alpha", WithDisk(data));
        await vm.ChangeAsync(new SwitchIntegrationService(IntegrationService.Backup, false));
        var before = qemu.CommandNames.Count;

        var job = await RunAsync(vm, new NewCheckpoint("one", CheckpointKind.Production, false));

        Assert.Equal(JobStates.Failed, job.Info.State);
        Assert.StartsWith("Cannot take production checkpoint 'one' of VM 'alpha': Cannot freeze VM 'alpha': its backup integration service is disabled.",
            job.Info.Problem?.Detail);
        Assert.Empty(qemu.CommandNames.Skip(before));
        Assert.Equal([Path.GetFileName(data)], Directory.GetFiles(Path.GetDirectoryName(data)!).Select(Path.GetFileName));
        Assert.Empty(vm.Checkpoints.List().Checkpoints);
    }

    [Fact]
    public async Task A_disk_held_by_a_checkpoint_cannot_be_removed()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var data = await DiskAsync(host);
        var vm = await host.CreateVmAsync("alpha", WithDisk(data));
        Assert.Equal(JobStates.Completed, (await RunAsync(vm, new NewCheckpoint(null, CheckpointKind.Production, false))).Info.State);

        var refused = await Assert.ThrowsAsync<Core.Validation.ValidationException>(() =>
            vm.ChangeAsync(new VmPatch { ScsiControllers = [vm.Snapshot.Config!.ScsiControllers[0] with { Disks = [] }] }));
        Assert.Equal("scsiControllers[0].disks[0].path: disk disk0 is in checkpoints of this VM; remove its checkpoints first",
            Assert.Single(refused.Errors).Message);
    }

    private static async Task<Jobs.Job> RunAsync(VmController vm, CheckpointRequest request)
    {
        var job = vm.Checkpoints.Submit(request);
        await job.Ended.Within($"the {job.Kind} job to end");
        return job;
    }

    private static VmPatch WithDisk(string path) => new()
    {
        ScsiControllers = [new ScsiController { Disks = [new ScsiDisk { Path = path }] }],
    };

    /// <summary>A real 16 MiB raw image in a folder of its own under the storage roots (qemu-img makes the overlays).</summary>
    private static async Task<string> DiskAsync(ServiceHarness host)
    {
        var folder = Directory.CreateDirectory(Path.Combine(host.Options.DataDir, "images", "disks")).FullName;
        var path = Path.Combine(folder, "data.raw");
        await using (var file = File.Create(path))
            file.SetLength(16 << 20);
        return path;
    }
}
