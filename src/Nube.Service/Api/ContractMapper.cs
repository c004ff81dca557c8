using System.Collections.Immutable;
using Nube.Contracts.Events;
using Nube.Contracts.Vms;
using Nube.Core.Integration;
using Nube.Core.Lifecycle;
using Nube.Core.Serialization;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Vms;
using Nube.Service.Vms.Integration;

namespace Nube.Service.Api;

/// <summary>
/// The one mapping between the API's documents (enums as words) and the core's records and the
/// controllers' snapshots.
/// </summary>
public static class ContractMapper
{
    public static VmSummary ToSummary(VmSnapshot s) => new()
    {
        Id = s.Id,
        Name = s.Name,
        State = s.StateWord,
        ProcessorCount = s.Config?.ProcessorCount ?? 0,
        MemoryStartupMiB = s.Config?.MemoryStartupMiB ?? 0,
        UptimeSeconds = s.StartedAt is { } t && !VmLifecycle.IsIdle(s.State) ? (long)(DateTimeOffset.UtcNow - t).TotalSeconds : null,
        StateReason = s.BrokenReason ?? s.StateReason,
        Heartbeat = s.Config is not null && s.State is VmState.Running or VmState.Paused
            ? EnumWords.Word(IntegrationView.Of(s, IntegrationService.Heartbeat).Status) : null,
        AllowedActions = AllowedActions(s),
    };

    /// <summary>
    /// A VM's event as its controller publishes it. It carries the allowed actions, so that a
    /// client's buttons follow the state without a table of its own or another read.
    /// </summary>
    public static HostEvent ToEvent(VmSnapshot s, string type, VmState? previous, DateTimeOffset time) => new()
    {
        Sequence = 0, Type = type, Time = time, VmId = s.Id, VmName = s.Name,
        State = VmLifecycle.Word(s.State), PreviousState = previous is { } p ? VmLifecycle.Word(p) : null, Reason = s.StateReason,
        AllowedActions = AllowedActions(s),
    };

    /// <summary>What the VM's state allows; a VM whose settings could not be read (broken) may only be removed.</summary>
    private static IReadOnlyList<string> AllowedActions(VmSnapshot s) => VmActions.Allowed(s.State, broken: s.Config is null);

    /// <summary>One service as the API shows it (see <see cref="IntegrationView"/>); none reads OK before the guest answered in this run.</summary>
    public static IntegrationServiceInfo ToIntegrationInfo(VmSnapshot s, IntegrationService service)
    {
        var health = IntegrationView.Of(s, service);
        return new IntegrationServiceInfo
        {
            Service = EnumWords.Word(service),
            DisplayName = IntegrationServices.DisplayName(service),
            Enabled = s.Config?.IntegrationServices.IsEnabled(service) ?? false,
            Status = EnumWords.Word(health.Status),
            LastGoodAnswer = health.LastGoodAnswer,
            Error = health.Status is IntegrationStatus.Ok or IntegrationStatus.Disabled ? null : health.Error,
        };
    }

    /// <param name="addresses">Each adapter's IP addresses by its MAC, as the guest reported them (<see cref="AgentProbe"/>).</param>
    public static VmDetails ToDetails(VmSnapshot s, string vmDirectory, GuestAgentStatus? agent,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? addresses = null) => new()
    {
        Summary = ToSummary(s),
        Settings = s.Config is { } c ? ToSettings(c) : null,
        ProcessId = s.ProcessId,
        Accelerator = s.Accelerator is { } a ? EnumWords.Word(a) : null,
        GuestAgent = agent,
        LastAgentContact = s.LastAgentContact,
        VmDirectory = vmDirectory,
        IntegrationServices = [.. IntegrationServices.All.Select(service => ToIntegrationInfo(s, service))],
        Firmware = s.Config is { } fc ? VmDevices.Firmware(fc) : null,
        Machine = s.Config is { } mc ? VmDevices.Machine(mc) : null,
        Devices = s.Config is { } dc
            ? [.. VmDevices.Describe(dc).Select(d => new VmDeviceInfo
            {
                Name = d.Name, Kind = EnumWords.Word(d.Kind), Model = d.Model, Detail = d.Detail,
                Addresses = d.MacAddress is { } mac && addresses is not null ? addresses.GetValueOrDefault(mac.ToLowerInvariant(), []) : null,
            })]
            : null,
        TimeSync = s.TimeSync is { } synced ? ToTimeSyncInfo(synced) : null,
        Freeze = s.Freeze is { } frozen ? ToFreezeInfo(frozen) : null,
    };

