using Nube.Core.Hosts;
using Nube.Core.Validation;

namespace Nube.Core.Qemu;

/// <summary>Picks the accelerator from the host's setting and what the probe found.</summary>
public static class AcceleratorResolver
{
    public static Accelerator Resolve(AcceleratorSetting setting, HostFacts facts) => setting switch
    {
        AcceleratorSetting.Tcg => Accelerator.Tcg,
        AcceleratorSetting.Kvm when facts.KvmUsable => Accelerator.Kvm,
        AcceleratorSetting.Kvm => throw new ValidationException([new("accelerator", "kvm",
            "accelerator: 'kvm' was requested but /dev/kvm is not usable on this host " +
            "(it is missing or not accessible, or the CPU shows no vmx or svm flag); set accelerator to 'auto' or 'tcg'")]),
        _ => facts.KvmUsable ? Accelerator.Kvm : Accelerator.Tcg,
    };
}
