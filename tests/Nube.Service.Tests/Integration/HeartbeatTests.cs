using Nube.Contracts.Events;
using Nube.Core.Integration;
using Nube.Core.Vms;
using Nube.Service.Api;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms.Integration;
using static Nube.Service.Tests.Harness.AgentVms;

namespace Nube.Service.Tests;

/// <summary>The heartbeat: a ping each interval beside the VM's loop, with Hyper-V's statuses.</summary>
public sealed class HeartbeatTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task The_heartbeat_reads_no_contact_until_the_agent_answers_then_ok_then_lost_then_ok_again()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha", Fast);

        await host.AdvanceUntilAsync(() => vm.Snapshot.Integration.ContainsKey(IntegrationService.Heartbeat), "a heartbeat fails", Second);
        Assert.Equal(IntegrationStatus.NoContact, Status(vm, IntegrationService.Heartbeat));
        Assert.Equal("no-contact", ContractMapper.ToSummary(vm.Snapshot).Heartbeat);
        Assert.Equal("guest agent command 'guest-sync-delimited' got no reply within 1 s", IntegrationView.Of(vm.Snapshot, IntegrationService.Heartbeat).Error);

        qemu.StartAgent();
        await host.AdvanceUntilAsync(() => Status(vm, IntegrationService.Heartbeat) == IntegrationStatus.Ok, "the heartbeat answers", Second);
        var lastGood = vm.Snapshot.Integration[IntegrationService.Heartbeat].LastGoodAnswer;
        Assert.NotNull(lastGood);
        // Every service speaks through the one agent: those with nothing to ask yet read as it does.
        Assert.Equal(IntegrationStatus.Ok, Status(vm, IntegrationService.Shutdown));
        Assert.Equal(IntegrationStatus.Disabled, Status(vm, IntegrationService.GuestServices));

        qemu.Guest.StopAgent();
        await host.AdvanceUntilAsync(() => Status(vm, IntegrationService.Heartbeat) == IntegrationStatus.LostCommunication,
            "the heartbeat is lost", Second);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
        Assert.Equal("lost-communication", ContractMapper.ToSummary(vm.Snapshot).Heartbeat);
        Assert.Equal(IntegrationStatus.LostCommunication, Status(vm, IntegrationService.Shutdown));
        Assert.Equal(IntegrationStatus.LostCommunication, Status(vm, IntegrationService.Backup));

        qemu.StartAgent();
        await host.AdvanceUntilAsync(() => Status(vm, IntegrationService.Heartbeat) == IntegrationStatus.Ok, "the heartbeat answers again", Second);
        Assert.True(vm.Snapshot.Integration[IntegrationService.Heartbeat].LastGoodAnswer > lastGood);

        var changes = (await host.Recorded.WaitForAsync(vm.Id, HostEventTypes.VmIntegrationChanged, 4))
            .Where(e => e.Integration!.Service == "heartbeat").Select(e => e.Integration!.Status).ToList();
        Assert.Equal(["no-contact", "ok", "lost-communication", "ok"], changes);
    }

    [Fact]
    public async Task A_heartbeat_that_waits_for_a_channel_another_request_holds_is_not_lost_while_the_agent_answers_that_request()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        var release = new TaskCompletionSource();
        var before = qemu.AgentCommands.Count(c => c == "guest-ping");
        var holder = vm.Session!.Agent.UseAsync(async (agent, t) =>
        {
            await agent.PingAsync(t);
            await release.Task;
            return true;
        }, TimeSpan.FromSeconds(5), CancellationToken.None);
        await Eventually.UntilAsync(() => qemu.AgentCommands.Count(c => c == "guest-ping") > before, "the holder's ping is answered");

        // Within interval + timeout of the holder's last answer: the heartbeat stands.
        host.Clock.Advance(Second);
        await Task.Delay(100);
        host.Clock.Advance(Second);
        await Task.Delay(100);
        Assert.Equal(IntegrationStatus.Ok, Status(vm, IntegrationService.Heartbeat));

        // The holder hears nothing for longer than that: the agent no longer shows it is there.
        await host.AdvanceUntilAsync(() => Status(vm, IntegrationService.Heartbeat) == IntegrationStatus.LostCommunication,
            "the heartbeat is lost", Second);
        Assert.Equal("another request holds the guest agent's channel, and the agent has not answered it for over 2 s",
            IntegrationView.Of(vm.Snapshot, IntegrationService.Heartbeat).Error);

        release.SetResult();
        await holder.Within("the holder to finish");
        await host.AdvanceUntilAsync(() => Status(vm, IntegrationService.Heartbeat) == IntegrationStatus.Ok, "the heartbeat answers again", Second);
    }

    [Fact]
    public async Task A_paused_VM_is_not_pinged_and_its_heartbeat_is_not_lost()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");
        await ServiceHarness.RunAsync(vm, VmOperation.Pause);
        qemu.Guest.StopAgent(); // a paused guest answers nothing
        var pings = qemu.AgentCommands.Count(c => c == "guest-ping");

        for (var i = 0; i < 10; i++)
        {
            host.Clock.Advance(Second);
            await Task.Delay(20);
        }

        Assert.Equal(pings, qemu.AgentCommands.Count(c => c == "guest-ping"));
        Assert.Equal(IntegrationStatus.Ok, Status(vm, IntegrationService.Heartbeat));
        Assert.Equal("ok", ContractMapper.ToSummary(vm.Snapshot).Heartbeat);
    }

    [Fact]
    public async Task Disabling_the_heartbeat_while_the_VM_runs_stops_the_pings_and_it_reads_disabled()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");

        await vm.ChangeAsync(new SwitchIntegrationService(IntegrationService.Heartbeat, false))
            .Within("the change");
        await Task.Delay(100); // a turn under way when the change came
        var pings = qemu.AgentCommands.Count(c => c == "guest-ping");
        for (var i = 0; i < 5; i++)
        {
            host.Clock.Advance(Second);
            await Task.Delay(20);
        }

        Assert.Equal(pings, qemu.AgentCommands.Count(c => c == "guest-ping"));
        Assert.Equal(IntegrationStatus.Disabled, Status(vm, IntegrationService.Heartbeat));
        Assert.Equal("disabled", ContractMapper.ToSummary(vm.Snapshot).Heartbeat);
        await Eventually.UntilAsync(() => host.Recorded.For(vm.Id).Any(e => e.Integration is { Service: "heartbeat", Status: "disabled", Enabled: false }),
            "the event says the heartbeat is disabled");
    }

    [Fact]
    public async Task A_stopped_VM_forgets_its_services_and_its_heartbeat_reads_nothing()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningWithAgentAsync("alpha");

        await ServiceHarness.RunAsync(vm, VmOperation.TurnOff);
        var pings = qemu.AgentCommands.Count;
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(100);

        Assert.Empty(vm.Snapshot.Integration);
        Assert.Null(vm.Snapshot.TimeSync);
        Assert.Null(ContractMapper.ToSummary(vm.Snapshot).Heartbeat);
        Assert.Equal(IntegrationStatus.NoContact, Status(vm, IntegrationService.Heartbeat));
        Assert.Equal(pings, qemu.AgentCommands.Count);
    }
}
