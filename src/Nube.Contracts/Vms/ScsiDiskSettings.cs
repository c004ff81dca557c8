namespace Nube.Contracts.Vms;

public sealed record ScsiDiskSettings
{
    public int Location { get; init; }
    public required string Path { get; init; }
    public string? Format { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary>writeback (the default) or direct.</summary>
    public string? Cache { get; init; }
}
