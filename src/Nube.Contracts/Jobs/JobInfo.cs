using Nube.Contracts.Vms;

namespace Nube.Contracts.Jobs;

/// <summary>
/// A long operation on a VM (start, stop, save, ...) as the host service tracks it: it outlives
/// the request that started it and ends only by finishing, failing or an explicit cancel.
/// </summary>
public sealed record JobInfo
{
    public required Guid Id { get; init; }
    /// <summary>start, stop, turn-off, pause, resume, save.</summary>
    public required string Kind { get; init; }
    public required Guid VmId { get; init; }
    public required string VmName { get; init; }
    /// <summary>The host that runs the job; null in records older than this field.</summary>
    public Guid? HostId { get; init; }
    /// <summary>
    /// Who asked for it: "root (socket)", a user's name, "token NAME of USER", or "nubed" for the
    /// host's own actions (automatic start, restart after a crash); null in records older than this field.
    /// </summary>
    public string? RequestedBy { get; init; }
    /// <summary>queued, running, completed, failed, cancelled.</summary>
    public required string State { get; init; }
    /// <summary>0 to 100 when the job can tell; null otherwise.</summary>
    public int? Percent { get; init; }
    /// <summary>What the job is doing now, e.g. "restoring memory".</summary>
    public string? Phase { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>Someone asked to cancel it; it ends cancelled once it reaches a safe state.</summary>
    public bool CancelRequested { get; init; }
    /// <summary>Why it failed or was cancelled.</summary>
    public ApiProblem? Problem { get; init; }
    /// <summary>
    /// How a completed job ended, in one line, when there is more to say than that it did (e.g. "The
    /// guest shut down through its agent.").
    /// </summary>
    public string? Result { get; init; }
    /// <summary>The VM as the job left it, once it has ended.</summary>
    public VmSummary? Vm { get; init; }
}
