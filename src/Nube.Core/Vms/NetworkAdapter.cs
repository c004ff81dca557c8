namespace Nube.Core.Vms;

public enum NetworkAdapterKind
{
    /// <summary>Emulated DEC 21140 (tulip), as Hyper-V's legacy network adapter.</summary>
    Legacy,
    /// <summary>virtio-net.</summary>
    Synthetic,
}

public sealed record NetworkAdapter
{
    public NetworkAdapterKind Kind { get; init; } = NetworkAdapterKind.Synthetic;
    /// <summary>Unicast MAC, "52:54:00:xx:xx:xx" style; null lets the host assign one at creation.</summary>
    public string? MacAddress { get; init; }
    /// <summary>
    /// What the adapter is plugged into: null for unconnected, <see cref="UserMode"/> for
    /// QEMU's user-mode NAT. Virtual switches come later.
    /// </summary>
    public string? Switch { get; init; }

    public const string UserMode = "user";
}
