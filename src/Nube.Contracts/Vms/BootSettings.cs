namespace Nube.Contracts.Vms;

public sealed record BootSettings
{
    /// <summary>kernel or disk.</summary>
    public string? Kind { get; init; }
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? CommandLine { get; init; }
    /// <summary>The disk to boot, as ide0:0 or scsi0:1; absent means the generation's boot disk.</summary>
    public string? Disk { get; init; }
}
