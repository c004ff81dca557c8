namespace Nube.Core.Migration;

/// <summary>
/// One host's record of a move it takes part in, written (atomically) before each phase's first
/// effect, so that a host restarting at any point knows its end, its phase and, on the
/// destination, whether it took ownership (<see cref="MigrationRecovery"/>). It is the domain
/// record beside the move's job, not the job.
/// </summary>
public sealed record MigrationRecord
{
    public const int CurrentSchemaVersion = 1;
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required Guid Id { get; init; }
    public required Guid VmId { get; init; }
    public required string VmName { get; init; }
    public required MigrationRole Role { get; init; }
    public required MigrationPhase Phase { get; init; }
    /// <summary>The other host: the peer's name on a source; the source's host id on a destination.</summary>
    public required string Peer { get; init; }
    public bool Live { get; init; } = true;
    /// <summary>Source: the guest ran (rather than paused) when the move began, so a move taken back resumes it.</summary>
    public bool WasRunning { get; init; }
    /// <summary>Destination: the handover is recorded; from here the VM is this host's.</summary>
    public bool Owns { get; init; }
    /// <summary>Destination: the move was given up before the handover, which is then refused.</summary>
    public bool Aborted { get; init; }
    /// <summary>The move is over on this host (handed over, forgotten or undone): kept to answer a late question.</summary>
    public bool Ended { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    /// <summary>A quick move through shared storage: the saved state's file (<see cref="QuickState"/>), deleted once the move ends either way.</summary>
    public string? StateFile { get; init; }
    /// <summary>Source: its checkpoints' memory files copied to the shared storage for the move, deleted once the move ends either way.</summary>
    public System.Collections.Immutable.ImmutableArray<string> SharedFiles { get; init; } = [];
    /// <summary>Source of a shared-nothing move: its disk files, copied to the destination, deleted here once the destination owns the VM.</summary>
    public System.Collections.Immutable.ImmutableArray<string> CopiedDisks { get; init; } = [];
    /// <summary>Destination of a shared-nothing move: the disk files it made for the copy, deleted if the move is given up.</summary>
    public System.Collections.Immutable.ImmutableArray<string> CreatedFiles { get; init; } = [];
    /// <summary>The source's job of the move, when this host runs it.</summary>
    public Guid? JobId { get; init; }

    /// <summary>What a destination answers a source that asks: it owns the VM, or it never will.</summary>
    public PeerAnswer Answer => Owns ? PeerAnswer.Owns : PeerAnswer.Aborted;
}
