namespace Nube.Contracts.Vms;

public sealed record BootSettings
{
    /// <summary>kernel or disk.</summary>
    public string? Kind { get; init; }
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? CommandLine { get; init; }
}
