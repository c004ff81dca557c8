namespace Nube.Contracts.Hosts;

public sealed record HostSettings
{
    public string? Edition { get; init; }
    public string? Accelerator { get; init; }
    public int? StopTimeoutSeconds { get; init; }
}
