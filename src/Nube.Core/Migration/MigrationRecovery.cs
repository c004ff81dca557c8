namespace Nube.Core.Migration;

/// <summary>What a host finds of its own QEMU for the VM when it restarts during a move.</summary>
public enum LocalQemu
{
    /// <summary>No QEMU runs for the VM here.</summary>
    Gone,
    /// <summary>It runs the guest (a source whose stream never started or was cancelled).</summary>
    Running,
    /// <summary>Source: the stream is under way.</summary>
    Sending,
    /// <summary>Source: the stream completed and the guest is paused here (QEMU's <c>postmigrate</c>).</summary>
    Sent,
    /// <summary>Destination: waiting for, or taking in, the stream (<c>inmigrate</c>).</summary>
    Receiving,
    /// <summary>Destination: the stream is in, the guest paused, not yet resumed.</summary>
    Received,
}

/// <summary>What the other host answers about the move, when asked at a restart.</summary>
public enum PeerAnswer
{
    /// <summary>It could not be asked (down, or the link between the hosts is cut).</summary>
    Unreachable,
    /// <summary>Destination: it has taken ownership of the VM.</summary>
    Owns,
    /// <summary>
    /// It has not taken ownership, and now never will: a destination asked this marks the move
    /// aborted in the same step, so that a handover request still on its way is refused.
    /// </summary>
    Aborted,
}

/// <summary>What a restarted host does about a move it was part of.</summary>
public enum MigrationResolution
{
    /// <summary>The VM runs here as before; the move is over (and the peer is told to delete what it made).</summary>
    KeepHere,
    /// <summary>The VM was paused at the switch-over and the destination never took it: resume it here.</summary>
    ResumeHere,
    /// <summary>The destination owns the VM: end the copy here, if any, and forget the VM.</summary>
    ForgetHere,
    /// <summary>This host owns the VM: resume the received guest if it is paused; the move is done.</summary>
    OwnHere,
    /// <summary>Destination, before taking ownership: end the incoming QEMU and delete the VM made for it.</summary>
    DeleteIncoming,
    /// <summary>Nothing can be decided without the other host: keep the VM paused (never running twice) and ask again.</summary>
    WaitForPeer,
}

/// <summary>
/// Who owns a VM after either host restarts at any point of a move: exactly one host, and never
/// both running it. The handover is one step, on the destination: it records that it owns the
/// VM (<see cref="MigrationPhase.Finish"/>) before it resumes the guest, and only while the move
/// is not aborted. A source asks the destination, which answers <see cref="PeerAnswer.Owns"/> or
/// marks the move aborted and answers <see cref="PeerAnswer.Aborted"/>, atomically. Pure: tested;
/// the move's orchestration applies it.
/// </summary>
public static class MigrationRecovery
{
    /// <param name="role">This host's end of the move.</param>
    /// <param name="phase">The last phase this host recorded.</param>
    /// <param name="owns">Destination: whether it recorded taking ownership (the handover).</param>
    /// <param name="local">What this host's QEMU for the VM is doing now.</param>
    /// <param name="peer">What the other host answered; a destination that owns the VM does not need to ask.</param>
    public static MigrationResolution Resolve(MigrationRole role, MigrationPhase phase, bool owns, LocalQemu local, PeerAnswer peer)
    {
        if (role == MigrationRole.Destination)
            // Ownership recorded is ownership: the source learns it when it asks. Not recorded, the
            // stream is taken back: the source still has the VM, running or paused.
            return owns ? MigrationResolution.OwnHere : MigrationResolution.DeleteIncoming;
        if (phase == MigrationPhase.Confirm)
            return MigrationResolution.ForgetHere;
        return local switch
        {
            // Nothing left the host, or the stream is cut by this host (migrate_cancel) and QEMU runs on.
            LocalQemu.Running or LocalQemu.Sending => MigrationResolution.KeepHere,
            // Paused after the whole stream went: only the destination can say whether it took the VM.
            LocalQemu.Sent => peer switch
            {
                PeerAnswer.Owns => MigrationResolution.ForgetHere,
                PeerAnswer.Aborted => MigrationResolution.ResumeHere,
                _ => MigrationResolution.WaitForPeer,
            },
            // The source's QEMU died during the move: the VM is the destination's if it took it, else off here.
            _ => peer switch
            {
                PeerAnswer.Owns => MigrationResolution.ForgetHere,
                PeerAnswer.Aborted => MigrationResolution.KeepHere,
                _ => MigrationResolution.WaitForPeer,
            },
        };
    }
}
