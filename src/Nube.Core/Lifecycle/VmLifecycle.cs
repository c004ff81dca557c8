using System.Collections.Immutable;
using Nube.Core.Serialization;
using Nube.Core.Vms;

namespace Nube.Core.Lifecycle;

/// <summary>
/// The VM state machine as one table: each row is an operation allowed from one state.
/// Anything not in the table is refused with a <see cref="VmStateException"/>.
/// </summary>
public static class VmLifecycle
{
    private static readonly ImmutableArray<(VmOperation Op, VmTransition Transition)> Table =
    [
        (VmOperation.Start, new(VmState.Off, VmState.Starting, VmState.Running)),
        // Starting from Saved restores the saved memory.
        (VmOperation.Start, new(VmState.Saved, VmState.Starting, VmState.Running)),
        (VmOperation.Stop, new(VmState.Running, VmState.Stopping, VmState.Off)),
        // Turning off is the way out of any live state, including a stuck transient one.
        (VmOperation.TurnOff, new(VmState.Running, VmState.Stopping, VmState.Off)),
        (VmOperation.TurnOff, new(VmState.Paused, VmState.Stopping, VmState.Off)),
        (VmOperation.TurnOff, new(VmState.Starting, VmState.Stopping, VmState.Off)),
        (VmOperation.TurnOff, new(VmState.Stopping, VmState.Stopping, VmState.Off)),
        (VmOperation.TurnOff, new(VmState.Saving, VmState.Stopping, VmState.Off)),
        // Pausing and resuming are one QMP command each: no transient state to show.
        (VmOperation.Pause, new(VmState.Running, VmState.Paused, VmState.Paused)),
        (VmOperation.Resume, new(VmState.Paused, VmState.Running, VmState.Running)),
        (VmOperation.Save, new(VmState.Running, VmState.Saving, VmState.Saved)),
        (VmOperation.Save, new(VmState.Paused, VmState.Saving, VmState.Saved)),
    ];

    /// <summary>The row for <paramref name="op"/> from <paramref name="current"/>.</summary>
    /// <exception cref="VmStateException">No row: the message names the VM when given, the state and the states allowed.</exception>
    public static VmTransition Begin(VmState current, VmOperation op, string? vmName = null)
    {
        foreach (var row in Table)
        {
            if (row.Op == op && row.Transition.From == current)
                return row.Transition;
        }
        throw new VmStateException(op, current, AllowedFrom(op), vmName);
    }

    /// <summary>The states in which the VM has no QEMU: nothing runs, its configuration may change.</summary>
    public static bool IsIdle(VmState state) => state is VmState.Off or VmState.Saved;

    /// <summary>A state as users read and type it: "off", "running".</summary>
    public static string Word(VmState state) => EnumWords.Word(state);

    /// <summary>States as a sentence names them: "off", "off or saved", "running, paused or off".</summary>
    public static string Either(IReadOnlyList<VmState> states) => states.Count switch
    {
        1 => Word(states[0]),
        _ => $"{string.Join(", ", states.Take(states.Count - 1).Select(Word))} or {Word(states[^1])}",
    };

    /// <summary>The states the operation may start from, in table order.</summary>
    public static IReadOnlyList<VmState> AllowedFrom(VmOperation op) =>
        [.. Table.Where(row => row.Op == op).Select(row => row.Transition.From)];

    /// <summary>The operation as a verb in a sentence: "turn off", "pause".</summary>
    public static string Verb(VmOperation op) => op switch
    {
        VmOperation.TurnOff => "turn off",
        _ => op.ToString().ToLowerInvariant(),
    };
}
