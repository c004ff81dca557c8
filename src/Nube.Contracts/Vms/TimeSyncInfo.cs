namespace Nube.Contracts.Vms;

/// <summary>The last setting of a guest's clock from the host's (time synchronization).</summary>
public sealed record TimeSyncInfo
{
    public required DateTimeOffset LastSync { get; init; }
    /// <summary>How far the guest's clock was from the host's just before it was set: positive when it ran ahead.</summary>
    public required double DriftMilliseconds { get; init; }
}
