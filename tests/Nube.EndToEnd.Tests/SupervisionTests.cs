using System.Diagnostics;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>The host service and its VMs fail apart: neither takes the other, nor one VM another, down.</summary>
[Collection(Alone.Name)]
public sealed class SupervisionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_host_service_leaves_the_vm_running_and_a_new_service_controls_it()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("survivor");
        await host.Client.RunJobAsync("survivor", "start");
        Assert.True((await host.Client.GetVmAsync("survivor", 60)).GuestAgent?.Responding);
        var pid = host.QemuPid(vm.Summary.Id)!.Value;

        await host.KillServiceAsync();
        Assert.True(NubedHost.ProcessAlive(pid));
        await host.StartServiceAsync();

        await AssertStillRunningAsync(host, "survivor", pid, agentWaitSeconds: 10);
        Assert.Equal("paused", (await host.Client.RunJobAsync("survivor", "pause")).Vm!.State);
        Assert.Equal("running", (await host.Client.RunJobAsync("survivor", "resume")).Vm!.State);
        Assert.Equal("off", (await host.Client.RunJobAsync("survivor", "turn-off")).Vm!.State);
        Assert.False(NubedHost.ProcessAlive(pid));
    }

    [Fact]
    public async Task Stopping_the_host_service_cleanly_leaves_the_vm_running()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("steady");
        await host.Client.RunJobAsync("steady", "start");
        var pid = host.QemuPid(vm.Summary.Id)!.Value;

        await host.TerminateServiceAsync();
        Assert.Equal(0, host.Process.ExitCode);
        Assert.True(NubedHost.ProcessAlive(pid));

        await host.StartServiceAsync();
        await AssertStillRunningAsync(host, "steady", pid, agentWaitSeconds: 60);
    }

    [Fact]
    public async Task A_vm_whose_qemu_died_while_the_service_was_down_is_reported_off_with_the_reason()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("lost");
        await host.Client.RunJobAsync("lost", "start");
        var pid = host.QemuPid(vm.Summary.Id)!.Value;
        await host.KillServiceAsync();
        Process.GetProcessById(pid).Kill();
        await WaitUntilAsync(() => !NubedHost.ProcessAlive(pid), "QEMU to die");

        await host.StartServiceAsync();
        var after = await host.Client.GetVmAsync("lost", 0);
        Assert.Equal("off", after.Summary.State);
        Assert.Equal("QEMU exited while the host service was down.", after.Summary.StateReason);
        Assert.False(Directory.Exists(Path.Combine(host.RunDir, "vms", vm.Summary.Id.ToString())));
    }

    [Fact]
    public async Task A_crashed_qemu_marks_its_vm_off_and_the_other_vm_keeps_running()
    {
        await using var host = await NubedHost.StartAsync(output);
        var victim = await host.CreateGuestVmAsync("victim");
        var bystander = await host.CreateGuestVmAsync("bystander");
        await host.Client.RunJobAsync("victim", "start");
        await host.Client.RunJobAsync("bystander", "start");
        Assert.True((await host.Client.GetVmAsync("bystander", 60)).GuestAgent?.Responding);
        var bystanderPid = host.QemuPid(bystander.Summary.Id)!.Value;

        Process.GetProcessById(host.QemuPid(victim.Summary.Id)!.Value).Kill();

        var off = await WaitForStateAsync(host, "victim", "off");
        Assert.Equal("QEMU exited unexpectedly. QEMU was killed by signal 9.", off.Summary.StateReason);
        await AssertStillRunningAsync(host, "bystander", bystanderPid, agentWaitSeconds: 10);
    }

    [Fact]
    public async Task A_vm_set_to_restart_on_crash_is_started_again()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("phoenix", crashAction: "restart");
        await host.Client.RunJobAsync("phoenix", "start");
        var firstPid = host.QemuPid(vm.Summary.Id)!.Value;

        Process.GetProcessById(firstPid).Kill();

        await WaitUntilAsync(() => host.QemuPid(vm.Summary.Id) is { } p && p != firstPid && NubedHost.ProcessAlive(p), "a new QEMU");
        var after = await WaitForStateAsync(host, "phoenix", "running");
        Assert.NotEqual(firstPid, after.ProcessId);
        Assert.True((await host.Client.GetVmAsync("phoenix", 60)).GuestAgent?.Responding);
    }

    [Fact]
    public async Task A_guest_that_powers_itself_off_is_off_with_the_reason()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("selfstop");
        await host.Client.RunJobAsync("selfstop", "start");
        Assert.True((await host.Client.GetVmAsync("selfstop", 60)).GuestAgent?.Responding);
        await GuestShell.SendAsync(host, vm.Summary.Id, "poweroff -f");

        var off = await WaitForStateAsync(host, "selfstop", "off");
        Assert.Equal("The guest shut down.", off.Summary.StateReason);
    }

    [Fact]
    public async Task A_vm_set_to_always_start_starts_with_the_host_service()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("eager") with { AutomaticStartAction = "alwaysStart" });
        await host.CreateGuestVmAsync("lazy");
        await host.KillServiceAsync();

        await host.StartServiceAsync();
        var eager = await WaitForStateAsync(host, "eager", "running");
        Assert.NotNull(eager.ProcessId);
        Assert.Equal("off", (await host.Client.GetVmAsync("lazy", 0)).Summary.State);
    }

    [Fact]
    public async Task A_guest_that_ignores_the_power_button_is_turned_off_after_the_stop_timeout()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.Client.SetHostAsync(new() { StopTimeoutSeconds = 2 });
        var vm = await host.CreateGuestVmAsync("stubborn", extraAppend: "nube.acpi=ignore");
        // The power button alone: through its agent, the guest would shut down.
        await host.Client.SetIntegrationServiceAsync("stubborn", "shutdown", false);
        await host.Client.RunJobAsync("stubborn", "start");
        Assert.True((await host.Client.GetVmAsync("stubborn", 60)).GuestAgent?.Responding);
        var pid = host.QemuPid(vm.Summary.Id)!.Value;

        var clock = Stopwatch.StartNew();
        var stopped = await host.Client.RunJobAsync("stubborn", "stop");

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
        Assert.Equal("off", stopped.Vm!.State);
        Assert.Equal("The guest did not shut down within 2 s, so it was turned off.", stopped.Vm.StateReason);
        Assert.False(NubedHost.ProcessAlive(pid));
    }

    [Fact]
    public async Task Host_stop_vms_applies_each_vms_automatic_stop_action()
    {
        await using var host = await NubedHost.StartAsync(output);
        foreach (var (name, action) in new[] { ("keep", "save"), ("drop", "turnOff"), ("polite", "shutDown") })
        {
            await host.Client.CreateVmAsync(NubedHost.GuestSettings(name) with { AutomaticStopAction = action });
            await host.Client.RunJobAsync(name, "start");
        }
        await host.CreateGuestVmAsync("idle");
        Assert.True((await host.Client.GetVmAsync("polite", 60)).GuestAgent?.Responding);

        var r = await NubeCli.RunAsync(host, "host", "stop-vms", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);

        var states = (await host.Client.ListVmsAsync()).ToDictionary(v => v.Name, v => v.State);
        Assert.Equal("saved", states["keep"]);
        Assert.Equal("off", states["drop"]);
        Assert.Equal("off", states["polite"]);
        Assert.Equal("off", states["idle"]);
        var polite = await host.Client.GetVmAsync("polite", 0);
        Assert.Null(polite.Summary.StateReason);
        // Shut down as vm stop does: through the guest's agent, whose request the guest logs.
        Assert.Contains(host.SerialLines(polite.Summary.Id), l => l.Contains("nube-guest: shutdown: poweroff"));
    }

    /// <summary>The VM runs on in the same QEMU, and its guest agent answers.</summary>
    private static async Task AssertStillRunningAsync(NubedHost host, string vm, int pid, int agentWaitSeconds)
    {
        var details = await host.Client.GetVmAsync(vm, agentWaitSeconds);
        Assert.Equal("running", details.Summary.State);
        Assert.Equal(pid, details.ProcessId);
        Assert.True(details.GuestAgent?.Responding, details.GuestAgent?.Error);
    }

    private static async Task<VmDetails> WaitForStateAsync(NubedHost host, string vm, string state)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var details = await host.Client.GetVmAsync(vm, 0);
            if (details.Summary.State == state)
                return details;
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"VM {vm} is {details.Summary.State}, not {state}, after 60 s.");
            await Task.Delay(100);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"Waited 60 s for {what}.");
            await Task.Delay(50);
        }
    }
}
