using Nube.Core.Serialization;
using Nube.Core.Validation;

namespace Nube.Core.Vms;

/// <summary>
/// Which settings may change while the VM is not off (running, paused, saved, or on its way
/// between them). Today only what the host keeps for itself may: the display name, the notes and
/// the automatic actions, the processor reserve, limit and weight (the VM's cgroup changes), and
/// the integration services (the guest is asked, not changed). Everything else is part of the virtual hardware of the QEMU process,
/// or of the saved state that must be restored into the same hardware.
/// </summary>
public static class LiveChanges
{
    /// <summary>
    /// The one place that decides it. Hot-plugging SCSI disks (a later issue) belongs here: compare
    /// <c>diff.Before.ScsiControllers</c> with <c>diff.After.ScsiControllers</c> and allow a change
    /// that only adds or removes disks on existing controllers.
    /// </summary>
    public static bool MayChangeWhileRunning(VmConfigChange change, VmConfigDiff diff)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(diff);
        return change.Field switch
        {
            VmFields.Name or VmFields.Notes
                or VmFields.AutomaticStartAction or VmFields.AutomaticStartDelaySeconds
                or VmFields.AutomaticStopAction or VmFields.CrashAction
                or VmFields.IntegrationServices
                or VmFields.CpuReserve or VmFields.CpuLimit or VmFields.CpuWeight
                or VmFields.KvpHostItems => true,
            VmFields.ScsiControllers => false,
            _ => false,
        };
    }

    /// <summary>
    /// An error for every change that needs the VM to be off; none when the VM is off.
    /// </summary>
    public static IReadOnlyList<ValidationError> Check(VmConfigDiff diff, VmState state) =>
        state == VmState.Off ? []
        // A saved VM's memory was taken from this hardware, and is restored into it.
        : Check(diff, state == VmState.Saved ? $"{SavedWord}, and its saved state needs this hardware: start it and shut it down first"
            : EnumWords.Word(state));

    private static readonly string SavedWord = EnumWords.Word(VmState.Saved);

    /// <summary>
    /// An error for every change that needs the VM to be off, for a VM that is not off and is in
    /// the state named by <paramref name="stateWord"/> (e.g. <c>running</c>), as in
    /// <c>processorCount: can change only while the VM is off; it is running</c>.
    /// <see cref="ValidationError.Value"/> is the new value as text.
    /// </summary>
    public static IReadOnlyList<ValidationError> Check(VmConfigDiff diff, string stateWord)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentException.ThrowIfNullOrEmpty(stateWord);
        return
        [
            .. diff.Changes
                .Where(change => !MayChangeWhileRunning(change, diff))
                .Select(change => new ValidationError(change.Field, change.After,
                    $"{change.Field}: can change only while the VM is off; it is {stateWord}")),
        ];
    }
}
