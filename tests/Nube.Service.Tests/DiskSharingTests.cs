using Nube.Contracts.Jobs;
using Nube.Core.Vms;
using Nube.Service.Tests.Harness;
using Xunit.Abstractions;

namespace Nube.Service.Tests;

/// <summary>A disk written by two VMs is refused at the start too, for VMs stored before the rule refused them at create.</summary>
public sealed class DiskSharingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_start_is_refused_when_another_vm_has_the_same_writable_disk_and_no_QEMU_is_launched()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        var disk = Path.Combine(first.Options.DataDir, "images", "shared.raw");
        var shared = new VmPatch { ScsiControllers = [new ScsiController { Id = "scsi0", Disks = [new ScsiDisk { Id = "disk1", Path = disk }] }] };
        await first.Store.SaveAsync(first.Config(shared with { Name = "db" }));
        await first.Store.SaveAsync(first.Config(shared with { Name = "web" }));
        await first.AbandonAsync();
        await using var second = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, Qemu = first.Qemu });

        var job = await ServiceHarness.RunAsync(second.Registry.Resolve("web"), VmOperation.Start);

        Assert.Equal(JobStates.Failed, job.Info.State);
        Assert.Equal($"scsiControllers[0].disks[0].path: '{disk}' is already a disk of VM 'db' (scsiControllers[0].disks[0]); " +
            "a disk is used by one VM at a time", job.Info.Problem?.Detail);
        Assert.Empty(second.Qemu.Launched);
        Assert.Equal(VmState.Off, second.Registry.Resolve("web").Snapshot.State);
    }
}