    public static TimeSyncInfo ToTimeSyncInfo(TimeSyncState s) => new() { LastSync = s.At, DriftMilliseconds = Math.Round(s.DriftMilliseconds, 3) };

    public static FreezeInfo ToFreezeInfo(FreezeState s) => new()
    {
        FrozenSince = s.Since, ThawDeadline = s.ThawDeadline, Reason = s.Reason, FileSystems = s.FileSystems,
    };

    public static VmSettings ToSettings(VmConfig vm) => new()
    {
        Name = vm.Name,
        Generation = vm.Generation,
        SecureBoot = vm.Generation == 2 ? Generations.SecureBootOn(vm) : null,
        PcieRootPorts = vm.PcieRootPorts,
        Machine = vm.Machine,
        ProcessorModel = vm.Processor is { } model ? EnumWords.Word(model) : null,
        ProcessorCount = vm.ProcessorCount,
        CpuReserve = vm.CpuReserve,
        CpuLimit = vm.CpuLimit,
        CpuWeight = vm.CpuWeight,
        MemoryStartupMiB = vm.MemoryStartupMiB,
        Boot = new BootSettings
        {
            Kind = EnumWords.Word(vm.Boot.Kind), Kernel = vm.Boot.Kernel, Initrd = vm.Boot.Initrd, CommandLine = vm.Boot.CommandLine,
            Disk = vm.Boot.Disk,
        },
        IdeDrives = vm.IdeDrives.Select(d => new IdeDriveSettings
        {
            Id = d.Id, Controller = d.Controller, Location = d.Location, Media = EnumWords.Word(d.Media), Path = d.Path,
            Format = d.Format is { } f ? EnumWords.Word(f) : null, ReadOnly = d.ReadOnly, Cache = Word(d.Cache),
        }).ToList(),
        ScsiControllers = vm.ScsiControllers.Select(c => new ScsiControllerSettings
        {
            Id = c.Id,
            Disks = c.Disks.Select(d => new ScsiDiskSettings
            {
                Id = d.Id, Location = d.Location, Media = EnumWords.Word(d.Media), Path = d.Path, Format = d.Format is { } f ? EnumWords.Word(f) : null, ReadOnly = d.ReadOnly,
                Cache = Word(d.Cache),
            }).ToList(),
            IoThread = c.IoThread,
        }).ToList(),
        NetworkAdapters = vm.NetworkAdapters.Select(n => new NetworkAdapterSettings
        {
            Id = n.Id, PciSlot = n.PciSlot, Kind = EnumWords.Word(n.Kind), MacAddress = n.MacAddress, Switch = n.Switch, Model = Word(n.Model),
            VlanId = n.VlanId, MaximumBandwidthMbps = n.MaximumBandwidthMbps, MinimumBandwidthWeight = n.MinimumBandwidthWeight, MacAddressSpoofing = n.MacAddressSpoofing, DhcpGuard = n.DhcpGuard, RouterGuard = n.RouterGuard,
            AllowedAddresses = n.AllowedAddresses is { } allowed ? NetworkAdapter.AddressesOf(allowed) : null,
        }).ToList(),
        Com1 = new ComPortSettings { Log = vm.Com1.Log },
        AutomaticStartAction = EnumWords.Word(vm.AutomaticStartAction),
        AutomaticStartDelaySeconds = vm.AutomaticStartDelaySeconds,
        AutomaticStopAction = EnumWords.Word(vm.AutomaticStopAction),
        CrashAction = EnumWords.Word(vm.CrashAction),
        Notes = vm.Notes,
        IntegrationServices = new IntegrationServicesSettings
        {
            Enabled = [.. IntegrationServices.All.Where(vm.IntegrationServices.IsEnabled).Select(EnumWords.Word)],
            HeartbeatIntervalSeconds = vm.IntegrationServices.HeartbeatIntervalSeconds,
            HeartbeatTimeoutSeconds = vm.IntegrationServices.HeartbeatTimeoutSeconds,
            TimeSyncIntervalSeconds = vm.IntegrationServices.TimeSyncIntervalSeconds,
        },
    };

