using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Validation;

namespace Nube.Core.Tests.Qemu;

public class AcceleratorResolverTests
{
    private static HostFacts Facts(bool kvmUsable) => new()
    {
        LogicalProcessors = 2,
        MemoryBytes = 8L << 30,
        KvmUsable = kvmUsable,
        QemuVersion = new Version(10, 0, 2),
    };

    [Theory]
    [InlineData(AcceleratorSetting.Auto, true, Accelerator.Kvm)]
    [InlineData(AcceleratorSetting.Auto, false, Accelerator.Tcg)]
    [InlineData(AcceleratorSetting.Kvm, true, Accelerator.Kvm)]
    [InlineData(AcceleratorSetting.Tcg, true, Accelerator.Tcg)]
    [InlineData(AcceleratorSetting.Tcg, false, Accelerator.Tcg)]
    public void Resolves_the_setting_against_the_host(AcceleratorSetting setting, bool kvmUsable, Accelerator expected)
    {
        Assert.Equal(expected, AcceleratorResolver.Resolve(setting, Facts(kvmUsable)));
    }

    [Fact]
    public void Kvm_on_a_host_without_usable_kvm_is_an_error()
    {
        var e = Assert.Throws<ValidationException>(() => AcceleratorResolver.Resolve(AcceleratorSetting.Kvm, Facts(kvmUsable: false)));
        Assert.Equal("accelerator: 'kvm' was requested but /dev/kvm is not usable on this host " +
            "(it is missing or not accessible, or the CPU shows no vmx or svm flag); set accelerator to 'auto' or 'tcg'", e.Message);
        Assert.Equal("accelerator", Assert.Single(e.Errors).Field);
    }
}
