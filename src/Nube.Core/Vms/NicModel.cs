using System.Text.Json.Serialization;

namespace Nube.Core.Vms;

/// <summary>The device a network adapter shows the guest.</summary>
public enum NicModel
{
    /// <summary>DEC 21140 (QEMU tulip): Hyper-V's legacy network adapter; the default legacy model.</summary>
    Tulip,
    /// <summary>Intel 82540EM (QEMU e1000): a legacy model with drivers in more old guests.</summary>
    E1000,
    /// <summary>virtio-net: the synthetic adapter's only model.</summary>
    [JsonStringEnumMemberName("virtio-net")]
    VirtioNet,
}
