using System.Text.Json.Nodes;
using Nube.Contracts.Events;
using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;
using Xunit.Abstractions;

namespace Nube.Service.Tests;

/// <summary>A write that fails pauses the VM with the disk and the reason; QEMU's status, not the event alone, decides the state.</summary>
public sealed class DiskIoErrorTests(ITestOutputHelper output)
{
    private static JsonObject Full() => FakeReply.Event("BLOCK_IO_ERROR", new JsonObject
    {
        ["device"] = "", ["node-name"] = "disk1", ["operation"] = "write", ["action"] = "stop", ["nospace"] = true,
        ["reason"] = "No space left on device",
    });

    [Fact]
    public async Task A_full_host_disk_pauses_the_vm_with_the_reason_and_a_late_event_does_not_pause_it_again()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var disk = Path.Combine(host.Options.DataDir, "images", "data.raw");
        await File.WriteAllBytesAsync(disk, []);
        var (vm, qemu) = await host.RunningVmAsync("alpha", new VmPatch
        {
            ScsiControllers = [new ScsiController { Id = "scsi0", Disks = [new ScsiDisk { Id = "disk1", Location = 1, Path = disk }] }],
        });
        var reason = $"paused: the host's disk is full writing '{disk}' (SCSI 0:1); free space and resume it";

        // QEMU sends the event before it stops the VM, then STOP.
        await qemu.BroadcastAsync(Full()).Within("the event to be sent");
        await qemu.PauseByItselfAsync("io-error").Within("the STOP event to be sent");
        await Eventually.UntilAsync(() => vm.Snapshot.State == VmState.Paused, "the VM shows paused");
        Assert.Equal(reason, vm.Snapshot.StateReason);
        var states = await host.Recorded.WaitForAsync(vm.Id, HostEventTypes.VmStateChanged, 3);
        Assert.Equal(("paused", reason), (states[2].State, states[2].Reason));

        await ServiceHarness.RunAsync(vm, VmOperation.Resume);
        Assert.Equal((VmState.Running, null), (vm.Snapshot.State, vm.Snapshot.StateReason));
        // An event of a request that the resume retried with success: QEMU runs, so the VM does.
        var asked = qemu.CommandNames.Count(n => n == "query-status");
        await qemu.BroadcastAsync(Full()).Within("the late event to be sent");
        await Eventually.UntilAsync(() => qemu.CommandNames.Count(n => n == "query-status") > asked, "the status to be asked");
        // A change goes through the VM's loop after the event: its handling is over.
        await host.Registry.UpdateAsync(vm, new VmPatch { Notes = "after the event" }, []).Within("a change after the event");
        Assert.Equal((VmState.Running, null), (vm.Snapshot.State, vm.Snapshot.StateReason));
    }
}
