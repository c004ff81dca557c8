using Nube.Core.Serialization;
using Nube.Core.Validation;

namespace Nube.Core.Vms;

/// <summary>
/// Which changes may be made while the VM is not off (running, paused, or on its way between
/// them). Settings the host keeps for itself may: the display name, the notes and the automatic
/// actions, the processor reserve, limit and weight (the VM's cgroup changes), the integration
/// services and the data exchange items (the guest is asked, not changed). Of the devices, SCSI
/// disks may be added to and removed from existing controllers (hot plug, as Hyper-V's synthetic
/// SCSI), and a DVD's medium may be inserted, ejected or swapped; everything else is hardware of
/// the QEMU process. A network adapter may connect to another virtual switch or to none (its
/// TAP moves between bridges and its link drops and returns) and change its guards, and a
/// synthetic adapter may be added or removed (generation 1, and generation 2 in its root ports). A saved VM changes no device at
/// all: its memory is restored into the hardware it was saved from.
/// </summary>
public static class LiveChanges
{
    /// <summary>The one place that decides it for a setting.</summary>
    public static bool MayChangeWhileRunning(VmConfigChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Field switch
        {
            VmFields.Name or VmFields.Notes
                or VmFields.AutomaticStartAction or VmFields.AutomaticStartDelaySeconds
                or VmFields.AutomaticStopAction or VmFields.CrashAction
                or VmFields.IntegrationServices
                or VmFields.CpuReserve or VmFields.CpuLimit or VmFields.CpuWeight
                or VmFields.KvpHostItems => true,
            _ => false,
        };
    }

    /// <summary>The one place that decides it for a device: null when allowed, else why not.</summary>
    public static string? WhyNotWhileRunning(DeviceChange change, VmConfigDiff diff)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(diff);
        return change switch
        {
            ScsiDiskChange { IsMediaChange: true } => null,
            ScsiDiskChange { Kind: DeviceChangeKind.Add or DeviceChangeKind.Remove } disk
                when diff.Before.ScsiControllers.Any(c => c.Id == disk.Controller.Id) && diff.After.ScsiControllers.Any(c => c.Id == disk.Controller.Id) => null,
            ScsiDiskChange { Kind: DeviceChangeKind.Add } => "a disk can be added only to a SCSI controller the VM already has",
            ScsiDiskChange { Kind: DeviceChangeKind.Remove } => null,
            ScsiDiskChange => "a SCSI disk's settings and place change only while the VM is off; remove it and add it again",
            IdeDriveChange { IsMediaChange: true } => null,
            IdeDriveChange => "IDE drives are added, removed and changed only while the VM is off (as on Hyper-V), apart from a DVD's medium; SCSI disks can be added and removed while it runs",
            ScsiControllerChange => "SCSI controllers are added, removed and changed only while the VM is off (as on Hyper-V)",
            NetworkAdapterChange { IsPortChange: true } => null,
            NetworkAdapterChange { Kind: DeviceChangeKind.Change } =>
                "while it runs, an adapter changes only its virtual switch (or none), its VLAN, bandwidth and guards; its other settings, and user-mode or tap: connections, change while it is off",
            NetworkAdapterChange { Before: var before, After: var after } adapter => WhyNotHotPlug((after ?? before)!, after is null ? diff.Before : diff.After),
            _ => "this device changes only while the VM is off",
        };
    }

    /// <summary>
    /// Hyper-V adds and removes synthetic adapters while the VM runs; so does Nube, on generation
    /// 1's PCI bus (ACPI hot plug) and in generation 2's PCI Express root ports (native hot plug),
    /// for adapters whose port nubed makes.
    /// </summary>
    /// <param name="vm">The configuration the adapter is in: the desired one for an addition, the running one for a removal.</param>
    private static string? WhyNotHotPlug(NetworkAdapter adapter, VmConfig vm)
    {
        if (!Generations.HotPluggable(vm, adapter))
        {
            return vm.PcieRootPorts is not > 0
                ? "this generation 2 VM has no PCI Express root ports for hot plug (it was made before Nube gave them): with it off, set pcieRootPorts (1 to 16)"
                : $"a generation 2 VM's adapters come and go while it runs in its {vm.PcieRootPorts} PCI Express root ports (slots {NetworkAdapter.FirstPciSlot} to " +
                  $"{NetworkAdapter.FirstPciSlot + vm.PcieRootPorts - 1}), and {(adapter.PciSlot is { } slot ? $"this one is in slot {slot}" : "this one has no slot")}; " +
                  "with the VM off, add ports (pcieRootPorts) or remove it";
        }
        if (adapter.Kind == NetworkAdapterKind.Legacy)
            return "legacy adapters are added and removed only while the VM is off (as on Hyper-V); synthetic ones also while it runs";
        if (!NetworkAdapter.HasPort(adapter))
            return $"an adapter on {(adapter.Switch == NetworkAdapter.UserMode ? "user-mode NAT" : "an operator's TAP")} is added and removed only while the VM is off; one on a virtual switch, or on none, also while it runs";
        return null;
    }

    /// <summary>An error for every change that needs the VM to be off; none when the VM is off.</summary>
    public static IReadOnlyList<ValidationError> Check(VmConfigDiff diff, VmState state)
    {
        ArgumentNullException.ThrowIfNull(diff);
        if (state == VmState.Off)
            return [];
        // A saved VM's memory was taken from this hardware, and is restored into it.
        var saved = state == VmState.Saved;
        var stateWord = saved ? $"{SavedWord}, and its saved state needs this hardware: start it and shut it down first" : EnumWords.Word(state);
        return
        [
            .. diff.Changes
                .Where(change => !MayChangeWhileRunning(change))
                .Select(change => new ValidationError(change.Field, change.After,
                    $"{change.Field}: can change only while the VM is off; it is {stateWord}")),
            .. diff.Devices
                .Select(change => (change, why: saved ? "" : WhyNotWhileRunning(change, diff)))
                .Where(p => p.why is not null)
                .Select(p => new ValidationError(p.change.Field, p.change.ToString(),
                    $"{p.change.Field}: cannot {p.change} while the VM is {stateWord}{(p.why!.Length > 0 ? $" ({p.why})" : "")}")),
        ];
    }

    private static readonly string SavedWord = EnumWords.Word(VmState.Saved);
}