    /// <summary>The change a settings document asks for; unknown enum words are collected as errors.</summary>
    public static VmPatch ToPatch(VmSettings s, List<ValidationError> errors)
    {
        return new VmPatch
        {
            Name = s.Name,
            Generation = s.Generation,
            SecureBoot = s.SecureBoot,
            PcieRootPorts = s.PcieRootPorts,
            Machine = s.Machine,
            Processor = ParseOptional<ProcessorModel>(s.ProcessorModel, "processorModel", errors),
            ProcessorCount = s.ProcessorCount,
            CpuReserve = s.CpuReserve,
            CpuLimit = s.CpuLimit,
            CpuWeight = s.CpuWeight,
            MemoryStartupMiB = s.MemoryStartupMiB,
            Boot = s.Boot is { } b ? new BootSource
            {
                Kind = Parse(b.Kind, "boot.kind", BootKind.Kernel, errors),
                Kernel = b.Kernel, Initrd = b.Initrd, CommandLine = b.CommandLine, Disk = b.Disk,
            } : null,
            IdeDrives = s.IdeDrives?.Select((d, i) => new IdeDrive
            {
                Id = d.Id ?? "", Controller = d.Controller, Location = d.Location,
                Media = Parse(d.Media, $"ideDrives[{i}].media", DriveMedia.HardDisk, errors),
                Path = d.Path, Format = ParseOptional<DiskFormat>(d.Format, $"ideDrives[{i}].format", errors), ReadOnly = d.ReadOnly,
                Cache = ParseOptional<DiskCache>(d.Cache, $"ideDrives[{i}].cache", errors),
            }).ToImmutableArray(),
            ScsiControllers = s.ScsiControllers?.Select((c, ci) => new ScsiController
            {
                Id = c.Id ?? "",
                Disks = c.Disks.Select((d, di) => new ScsiDisk
                {
                    Id = d.Id ?? "", Location = d.Location, Path = d.Path, ReadOnly = d.ReadOnly,
                    Media = Parse(d.Media, $"scsiControllers[{ci}].disks[{di}].media", DriveMedia.HardDisk, errors),
                    Format = ParseOptional<DiskFormat>(d.Format, $"scsiControllers[{ci}].disks[{di}].format", errors),
                    Cache = ParseOptional<DiskCache>(d.Cache, $"scsiControllers[{ci}].disks[{di}].cache", errors),
                }).ToImmutableArray(),
                IoThread = c.IoThread ?? true,
            }).ToImmutableArray(),
            NetworkAdapters = s.NetworkAdapters?.Select((n, i) => new NetworkAdapter
            {
                Id = n.Id ?? "",
                PciSlot = n.PciSlot,
                Kind = Parse(n.Kind, $"networkAdapters[{i}].kind", NetworkAdapterKind.Synthetic, errors),
                MacAddress = n.MacAddress, Switch = n.Switch,
                Model = ParseOptional<NicModel>(n.Model, $"networkAdapters[{i}].model", errors),
                VlanId = n.VlanId, MaximumBandwidthMbps = n.MaximumBandwidthMbps, MinimumBandwidthWeight = n.MinimumBandwidthWeight, MacAddressSpoofing = n.MacAddressSpoofing ?? false, DhcpGuard = n.DhcpGuard ?? true, RouterGuard = n.RouterGuard ?? true,
                // Kept as one comma-separated string, so that two configurations compare as values.
                AllowedAddresses = n.AllowedAddresses is { Count: > 0 } allowed ? string.Join(',', allowed.Select(a => a.Trim())) : null,
            }).ToImmutableArray(),
            Com1 = s.Com1 is { } com ? new ComPort { Log = com.Log } : null,
            AutomaticStartAction = ParseOptional<AutomaticStartAction>(s.AutomaticStartAction, "automaticStartAction", errors),
            AutomaticStartDelaySeconds = s.AutomaticStartDelaySeconds,
            AutomaticStopAction = ParseOptional<AutomaticStopAction>(s.AutomaticStopAction, "automaticStopAction", errors),
            CrashAction = ParseOptional<CrashAction>(s.CrashAction, "crashAction", errors),
            Notes = s.Notes,
            IntegrationServices = s.IntegrationServices is { } i ? ToIntegrationPatch(i, errors) : null,
        };
    }

