using Nube.Core.Migration;

namespace Nube.Core.Tests.Migration;

public sealed class MigrationRecoveryTests
{
    [Fact]
    public void The_phases_alternate_between_the_hosts_and_what_fails_before_the_handover_is_undone_newest_first()
    {
        Assert.Equal([MigrationRole.Source, MigrationRole.Destination, MigrationRole.Source, MigrationRole.Destination, MigrationRole.Source],
            MigrationPhases.Steps.Select(s => s.Role));
        Assert.Equal(Enum.GetValues<MigrationPhase>(), MigrationPhases.Steps.Select(s => s.Phase));
        Assert.Empty(MigrationPhases.UndoFrom(MigrationPhase.Begin));
        Assert.Equal([MigrationUndo.DeleteIncomingVm], MigrationPhases.UndoFrom(MigrationPhase.Prepare).Select(s => s.Undo));
        Assert.Equal([MigrationUndo.CancelAndResume, MigrationUndo.DeleteIncomingVm], MigrationPhases.UndoFrom(MigrationPhase.Perform).Select(s => s.Undo));
        Assert.Equal([MigrationUndo.CancelAndResume, MigrationUndo.DeleteIncomingVm], MigrationPhases.UndoFrom(MigrationPhase.Finish).Select(s => s.Undo));
        Assert.Throws<InvalidOperationException>(() => MigrationPhases.UndoFrom(MigrationPhase.Confirm));
    }

    /// <summary>
    /// Each point at which either host may restart (or both), as the two hosts find themselves:
    /// the source's phase and QEMU, whether the destination recorded ownership and its QEMU.
    /// </summary>
    public static TheoryData<string, MigrationPhase, LocalQemu, bool, LocalQemu, MigrationResolution, MigrationResolution> Points => new()
    {
        { "checked, nothing made", MigrationPhase.Begin, LocalQemu.Running, false, LocalQemu.Gone, MigrationResolution.KeepHere, MigrationResolution.DeleteIncoming },
        { "destination waiting", MigrationPhase.Begin, LocalQemu.Running, false, LocalQemu.Receiving, MigrationResolution.KeepHere, MigrationResolution.DeleteIncoming },
        { "memory on its way", MigrationPhase.Perform, LocalQemu.Sending, false, LocalQemu.Receiving, MigrationResolution.KeepHere, MigrationResolution.DeleteIncoming },
        { "stream in, not handed over", MigrationPhase.Perform, LocalQemu.Sent, false, LocalQemu.Received, MigrationResolution.ResumeHere, MigrationResolution.DeleteIncoming },
        { "handed over, not resumed", MigrationPhase.Perform, LocalQemu.Sent, true, LocalQemu.Received, MigrationResolution.ForgetHere, MigrationResolution.OwnHere },
        { "handed over and resumed", MigrationPhase.Perform, LocalQemu.Sent, true, LocalQemu.Running, MigrationResolution.ForgetHere, MigrationResolution.OwnHere },
        { "source's copy ending", MigrationPhase.Confirm, LocalQemu.Sent, true, LocalQemu.Running, MigrationResolution.ForgetHere, MigrationResolution.OwnHere },
        { "source's copy ended", MigrationPhase.Confirm, LocalQemu.Gone, true, LocalQemu.Running, MigrationResolution.ForgetHere, MigrationResolution.OwnHere },
        { "source's QEMU died mid-stream", MigrationPhase.Perform, LocalQemu.Gone, false, LocalQemu.Receiving, MigrationResolution.KeepHere, MigrationResolution.DeleteIncoming },
        { "destination's QEMU died after the handover", MigrationPhase.Perform, LocalQemu.Sent, true, LocalQemu.Gone, MigrationResolution.ForgetHere, MigrationResolution.OwnHere },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void At_every_point_exactly_one_host_owns_the_VM_and_never_both_run_it(string point, MigrationPhase sourcePhase, LocalQemu sourceQemu,
        bool destinationOwns, LocalQemu destinationQemu, MigrationResolution source, MigrationResolution destination)
    {
        var destinationPhase = destinationOwns ? MigrationPhase.Finish : MigrationPhase.Prepare;
        var atDestination = MigrationRecovery.Resolve(MigrationRole.Destination, destinationPhase, destinationOwns, destinationQemu, PeerAnswer.Unreachable);
        // Asked, the destination answers what its own resolution makes true.
        var answer = atDestination == MigrationResolution.OwnHere ? PeerAnswer.Owns : PeerAnswer.Aborted;
        var atSource = MigrationRecovery.Resolve(MigrationRole.Source, sourcePhase, false, sourceQemu, answer);

        Assert.Equal((source, destination), (atSource, atDestination));
        var sourceOwns = atSource is MigrationResolution.KeepHere or MigrationResolution.ResumeHere;
        Assert.True(sourceOwns != (atDestination == MigrationResolution.OwnHere), $"{point}: source {atSource}, destination {atDestination}");
    }

    [Fact]
    public void A_source_that_cannot_ask_keeps_a_paused_VM_paused_and_keeps_a_running_one()
    {
        // The whole stream went and the destination cannot say whether it took the VM: resuming here could run it twice.
        Assert.Equal(MigrationResolution.WaitForPeer, MigrationRecovery.Resolve(MigrationRole.Source, MigrationPhase.Perform, false, LocalQemu.Sent, PeerAnswer.Unreachable));
        Assert.Equal(MigrationResolution.WaitForPeer, MigrationRecovery.Resolve(MigrationRole.Source, MigrationPhase.Perform, false, LocalQemu.Gone, PeerAnswer.Unreachable));
        // The stream did not complete: the destination cannot have the VM, whatever the link does.
        Assert.Equal(MigrationResolution.KeepHere, MigrationRecovery.Resolve(MigrationRole.Source, MigrationPhase.Perform, false, LocalQemu.Sending, PeerAnswer.Unreachable));
        Assert.Equal(MigrationResolution.KeepHere, MigrationRecovery.Resolve(MigrationRole.Source, MigrationPhase.Begin, false, LocalQemu.Running, PeerAnswer.Unreachable));
    }
}
