using Nube.Core.Vms;
using Nube.Service.Tests.Harness;

namespace Nube.Service.Tests;

/// <summary>
/// "Start if it was running" at host boot: the host's stop actions stopped the VM at shutdown and
/// the reboot took its QEMU and pid file, so only the record of the stop actions says it ran.
/// </summary>
public sealed class StartAfterRebootTests(ITestOutputHelper output)
{
    private static readonly VmPatch StartIfRunning = new()
    {
        AutomaticStartAction = AutomaticStartAction.StartIfRunning, AutomaticStopAction = AutomaticStopAction.TurnOff,
    };

    [Fact]
    public async Task A_VM_the_stop_actions_stopped_starts_again_after_the_host_rebooted_and_only_once()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        var (vm, _) = await first.RunningVmAsync("alpha", StartIfRunning);
        await first.Registry.ApplyStopActionsAsync();
        // sconfig applies the actions before it reboots, and the shutdown applies them again: nothing runs then.
        await first.Registry.ApplyStopActionsAsync();
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        await first.AbandonAsync();

        await using (var booted = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, BootId = "boot-2" }))
        {
            var again = booted.Registry.Resolve("alpha");
            await Eventually.UntilAsync(() => again.Snapshot.State == VmState.Running, "the VM to start after the reboot");
            await ServiceHarness.RunAsync(again, VmOperation.TurnOff);
            await booted.AbandonAsync();
        }

        await using var restarted = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, BootId = "boot-2" });
        Assert.Equal(VmState.Off, restarted.Registry.Resolve("alpha").Snapshot.State);
        Assert.Empty(restarted.Qemu.Launched);
    }

    [Fact]
    public async Task A_restart_of_nubed_after_the_stop_actions_ran_by_hand_starts_nothing()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        var (vm, _) = await first.RunningVmAsync("alpha", StartIfRunning);
        await first.Registry.ApplyStopActionsAsync();
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        await first.AbandonAsync();

        await using var restarted = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root });
        Assert.Equal(VmState.Off, restarted.Registry.Resolve("alpha").Snapshot.State);
        Assert.Empty(restarted.Qemu.Launched);
    }

    [Fact]
    public async Task An_unreadable_record_is_dropped_and_the_stop_actions_still_run()
    {
        await using var first = await ServiceHarness.StartAsync(output);
        await first.CreateVmAsync("alpha", StartIfRunning);
        await first.AbandonAsync();
        var record = Path.Combine(first.Options.DataDir, "stopped-at-shutdown.json");
        await File.WriteAllTextAsync(record, "{");

        await using var booted = await ServiceHarness.StartAsync(output, new HarnessSetup { Root = first.Root, BootId = "boot-2" });
        Assert.False(File.Exists(record));
        var (vm, _) = await booted.RunningVmAsync("beta", StartIfRunning);
        await File.WriteAllTextAsync(record, "{");
        await booted.Registry.ApplyStopActionsAsync();
        Assert.Equal(VmState.Off, vm.Snapshot.State);
    }
}
