using Nube.Core.Editions;
using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Migration;

/// <summary>
/// Whether a VM can move, as each end sees it, every problem at once (Hyper-V's Compare-VM):
/// what the Begin phase checks at the source and the Prepare phase at the destination, before
/// anything starts. Pure: the service adds what needs the host (files, other VMs).
/// </summary>
public static class MoveRules
{
    /// <summary>Under TCG, QEMU before 9.0 corrupts a guest that writes memory during a live migration (fixed upstream in 9.0).</summary>
    public static readonly Version MinimumLiveQemu = new(9, 0);

    /// <param name="images">Each disk's field with its image and backing images (path, format).</param>
    /// <param name="tcg">The VM runs under TCG here (the QEMU version matters then).</param>
    public static IReadOnlyList<ValidationError> Source(VmConfig vm, VmState state, bool live, Edition edition, Version qemu, bool tcg,
        IEnumerable<(string Field, BackingImage Image)> images)
    {
        var errors = new List<ValidationError>();
        if (state is not (VmState.Running or VmState.Paused))
            errors.Add(new("state", Serialization.EnumWords.Word(state),
                $"state: VM '{vm.Name}' is {Serialization.EnumWords.Word(state)}; a {(live ? "live" : "quick")} migration moves a running or paused VM"));
        if (live)
            Live("this host", edition, qemu, tcg, errors);
        if (live)
            foreach (var (field, image) in images.Where(i => i.Image.Format == DiskFormat.Vhdx))
                errors.Add(new(field, image.Path,
                    $"{field}: '{image.Path}' is a VHDX image, which QEMU cannot migrate live; convert it to qcow2 while the VM is off (nube disk convert), or move the VM by quick migration"));
        return errors;
    }

    /// <param name="runningNow">The VMs running on the destination: the moved VM arrives running.</param>
    /// <param name="tcg">The destination runs VMs under TCG.</param>
    /// <param name="sourceProcessor">What the host's processor is at the source (<see cref="HostProcessor"/>); null when it did not say.</param>
    /// <param name="hereProcessor">What it is here.</param>
    public static IReadOnlyList<ValidationError> Destination(VmConfig vm, bool live, Edition edition, Version qemu, bool tcg, QemuMachines machines, int runningNow,
        string? sourceProcessor, string hereProcessor)
    {
        var errors = new List<ValidationError>();
        if (sourceProcessor is not null && IsTcg(sourceProcessor) != IsTcg(hereProcessor))
            errors.Add(new("accelerator", hereProcessor,
                $"accelerator: the source runs VMs with {Accel(sourceProcessor)} and this host with {Accel(hereProcessor)}; QEMU moves a running VM only between hosts with the same"));
        else if (vm.Processor != ProcessorModel.Compatible && sourceProcessor != hereProcessor)
            errors.Add(new(VmFields.ProcessorModel, Serialization.EnumWords.Word(ProcessorModel.Host),
                $"processorModel: VM '{vm.Name}' has the host's processor ({sourceProcessor ?? "unknown"} at the source), which this host cannot give it " +
                $"({hereProcessor}); set its processor model to compatible while it is off (nube vm set {vm.Name} --processor-model compatible)"));
        if (live)
            Live("the destination", edition, qemu, tcg, errors);
        if (MachineRules.CheckHost(vm, machines, qemu) is { } machine)
            errors.Add(machine);
        if (HostValidator.CheckRunningVms(runningNow, edition) is { } running)
            errors.Add(running);
        return errors;
    }

    /// <summary>What a VM on the host's processor (<see cref="ProcessorModel.Host"/>) sees: the host's processor under KVM, QEMU's version's "max" under TCG.</summary>
    public static string HostProcessor(bool tcg, Version qemu, string processorName) =>
        tcg ? $"TCG of QEMU {qemu}" : $"KVM on {(processorName.Length > 0 ? processorName : "an unnamed processor")}";

    private static bool IsTcg(string processor) => processor.StartsWith("TCG", StringComparison.Ordinal);

    private static string Accel(string processor) => IsTcg(processor) ? "TCG" : "KVM";

    private static void Live(string host, Edition edition, Version qemu, bool tcg, List<ValidationError> errors)
    {
        if (HostValidator.CheckLiveMigration(edition) is { } offered)
            errors.Add(offered with { Message = $"{host}: {offered.Message}" });
        if (tcg && qemu < MinimumLiveQemu)
            errors.Add(new("qemu", qemu.ToString(),
                $"qemu: {host} has QEMU {qemu}; live migration needs {MinimumLiveQemu} or later (earlier ones corrupt a guest that writes memory during the move under TCG)"));
    }
}
