namespace Nube.Core.Migration;

/// <summary>Which end of a move a host is.</summary>
public enum MigrationRole
{
    Source,
    Destination,
}

/// <summary>
/// The phases of moving a VM between hosts, in order, after libvirt's migration protocol
/// (Begin, Prepare, Perform, Finish, Confirm). Each host keeps the phase it reached in the
/// move's record, written before the phase's first effect, so that a host restarting at any
/// point knows what it may have done (<see cref="MigrationRecovery"/>).
/// </summary>
public enum MigrationPhase
{
    /// <summary>Source: the VM and the destination are checked; nothing has changed anywhere.</summary>
    Begin,
    /// <summary>Destination: the VM is made there, stopped, and its QEMU waits for the stream (<c>-incoming defer</c>).</summary>
    Prepare,
    /// <summary>Source: the memory is copied; when the stream completes, the source's VM is paused.</summary>
    Perform,
    /// <summary>Destination: the stream is in; ownership is taken (the one handover step), then the guest resumes there.</summary>
    Finish,
    /// <summary>Source: the destination owns the VM; the source's paused copy ends and the VM is forgotten here.</summary>
    Confirm,
}

/// <summary>What a host does to take a phase back, when the move fails before the handover.</summary>
public enum MigrationUndo
{
    /// <summary>Nothing was changed.</summary>
    Nothing,
    /// <summary>Destination: its incoming QEMU ends and the VM made for it is deleted; the VM's disks are the source's and stay.</summary>
    DeleteIncomingVm,
    /// <summary>Source: the stream is cancelled (<c>migrate_cancel</c>); a VM paused at the switch-over resumes (<c>cont</c>).</summary>
    CancelAndResume,
    /// <summary>After the handover there is no way back: the destination owns the VM.</summary>
    None,
}

/// <summary>One phase: which host runs it, what it does and what takes it back.</summary>
public sealed record MigrationStep(MigrationPhase Phase, MigrationRole Role, string Does, MigrationUndo Undo);

public static class MigrationPhases
{
    public static IReadOnlyList<MigrationStep> Steps { get; } =
    [
        new(MigrationPhase.Begin, MigrationRole.Source, "check that the VM can move and that the destination can take it", MigrationUndo.Nothing),
        new(MigrationPhase.Prepare, MigrationRole.Destination, "make the VM, stopped, with its QEMU waiting for the stream", MigrationUndo.DeleteIncomingVm),
        new(MigrationPhase.Perform, MigrationRole.Source, "copy the memory; the VM pauses here when the stream completes", MigrationUndo.CancelAndResume),
        new(MigrationPhase.Finish, MigrationRole.Destination, "take ownership, then resume the guest", MigrationUndo.None),
        new(MigrationPhase.Confirm, MigrationRole.Source, "end the paused copy and forget the VM here", MigrationUndo.None),
    ];

    public static MigrationStep Of(MigrationPhase phase) => Steps[(int)phase];

    /// <summary>
    /// What each host undoes, newest first, when a move fails during <paramref name="failed"/>
    /// (before the handover): the phases reached, the failed one included, that changed something.
    /// </summary>
    /// <exception cref="InvalidOperationException">The move failed after the handover: it is done, not undone.</exception>
    public static IReadOnlyList<MigrationStep> UndoFrom(MigrationPhase failed)
    {
        if (failed > MigrationPhase.Finish)
            throw new InvalidOperationException($"A move that reached {failed} has handed the VM over: it is finished, not undone.");
        return [.. Steps.Take((int)failed + 1).Where(s => s.Undo is not (MigrationUndo.Nothing or MigrationUndo.None)).Reverse()];
    }
}