    private static IntegrationPatch ToIntegrationPatch(IntegrationServicesSettings s, List<ValidationError> errors)
    {
        HashSet<IntegrationService>? chosen = null;
        if (s.Enabled is { } enabled)
        {
            chosen = [];
            for (var i = 0; i < enabled.Count; i++)
            {
                if (ParseOptional<IntegrationService>(enabled[i], $"integrationServices.enabled[{i}]", errors) is { } service)
                    chosen.Add(service);
            }
        }
        return new IntegrationPatch
        {
            Enabled = chosen,
            HeartbeatIntervalSeconds = s.HeartbeatIntervalSeconds,
            HeartbeatTimeoutSeconds = s.HeartbeatTimeoutSeconds,
            TimeSyncIntervalSeconds = s.TimeSyncIntervalSeconds,
        };
    }
    public static VmDriveInfo ToDriveInfo(VmConfig vm, PlacedDrive d) => new()
    {
        Id = d.Id, At = d.Address.ToString(), Media = EnumWords.Word(d.Media), Path = d.Path, Format = Word(d.Format), ReadOnly = d.ReadOnly,
        Cache = Word(d.Cache), BootIndex = Generations.BootIndex(vm, d.Address),
    };

    /// <exception cref="ValidationException">An unknown media, format or cache word.</exception>
    public static AddDrive ToAddDrive(AddDriveRequest r)
    {
        var errors = new List<ValidationError>();
        var command = new AddDrive(r.At, Parse(r.Media, "media", DriveMedia.HardDisk, errors), r.Path,
            ParseOptional<DiskFormat>(r.Format, "format", errors), r.ReadOnly, ParseOptional<DiskCache>(r.Cache, "cache", errors));
        return errors.Count > 0 ? throw new ValidationException(errors) : command;
    }

    private static string? Word<T>(T? value) where T : struct, Enum => value is { } v ? EnumWords.Word(v) : null;

    private static T Parse<T>(string? word, string field, T fallback, List<ValidationError> errors) where T : struct, Enum =>
        ParseOptional<T>(word, field, errors) ?? fallback;

    private static T? ParseOptional<T>(string? word, string field, List<ValidationError> errors) where T : struct, Enum
    {
        if (word is null)
            return null;
        if (EnumWords.TryParse<T>(word, out var value))
            return value;
        var allowed = string.Join(", ", EnumWords.All<T>());
        errors.Add(new ValidationError(field, word, $"{field}: '{word}' is not one of {allowed}."));
        return null;
    }

    /// <summary>An integration service named in a URL; an unknown word is refused naming the words allowed.</summary>
    public static IntegrationService ParseService(string word)
    {
        var errors = new List<ValidationError>();
        return ParseOptional<IntegrationService>(word, "service", errors) ?? throw new ValidationException(errors);
    }
}
