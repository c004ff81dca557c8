using Nube.Core.Validation;
using Nube.Core.Vms;
using EditionCatalogue = Nube.Core.Editions.Editions;

namespace Nube.Core.Tests.Validation;

/// <summary>Hyper-V's processor controls: reserve 0-100 %, limit 1-100 % and not below the reserve, weight 1-10000.</summary>
public sealed class ProcessorControlRulesTests
{
    private static IEnumerable<string> Messages(VmConfig vm) =>
        VmValidator.Validate(DeviceIds.FromPositions(vm), EditionCatalogue.Nube, [], []).Select(e => e.Message);

    [Fact]
    public void The_defaults_and_the_ends_of_each_range_are_accepted()
    {
        Assert.Empty(Messages(TestVms.KernelBoot()));
        Assert.Empty(Messages(TestVms.KernelBoot() with { CpuReserve = 100, CpuLimit = 100, CpuWeight = 10000 }));
        Assert.Empty(Messages(TestVms.KernelBoot() with { CpuReserve = 0, CpuLimit = 1, CpuWeight = 1 }));
    }

    [Fact]
    public void Every_value_out_of_range_is_named_with_its_range()
    {
        Assert.Equal([
            "cpuReserve: 101 is outside the range 0 to 100 %",
            "cpuLimit: 0 is outside the range 1 to 100 %",
            "cpuWeight: 10001 is outside the range 1 to 10000",
        ], Messages(TestVms.KernelBoot() with { CpuReserve = 101, CpuLimit = 0, CpuWeight = 10001 }));
        Assert.Equal(["cpuWeight: 0 is outside the range 1 to 10000"], Messages(TestVms.KernelBoot() with { CpuWeight = 0 }));
    }

    [Fact]
    public void A_limit_below_the_reserve_is_refused()
    {
        Assert.Equal(["cpuLimit: 20 % is below the VM's reserve of 50 %; a limit is at least the reserve"],
            Messages(TestVms.KernelBoot() with { CpuReserve = 50, CpuLimit = 20 }));
    }

    [Fact]
    public void The_controls_may_change_while_the_VM_runs_and_become_its_cgroups_limits()
    {
        var before = TestVms.KernelBoot() with { ProcessorCount = 2 };
        var after = before with { CpuReserve = 10, CpuLimit = 50, CpuWeight = 300 };
        Assert.Empty(LiveChanges.Check(VmConfigDiff.Compute(before, after), VmState.Running));
        var limits = ResourceLimits.For(after, Core.Hosts.Accelerator.Kvm);
        // 50 % of 2 virtual processors is one host processor's worth.
        Assert.Equal((300, 100), (limits.CpuWeight, limits.CpuQuotaPercent));
        Assert.Null(ResourceLimits.For(before, Core.Hosts.Accelerator.Kvm).CpuQuotaPercent);
    }
}
