using System.Collections.Immutable;

namespace Nube.Core.Vms;

/// <summary>
/// A partial update of a <see cref="VmConfig"/>: a null field leaves the current value alone,
/// a set one replaces it whole (lists and nested records included). The id and schema version
/// are not changeable this way; a generation is chosen at creation, and a change of it is
/// refused by <see cref="Validation.ChangeRules"/>.
/// </summary>
public sealed record VmPatch : ConfigChange
{
    public string? Name { get; init; }
    public int? Generation { get; init; }
    public bool? SecureBoot { get; init; }
    public int? PcieRootPorts { get; init; }
    public string? Machine { get; init; }
    public ProcessorModel? Processor { get; init; }
    public int? ProcessorCount { get; init; }
    public int? CpuReserve { get; init; }
    public int? CpuLimit { get; init; }
    public int? CpuWeight { get; init; }
    public long? MemoryStartupMiB { get; init; }
    public BootSource? Boot { get; init; }
    public ImmutableArray<IdeDrive>? IdeDrives { get; init; }
    public ImmutableArray<ScsiController>? ScsiControllers { get; init; }
    public ImmutableArray<NetworkAdapter>? NetworkAdapters { get; init; }
    public ComPort? Com1 { get; init; }
    public AutomaticStartAction? AutomaticStartAction { get; init; }
    public int? AutomaticStartDelaySeconds { get; init; }
    public AutomaticStopAction? AutomaticStopAction { get; init; }
    public CrashAction? CrashAction { get; init; }
    public string? Notes { get; init; }
    public IntegrationPatch? IntegrationServices { get; init; }

    public override bool TouchesHardware => Generation is not null || SecureBoot is not null || PcieRootPorts is not null || Machine is not null || Processor is not null || ProcessorCount is not null || MemoryStartupMiB is not null
        || Boot is not null || IdeDrives is not null || ScsiControllers is not null || NetworkAdapters is not null || Com1 is not null;

    public override VmConfig Apply(VmConfig current) => current with
    {
        Name = Name ?? current.Name,
        Generation = Generation ?? current.Generation,
        SecureBoot = SecureBoot ?? current.SecureBoot,
        PcieRootPorts = PcieRootPorts ?? current.PcieRootPorts,
        Machine = Machine ?? current.Machine,
        Processor = Processor ?? current.Processor,
        ProcessorCount = ProcessorCount ?? current.ProcessorCount,
        CpuReserve = CpuReserve ?? current.CpuReserve,
        CpuLimit = CpuLimit ?? current.CpuLimit,
        CpuWeight = CpuWeight ?? current.CpuWeight,
        MemoryStartupMiB = MemoryStartupMiB ?? current.MemoryStartupMiB,
        Boot = Boot ?? current.Boot,
        IdeDrives = IdeDrives ?? current.IdeDrives,
        ScsiControllers = ScsiControllers ?? current.ScsiControllers,
        NetworkAdapters = NetworkAdapters ?? current.NetworkAdapters,
        Com1 = Com1 ?? current.Com1,
        AutomaticStartAction = AutomaticStartAction ?? current.AutomaticStartAction,
        AutomaticStartDelaySeconds = AutomaticStartDelaySeconds ?? current.AutomaticStartDelaySeconds,
        AutomaticStopAction = AutomaticStopAction ?? current.AutomaticStopAction,
        CrashAction = CrashAction ?? current.CrashAction,
        Notes = Notes ?? current.Notes,
        IntegrationServices = IntegrationServices?.Apply(current.IntegrationServices) ?? current.IntegrationServices,
    };
}
