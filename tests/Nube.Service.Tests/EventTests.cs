using Nube.Contracts.Events;
using Nube.Contracts.Jobs;
using Nube.Core.Vms;
using Nube.Service.Tests.Harness;

namespace Nube.Service.Tests;

/// <summary>What a watcher of the event stream sees of a VM's operations.</summary>
public sealed class EventTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_start_publishes_its_job_and_the_state_changes_in_order()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var vm = await host.CreateVmAsync("alpha");

        var job = await ServiceHarness.RunAsync(vm, VmOperation.Start);
        await host.Recorded.WaitForAsync(vm.Id, HostEventTypes.JobEnded, 1);

        var seen = host.Recorded.For(vm.Id).Select(e => (e.Type, e.State, e.PreviousState, JobState: e.Job?.State)).ToList();
        Assert.Equal(
        [
            (HostEventTypes.VmCreated, "off", null, null),
            (HostEventTypes.JobCreated, null, null, JobStates.Queued),
            (HostEventTypes.VmStateChanged, "starting", "off", null),
            (HostEventTypes.VmStateChanged, "running", "starting", null),
            (HostEventTypes.JobEnded, null, null, JobStates.Completed),
        ], seen);
        var sequences = host.Recorded.For(vm.Id).Select(e => e.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.All(host.Recorded.For(vm.Id).Where(e => e.Job is not null), e => Assert.Equal(job.Id, e.Job!.Id));
        Assert.All(host.Recorded.For(vm.Id), e => Assert.Equal("alpha", e.VmName));
        // Each event, and the job, names the host: VMs move between hosts.
        Assert.All(host.Recorded.For(vm.Id), e => Assert.Equal(ServiceHarness.HostId, e.HostId));
        Assert.Equal(ServiceHarness.HostId, job.Info.HostId);
    }
}
