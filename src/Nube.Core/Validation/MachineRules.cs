using System.Text.RegularExpressions;
using Nube.Core.Hosts;
using Nube.Core.Serialization;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>
/// A VM's pinned machine type (<see cref="VmConfig.Machine"/>): a versioned type of its
/// generation's board, and one that the host's QEMU has.
/// </summary>
public static partial class MachineRules
{
    public static void Check(VmConfig vm, List<ValidationError> errors)
    {
        if (vm.Machine is not { } machine || vm.Generation is not (1 or 2))
            return;
        var prefix = vm.Generation == 2 ? QemuMachines.Q35Prefix : QemuMachines.PcPrefix;
        if (!machine.StartsWith(prefix, StringComparison.Ordinal) || !VersionRegex().IsMatch(machine[prefix.Length..]))
            errors.Add(new(VmFields.Machine, machine,
                $"machine: {Quoting.Quote(machine)} is not a machine type of a generation {vm.Generation} VM, which is {prefix}MAJOR.MINOR (such as {prefix}10.0)"));
    }

    /// <summary>Null when the host's QEMU has the VM's machine type (or the VM has none pinned, or the host's types are not known), else why not.</summary>
    public static ValidationError? CheckHost(VmConfig vm, QemuMachines machines, Version qemu)
    {
        if (vm.Machine is not { } machine || machines.Types.IsEmpty || machines.Has(machine))
            return null;
        var newest = machines.NewestLike(machine) is { } n ? $"; its newest of the kind is {n}" : "";
        return new(VmFields.Machine, machine,
            $"machine: this host's QEMU {qemu} has no machine type {Quoting.Quote(machine)}{newest}. A VM pinned to it runs on a host with that QEMU or a later one " +
            "(a QEMU keeps its earlier versions' types); to change the VM's board, set machine to one this host has while the VM is off");
    }

    [GeneratedRegex(@"^[0-9]{1,3}\.[0-9]{1,3}$")]
    private static partial Regex VersionRegex();
}
