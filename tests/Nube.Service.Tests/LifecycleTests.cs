using Nube.Contracts.Jobs;
using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;

namespace Nube.Service.Tests;

/// <summary>The operations that succeed, each checked by what QEMU was told and what is left on disk.</summary>
public sealed class LifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Start_launches_QEMU_connects_and_the_VM_runs()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Start);

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal("start", job.Info.Kind);
        Assert.Null(job.Info.Problem);
        Assert.Equal("running", job.Info.Vm?.State);
        var qemu = Assert.Single(host.Qemu.Launched);
        Assert.True(qemu.IsAlive);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
        Assert.Null(vm.Snapshot.StateReason);
        Assert.Equal(qemu.Pid, vm.Snapshot.ProcessId);
        Assert.Equal(Nube.Core.Hosts.Accelerator.Tcg, vm.Snapshot.Accelerator);
        Assert.Contains($"nube-{vm.Id},debug-threads=on", qemu.Argv);
        Assert.DoesNotContain("-incoming", qemu.Argv);
        Assert.Equal($"{qemu.Pid}\n", await File.ReadAllTextAsync(vm.Paths.PidFile));
        // The launch chose the accelerator, so nothing but the negotiation was asked of QEMU.
        // Launched paused (-S), then run once nubed holds its channels.
        Assert.Contains("-S", qemu.Argv);
        Assert.Equal([new QmpCall(1, "qmp_capabilities", null), new QmpCall(1, "cont", null)], qemu.Commands);
        Assert.Equal(1, host.Admission.Count);
    }

    [Fact]
    public async Task Start_with_an_agent_wait_ends_once_the_guest_agent_answers()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");

        var job = vm.Submit(VmOperation.Start, TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(() => job.Info.Phase == "waiting for the guest agent", "the start waits for the agent");
        Assert.False(job.IsEnded);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
        host.Qemu.Launched[0].StartAgent();
        await job.Ended.Within("the start job to end");

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal(FakeAgentConnection.AgentVersion, vm.Snapshot.AgentVersion);
        Assert.Equal(host.Clock.GetUtcNow(), vm.Snapshot.LastAgentContact);
        // Requests sent while the agent was down waited in the channel; after the sync, ping then info.
        Assert.Equal(["guest-ping", "guest-info"], host.Qemu.Launched[0].AgentCommands.SkipWhile(c => c == "guest-sync-delimited"));
    }

    [Fact]
    public async Task Pause_and_resume_stop_and_continue_the_processors()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");

        var pause = await ServiceHarness.RunAsync(vm, VmOperation.Pause);
        Assert.Equal(JobStates.Completed, pause.Info.State);
        Assert.Equal(VmState.Paused, vm.Snapshot.State);
        Assert.Equal("paused", qemu.RunState);

        var resume = await ServiceHarness.RunAsync(vm, VmOperation.Resume);
        Assert.Equal(JobStates.Completed, resume.Info.State);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
        Assert.Equal("running", qemu.RunState);
        // QEMU's STOP and RESUME echo Nube's own commands; one handled after the state moved on is
        // checked with QEMU (query-status), which leaves the VM as QEMU has it.
        await Task.Delay(300);
        Assert.Equal(["stop", "cont"], qemu.CommandNames.Where(c => c != "query-status"));
        Assert.Equal(VmState.Running, vm.Snapshot.State);
    }

    [Fact]
    public async Task Save_writes_the_saved_state_and_ends_QEMU()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Save);

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal(VmState.Saved, vm.Snapshot.State);
        Assert.Equal("saved", job.Info.Vm?.State);
        Assert.True(File.Exists(vm.Paths.SavedState));
        Assert.False(File.Exists(vm.Paths.SavedState + ".partial"));
        Assert.False(qemu.IsAlive);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        Assert.Null(vm.Snapshot.ProcessId);
        Assert.Equal(0, host.Admission.Count);
        Assert.Equal(["stop", "migrate-set-parameters", "add-fd", "migrate", "query-migrate", "remove-fd", "quit"], qemu.CommandNames);
        var calls = qemu.Commands;
        Assert.Equal($"{8L << 30}", calls.Single(c => c.Command == "migrate-set-parameters").Argument("max-bandwidth"));
        // QEMU writes the file nubed made, through the descriptor it was passed, and names no path.
        Assert.Equal("file:/dev/fdset/101", calls.Single(c => c.Command == "migrate").Argument("uri"));
        Assert.Equal("QEVM"u8.ToArray(), File.ReadAllBytes(vm.Paths.SavedState));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(vm.Paths.SavedState));
    }

    [Fact]
    public async Task Start_from_saved_consumes_the_saved_state_before_the_processors_resume()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");
        await ServiceHarness.StartVmAsync(vm);
        await ServiceHarness.RunAsync(vm, VmOperation.Save);
        CommandGate? cont = null;
        host.Qemu.OnLaunch = q => cont = q.Hold("cont");

        var job = vm.Submit(VmOperation.Start);
        await Eventually.UntilAsync(() => cont is not null, "QEMU is launched again");
        await cont!.WaitArrivedAsync().Within("cont to be sent");

        // Once the guest may run, its disks move on: the old memory must never be restored again.
        Assert.False(File.Exists(vm.Paths.SavedState));
        Assert.Equal(VmState.Starting, vm.Snapshot.State);
        cont.Release();
        await job.Ended.Within("the start job to end");

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
        var restored = host.Qemu.Launched[1];
        Assert.True(restored.IsAlive);
        Assert.Equal("running", restored.RunState);
        Assert.Equal(["-S", "-incoming", "defer"], restored.Argv.SkipWhile(a => a != "-S").Take(3));
        Assert.Equal(["migrate-set-parameters", "migrate-incoming", "query-migrate", "remove-fd", "query-status", "cont"], restored.CommandNames.Take(6));
        var saved = restored.Argv.SkipWhile(a => a != "-add-fd").Reverse().First();
        Assert.Equal($"file:/dev/fdset/{saved.Split(',')[0]["fd=".Length..]}", restored.Commands.Single(c => c.Command == "migrate-incoming").Argument("uri"));
    }

    [Fact]
    public async Task Stop_presses_the_power_button_and_the_guest_shuts_down()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Stop);

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.Null(vm.Snapshot.StateReason);
        Assert.False(qemu.IsAlive);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        // The guest's own shutdown ended QEMU: nothing was left to quit.
        Assert.Equal(["system_powerdown"], qemu.CommandNames);
        Assert.Equal(0, host.Admission.Count);
    }

    [Fact]
    public async Task Turn_off_quits_QEMU_without_asking_the_guest()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        qemu.GuestPowersOff = false;

        var job = await ServiceHarness.RunAsync(vm, VmOperation.TurnOff);

        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal("turn-off", job.Info.Kind);
        Assert.Equal(VmState.Off, vm.Snapshot.State);
        Assert.Null(vm.Snapshot.StateReason);
        Assert.False(qemu.IsAlive);
        Assert.Equal(["quit"], qemu.CommandNames);
        Assert.False(Directory.Exists(vm.Paths.RuntimeDirectory));
        Assert.Equal(0, host.Admission.Count);
    }
}
