using Nube.Core.Hosts;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Vms;

public sealed class ResourceLimitsTests
{
    [Fact]
    public void The_memory_limit_is_the_VMs_memory_and_QEMUs_stated_overhead()
    {
        var vm = TestVms.KernelBoot() with { MemoryStartupMiB = 1024 };
        // 1024 MiB + 256 MiB + 1024/16 MiB, and under TCG 1 GiB more for the translation cache.
        Assert.Equal(new ResourceLimits((1024L + 256 + 64) << 20, 512), ResourceLimits.For(vm, Accelerator.Kvm));
        Assert.Equal(new ResourceLimits((1024L + 256 + 64 + 1024) << 20, 512), ResourceLimits.For(vm, Accelerator.Tcg));
    }
}
