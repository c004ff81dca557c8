using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;
using Xunit.Abstractions;

namespace Nube.Service.Tests;

/// <summary>The host service stopped in the middle of a start: its successor settles what it finds, and says so.</summary>
public sealed class InterruptedStartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_QEMU_left_before_its_processors_ran_is_let_run_as_its_start_asked()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        var vm = await first.CreateVmAsync("alpha");
        CommandGate? cont = null;
        first.Qemu.OnLaunch = q => cont = q.Hold("cont");
        vm.Submit(VmOperation.Start);
        await Eventually.UntilAsync(() => cont is not null, "QEMU is launched");
        await cont!.WaitArrivedAsync().Within("cont to be sent");
        var qemu = Assert.Single(first.Qemu.Launched);
        Assert.Equal("prelaunch", qemu.RunState);
        await first.AbandonAsync();

        // The successor finds QEMU in prelaunch (the first cont is still held) and sends its own.
        var starting = ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, Qemu = first.Qemu });
        await cont.WaitArrivedAsync(2).Within("the successor's cont");
        cont.Release();
        await using var second = await starting;
        var again = second.Registry.Resolve("alpha");
        Assert.Equal(VmState.Running, again.Snapshot.State);
        Assert.Equal("The host service restarted while it started the VM; the start was finished.", again.Snapshot.StateReason);
        Assert.Equal("running", qemu.RunState);
        Assert.Equal(["qmp_capabilities", "query-kvm", "query-status", "cont"],
            qemu.Commands.Where(c => c.Connection == 2).Select(c => c.Command));
    }

    [Fact]
    public async Task A_restore_left_waiting_for_its_memory_is_ended_and_the_VM_stays_saved()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        var vm = await first.CreateVmAsync("alpha");
        await ServiceHarness.StartVmAsync(vm);
        await ServiceHarness.RunAsync(vm, VmOperation.Save);
        CommandGate? incoming = null;
        first.Qemu.OnLaunch = q => incoming = q.Hold("migrate-incoming");
        vm.Submit(VmOperation.Start);
        await Eventually.UntilAsync(() => incoming is not null, "QEMU is launched to restore");
        await incoming!.WaitArrivedAsync().Within("migrate-incoming to be sent");
        var qemu = first.Qemu.Launched[1];
        await first.AbandonAsync();

        await using var second = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, Qemu = first.Qemu });
        var again = second.Registry.Resolve("alpha");
        Assert.Equal(VmState.Saved, again.Snapshot.State);
        Assert.Equal("The host service restarted while it restored the VM's saved memory; the VM is saved again, its saved state kept.",
            again.Snapshot.StateReason);
        Assert.True(File.Exists(again.Paths.SavedState));
        Assert.False(qemu.IsAlive);
        Assert.Equal(0, second.Admission.Count);
    }
}
