namespace Nube.Contracts.Vms;

/// <summary>One device of a VM, as <c>vm show</c> lists it.</summary>
public sealed record VmDeviceInfo
{
    /// <summary>Where it is, e.g. "IDE 0:0", "SCSI 0:1", "Network adapter nic0 (legacy)".</summary>
    public required string Name { get; init; }
    /// <summary>emulated or synthetic.</summary>
    public required string Kind { get; init; }
    /// <summary>e.g. "PIIX IDE (ide-hd)", "virtio-scsi", "DEC 21140 (tulip)".</summary>
    public required string Model { get; init; }
    /// <summary>What it holds or where it is connected.</summary>
    public string? Detail { get; init; }
    /// <summary>
    /// A network adapter's IP addresses with their prefix, as the guest reports them through data
    /// exchange (its agent) while it runs; null when the guest was not asked or did not answer.
    /// </summary>
    public IReadOnlyList<string>? Addresses { get; init; }
}
