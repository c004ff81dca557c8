namespace Nube.Contracts.Audit;

/// <summary>
/// One state-changing request to the API as the host service recorded it in its audit file: who
/// sent it, how they proved it, from where, what it asked and how it ended. Bodies are never
/// recorded (a sign-in's carries a password, a new token's answer its secret): the route says what.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>When the answer ended (UTC): a WebSocket's when it closed. <see cref="DurationMs"/> before it, the request came.</summary>
    public required DateTimeOffset Time { get; init; }
    /// <summary>"root (socket)", a user's name, "token NAME (ID) of USER", "legacy token", or "nobody" when no credential passed.</summary>
    public required string Who { get; init; }
    /// <summary>The user acted as ("root" on the socket; the name tried, for a sign-in); null for the legacy token and nobody.</summary>
    public string? User { get; init; }
    /// <summary>How the caller proved it: the words of <see cref="AuditAuth"/>.</summary>
    public required string Auth { get; init; }
    /// <summary>The client's address, or "socket" for the UNIX socket.</summary>
    public required string From { get; init; }
    public required string Method { get; init; }
    /// <summary>The route's template, e.g. <c>/api/v1/vms/{vm}/start</c>; the path when no route matched.</summary>
    public required string Route { get; init; }
    /// <summary>The concrete path, e.g. <c>/api/v1/vms/web1/start</c>.</summary>
    public required string Path { get; init; }
    /// <summary>The VM the route names: its name when it was found, else the name or id as given.</summary>
    public string? Vm { get; init; }
    /// <summary>The id of the VM the route names, when it was found.</summary>
    public Guid? VmId { get; init; }
    /// <summary>The HTTP status of the answer (101 for a console or VNC WebSocket).</summary>
    public required int Status { get; init; }
    /// <summary>The job the request started, if it started one.</summary>
    public Guid? JobId { get; init; }
    /// <summary>Why it was refused or failed: the problem's title.</summary>
    public string? Problem { get; init; }
    /// <summary>From arrival to the end of the answer (for a WebSocket: to its close), in milliseconds.</summary>
    public required double DurationMs { get; init; }
}
