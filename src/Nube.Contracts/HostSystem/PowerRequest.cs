namespace Nube.Contracts.HostSystem;

/// <summary>Restart or shut down the host, once every running VM's automatic stop action has been applied.</summary>
public sealed record PowerRequest
{
    /// <summary>One of <see cref="PowerActions"/>.</summary>
    public required string Action { get; init; }
}
