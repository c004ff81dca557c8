using Nube.Core.Editions;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>Checks a whole VM configuration against an edition and returns every problem at once.</summary>
public static class VmValidator
{
    public const int MaxNameLength = 100;
    public const long MinMemoryMiB = 32;
    public const int MaxAutomaticStartDelaySeconds = 86400;
    public const int MaxNotesLength = 4096;
    public const int MaxCpuWeight = 10000;

    /// <param name="otherVmNames">Names of the host's other VMs (not this one), for the duplicate check.</param>
    /// <param name="switchNames">The host's virtual switches, which adapters may name.</param>
    public static IReadOnlyList<ValidationError> Validate(VmConfig vm, Edition edition, IEnumerable<string> otherVmNames, IReadOnlyCollection<string> switchNames)
    {
        var errors = new List<ValidationError>();
        NameRules.Check(vm.Name, otherVmNames, errors);
        CheckVersions(vm, errors);
        GenerationRules.Check(vm, errors);
        MachineRules.Check(vm, errors);
        CheckProcessors(vm.ProcessorCount, edition, errors);
        CheckProcessorControls(vm, errors);
        CheckMemory(vm.MemoryStartupMiB, edition, errors);
        BootRules.Check(vm, errors);
        IdeRules.Check(vm.IdeDrives, edition, errors);
        ScsiRules.Check(vm.ScsiControllers, edition, errors);
        NetworkRules.Check(vm.NetworkAdapters, vm.Generation, edition, switchNames, errors);
        CheckHostSettings(vm, errors);
        IntegrationRules.Check(vm.IntegrationServices, errors);
        KvpRules.Check(vm.KvpHostItems, errors);
        DeviceIdRules.Check(vm, errors);
        return errors;
    }

    private static void CheckVersions(VmConfig vm, List<ValidationError> errors)
    {
        if (vm.SchemaVersion != VmConfig.CurrentSchemaVersion)
            errors.Add(new("schemaVersion", Messages.Text(vm.SchemaVersion),
                $"schemaVersion: {vm.SchemaVersion} is not supported; this version of Nube reads schema version {VmConfig.CurrentSchemaVersion}"));
    }

    private static void CheckProcessors(int count, Edition edition, List<ValidationError> errors)
    {
        if (count < 1)
            errors.Add(Messages.BelowMinimum("processorCount", count, "1 vCPU"));
        else if (count > edition.MaxProcessorsPerVm)
            errors.Add(Messages.Exceeds("processorCount", count, $"{edition.MaxProcessorsPerVm} vCPUs per VM", edition));
    }

    /// <summary>Hyper-V's ranges: reserve 0 to 100 %, limit 1 to 100 % and at least the reserve, weight 1 to 10000.</summary>
    private static void CheckProcessorControls(VmConfig vm, List<ValidationError> errors)
    {
        if (vm.CpuReserve is < 0 or > 100)
            errors.Add(new(VmFields.CpuReserve, Messages.Text(vm.CpuReserve), $"cpuReserve: {vm.CpuReserve} is outside the range 0 to 100 %"));
        if (vm.CpuLimit is < 1 or > 100)
            errors.Add(new(VmFields.CpuLimit, Messages.Text(vm.CpuLimit), $"cpuLimit: {vm.CpuLimit} is outside the range 1 to 100 %"));
        else if (vm.CpuReserve is >= 0 and <= 100 && vm.CpuLimit < vm.CpuReserve)
            errors.Add(new(VmFields.CpuLimit, Messages.Text(vm.CpuLimit),
                $"cpuLimit: {vm.CpuLimit} % is below the VM's reserve of {vm.CpuReserve} %; a limit is at least the reserve"));
        if (vm.CpuWeight is < 1 or > MaxCpuWeight)
            errors.Add(new(VmFields.CpuWeight, Messages.Text(vm.CpuWeight), $"cpuWeight: {vm.CpuWeight} is outside the range 1 to {MaxCpuWeight}"));
    }

    private static void CheckMemory(long mib, Edition edition, List<ValidationError> errors)
    {
        const string field = "memoryStartupMiB";
        if (mib < MinMemoryMiB)
            errors.Add(Messages.BelowMinimum(field, mib, $"{MinMemoryMiB} MiB"));
        else if (mib % 2 != 0)
            errors.Add(new(field, Messages.Text(mib), $"{field}: {mib} is not a multiple of 2 MiB"));
        if (mib > edition.MaxGuestMemoryMiB)
            errors.Add(Messages.Exceeds(field, mib, $"{edition.MaxGuestMemoryMiB} MiB of guest memory", edition));
    }

    private static void CheckHostSettings(VmConfig vm, List<ValidationError> errors)
    {
        if (vm.AutomaticStartDelaySeconds is < 0 or > MaxAutomaticStartDelaySeconds)
            errors.Add(new("automaticStartDelaySeconds", Messages.Text(vm.AutomaticStartDelaySeconds),
                $"automaticStartDelaySeconds: {vm.AutomaticStartDelaySeconds} is outside the range 0 to {MaxAutomaticStartDelaySeconds} seconds"));
        if (vm.Notes.Length > MaxNotesLength)
            errors.Add(new("notes", $"{vm.Notes.Length} characters",
                $"notes: {vm.Notes.Length} characters exceed the limit of {MaxNotesLength} characters"));
    }
}
