using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Lifecycle;

/// <summary>
/// What may be asked of a VM in each state, as words the API and the console use: the lifecycle
/// table's operations (<see cref="VmLifecycle"/>), removal, and the checkpoint operations. The
/// host refuses by these same rules, so that what the console offers is what the host accepts.
/// </summary>
public static class VmActions
{
    public const string Remove = "remove";
    public const string NewCheckpoint = "new-checkpoint";
    public const string ApplyCheckpoint = "apply-checkpoint";
    /// <summary>Moving to a peer host (live or quick), or moving the disks on this host: a running or paused VM.</summary>
    public const string Move = "move";
    public const string RemoveCheckpoint = "remove-checkpoint";

    /// <summary>Hyper-V's rule: applying a checkpoint discards the current state, so nothing may run.</summary>
    public static ImmutableArray<VmState> ApplyCheckpointFrom { get; } = [VmState.Off, VmState.Saved];

    /// <summary>Taking or merging a checkpoint needs a settled state, never a transition.</summary>
    public static ImmutableArray<VmState> CheckpointFrom { get; } = [VmState.Running, VmState.Paused, VmState.Off, VmState.Saved];

    /// <summary>A lifecycle operation's word: its API path segment and its job's kind ("turn-off").</summary>
    public static string Word(VmOperation op) => VmLifecycle.Verb(op).Replace(' ', '-');

    /// <summary>
    /// The actions allowed in <paramref name="state"/>, lifecycle operations first (in <see cref="VmOperation"/> order);
    /// a broken VM (its settings unreadable) may only be removed.
    /// </summary>
    public static IReadOnlyList<string> Allowed(VmState state, bool broken = false)
    {
        if (broken)
            return [Remove];
        var actions = Enum.GetValues<VmOperation>().Where(op => VmLifecycle.AllowedFrom(op).Contains(state)).Select(Word).ToList();
        if (VmLifecycle.IsIdle(state))
            actions.Add(Remove);
        if (CheckpointFrom.Contains(state))
            actions.AddRange([NewCheckpoint, RemoveCheckpoint]);
        if (ApplyCheckpointFrom.Contains(state))
            actions.Add(ApplyCheckpoint);
        if (state is VmState.Running or VmState.Paused)
            actions.Add(Move);
        return actions;
    }
}
