namespace Nube.Contracts.Vms;

public sealed record GuestAgentStatus
{
    public required bool Responding { get; init; }
    public string? Version { get; init; }
    /// <summary>Why it did not answer.</summary>
    public string? Error { get; init; }
}
