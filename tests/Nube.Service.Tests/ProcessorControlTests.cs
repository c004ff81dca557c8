using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Tests.Harness;
using Xunit.Abstractions;

namespace Nube.Service.Tests;

/// <summary>Processor reserves taken at start and while running (the fake host has 2 logical processors); limits applied live.</summary>
public sealed class ProcessorControlTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_start_whose_reserve_the_host_cannot_meet_is_refused_and_the_VM_stays_off()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var big = await host.CreateVmAsync("big", new VmPatch { ProcessorCount = 2, CpuReserve = 75 });
        var small = await host.CreateVmAsync("small", new VmPatch { CpuReserve = 60 });
        await ServiceHarness.StartVmAsync(big);

        var refused = await ServiceHarness.RunAsync(small, VmOperation.Start);

        Assert.Equal(Contracts.Jobs.JobStates.Failed, refused.Info.State);
        Assert.Equal("cpuReserve: VM 'small' reserves 60 % of 1 virtual processor (60 % of one logical processor); " +
            "the running VMs reserve 150 %, and the host has 2 logical processors (200 %)", refused.Info.Problem?.Detail);
        Assert.Equal(VmState.Off, small.Snapshot.State);
        Assert.Single(host.Qemu.Launched);

        // Once the big one is off, its reserve is the host's again.
        await ServiceHarness.RunAsync(big, VmOperation.TurnOff);
        Assert.Equal(Contracts.Jobs.JobStates.Completed, (await ServiceHarness.RunAsync(small, VmOperation.Start)).Info.State);
    }

    [Fact]
    public async Task A_running_VMs_limit_and_weight_change_at_once_and_a_reserve_past_the_host_changes_nothing()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        await ServiceHarness.StartVmAsync(await host.CreateVmAsync("big", new VmPatch { ProcessorCount = 2, CpuReserve = 75 }));
        var (vm, _) = await host.RunningVmAsync("alpha");

        await vm.ChangeAsync(new VmPatch { CpuLimit = 40, CpuWeight = 250 });
        Assert.Equal((250, 40), (host.Qemu.AppliedLimits[vm.Id].CpuWeight, host.Qemu.AppliedLimits[vm.Id].CpuQuotaPercent));

        var e = await Assert.ThrowsAsync<ValidationException>(() => vm.ChangeAsync(new VmPatch { CpuReserve = 60, CpuLimit = 100, CpuWeight = 9 }));
        Assert.Equal("cpuReserve: VM 'alpha' reserves 60 % of 1 virtual processor (60 % of one logical processor); " +
            "the running VMs reserve 150 %, and the host has 2 logical processors (200 %)", e.Message);
        Assert.Equal((0, 250), (vm.Snapshot.Config!.CpuReserve, vm.Snapshot.Config.CpuWeight));
        Assert.Equal(250, host.Qemu.AppliedLimits[vm.Id].CpuWeight);
    }
}
