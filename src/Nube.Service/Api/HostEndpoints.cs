using Nube.Service.Persistence;
using Nube.Service.Hosts;
using Nube.Contracts.Hosts;
using Nube.Core.Editions;
using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Serialization;
using Nube.Core.Validation;
using Nube.Service.Server;
using Nube.Service.Switches;
using Nube.Service.Vms;

namespace Nube.Service.Api;

public static class HostEndpoints
{
    public static void MapHostEndpoints(this IEndpointRouteBuilder app)
    {
        var routes = app.MapGroup("/api/v1/host").WithTags("Host");
        routes.MapGet("/", (HostRuntime host, NubedOptions options, VmRegistry vms, RunAdmission running, RemoteListener remote, SwitchBook switches, HostIdentity identity) =>
            ToInfo(host, options, vms, running, remote, switches, identity))
            .Describe("GetHost", "Show the host", "The host's facts (processors, memory, KVM, QEMU), its edition and limits, and its settings.");
        routes.MapPost("/stop-vms", async (VmRegistry vms) =>
            (await vms.ApplyStopActionsAsync()).Select(v => ContractMapper.ToSummary(v.Snapshot)).ToList())
            .Describe("StopVms", "Apply the VMs' stop actions",
                "What the host does before it goes down: each running VM is saved, stopped or turned off as its stop action says. The answer is the VMs as they were left.");
        routes.MapPatch("/", async (HostRuntime host, NubedOptions options, VmRegistry vms,
            RunAdmission running, RemoteListener listener, SwitchBook switches, HostIdentity identity, HttpContext http, CancellationToken ct) =>
        {
            var settings = await JsonBody.ReadAsync<HostSettings>(http);
            // Remote settings change what is in effect, which --listen may have set at start.
            var remote = settings.Remote is { } r ? Apply(listener.Settings, r) : null;
            if (remote is not null)
                await listener.CheckAsync(remote, ct);
            AcceleratorSetting? accelerator = null;
            if (settings.Accelerator is { } word)
            {
                if (!EnumWords.TryParse<AcceleratorSetting>(word, out var parsed))
                    throw new ValidationException([new("accelerator", word,
                        $"accelerator: '{word}' is not one of {string.Join(", ", EnumWords.All<AcceleratorSetting>())}.")]);
                accelerator = parsed;
            }
            long? isoLimit = null;
            if (settings.IsoUploadLimit is { } limit)
            {
                var errors = new List<ValidationError>();
                isoLimit = Nube.Core.Disks.DiskSize.Parse("isoUploadLimit", limit, errors);
                if (errors.Count > 0)
                    throw new ValidationException(errors);
            }
            Guid? defaultSwitch = null;
            if (settings.DefaultSwitch is { Length: > 0 } switchName)
                defaultSwitch = switches.Find(switchName)?.Id ?? throw new ValidationException([new("defaultSwitch", switchName,
                    $"defaultSwitch: '{switchName}' is not a switch of this host ({(switches.Names.Count == 0 ? "it has none" : "it has " + string.Join(", ", switches.Names.Order()))}); \"\" leaves new VMs without an adapter")]);
            await host.UpdateAsync(c => c with
            {
                DefaultSwitchId = settings.DefaultSwitch is null ? c.DefaultSwitchId : defaultSwitch,
                MacAddressMinimum = settings.MacAddressMinimum?.ToLowerInvariant() ?? c.MacAddressMinimum,
                MacAddressMaximum = settings.MacAddressMaximum?.ToLowerInvariant() ?? c.MacAddressMaximum,
                Edition = settings.Edition ?? c.Edition,
                Accelerator = accelerator ?? c.Accelerator,
                StopTimeoutSeconds = settings.StopTimeoutSeconds ?? c.StopTimeoutSeconds,
                MigrationBandwidthMiBps = settings.MigrationBandwidthMiBps ?? c.MigrationBandwidthMiBps,
                LiveMigrationsAtOnce = settings.LiveMigrationsAtOnce ?? c.LiveMigrationsAtOnce,
                MigrationMaxDowntimeMs = settings.MigrationMaxDowntimeMs ?? c.MigrationMaxDowntimeMs,
                MigrationAutoConverge = settings.MigrationAutoConverge ?? c.MigrationAutoConverge,
                MigrationEncryption = settings.MigrationEncryption ?? c.MigrationEncryption,
                StorageRoots = settings.StorageRoots is { } roots ? [.. roots] : c.StorageRoots,
                PassthroughDevices = settings.PassthroughDevices is { } devices ? [.. devices] : c.PassthroughDevices,
                HeartbeatIntervalSeconds = settings.HeartbeatIntervalSeconds ?? c.HeartbeatIntervalSeconds,
                HeartbeatTimeoutSeconds = settings.HeartbeatTimeoutSeconds ?? c.HeartbeatTimeoutSeconds,
                TimeSyncIntervalSeconds = settings.TimeSyncIntervalSeconds ?? c.TimeSyncIntervalSeconds,
                IsoUploadLimitBytes = isoLimit ?? c.IsoUploadLimitBytes,
                WebConsole = settings.WebConsole ?? c.WebConsole,
                Remote = remote ?? c.Remote,
            }, ct);
            if (remote is not null)
            {
                await listener.ChangeAsync(remote, CancellationToken.None);
                // Over the UNIX socket the answer waits until the listener moved; a request over TCP
                // may be riding the very connection that the move closes, so it is answered first.
                if (http.Connection.LocalIpAddress is null)
                    await listener.WaitUntilBoundAsync(ct);
            }
            return ToInfo(host, options, vms, running, listener, switches, identity);
        }).Describe("ChangeHost", "Change the host's settings",
            "Changes the settings given (edition, accelerator, timeouts, storage roots, ISO upload limit, remote management, web console, default switch, MAC address range) and keeps the rest.")
            .Reads<HostSettings>();
    }

    /// <summary>An empty certificate path (with an empty key path) goes back to the self-signed certificate.</summary>
    private static RemoteManagement Apply(RemoteManagement now, RemoteManagementSettings change) => now with
    {
        Enabled = change.Enabled ?? now.Enabled,
        Address = change.Address ?? now.Address,
        Port = change.Port ?? now.Port,
        Tls = change.Tls ?? now.Tls,
        CertificatePath = change.CertificatePath is { } c ? (c.Length == 0 ? null : c) : now.CertificatePath,
        KeyPath = change.KeyPath is { } k ? (k.Length == 0 ? null : k) : now.KeyPath,
    };

    private static HostInfo ToInfo(HostRuntime host, NubedOptions options, VmRegistry vms, RunAdmission running, RemoteListener remote, SwitchBook switches,
        HostIdentity identity)
    {
        var e = host.Edition;
        string inUse;
        try { inUse = EnumWords.Word(AcceleratorResolver.Resolve(host.Config.Accelerator, host.Facts)); }
        catch (ValidationException ex) { inUse = $"unusable: {ex.Message}"; }
        return new HostInfo
        {
            HostName = Environment.MachineName,
            HostId = identity.Id,
            Edition = e.Name,
            EditionDisplayName = e.DisplayName,
            Accelerator = EnumWords.Word(host.Config.Accelerator),
            AcceleratorInUse = inUse,
            KvmUsable = host.Facts.KvmUsable,
            LogicalProcessors = host.Facts.LogicalProcessors,
            MemoryBytes = host.Facts.MemoryBytes,
            QemuVersion = host.QemuProblem is null ? host.Facts.QemuVersion.ToString() : "missing",
            CurrentMachines = new[] { host.Facts.Machines.Current(1), host.Facts.Machines.Current(2) }.OfType<string>().ToList(),
            DataDirectory = options.DataDir,
            StorageRoots = StorageRootRules.Roots(options.DataDir, host.Config),
            PassthroughDevices = host.Config.PassthroughDevices,
            StopTimeoutSeconds = host.Config.StopTimeoutSeconds,
            MigrationBandwidthMiBps = host.Config.MigrationBandwidthMiBps,
            LiveMigrationsAtOnce = host.Config.LiveMigrationsAtOnce,
            MigrationMaxDowntimeMs = host.Config.MigrationMaxDowntimeMs,
            MigrationAutoConverge = host.Config.MigrationAutoConverge,
            MigrationEncryption = host.Config.MigrationEncryption,
            HeartbeatIntervalSeconds = host.Config.HeartbeatIntervalSeconds,
            HeartbeatTimeoutSeconds = host.Config.HeartbeatTimeoutSeconds,
            TimeSyncIntervalSeconds = host.Config.TimeSyncIntervalSeconds,
            IsoUploadLimitBytes = host.Config.IsoUploadLimitBytes,
            VmCount = vms.All.Count,
            RunningVmCount = running.Count,
            Limits = new EditionLimits
            {
                MaxRunningVms = e.MaxRunningVms,
                MaxHostMemoryGiB = e.MaxHostMemoryGiB,
                MaxHostLogicalProcessors = e.MaxHostLogicalProcessors,
                MaxGuestMemoryMiB = e.MaxGuestMemoryMiB,
                MaxProcessorsPerVm = e.MaxProcessorsPerVm,
                MaxLegacyNetworkAdapters = e.MaxLegacyNetworkAdapters,
                MaxSyntheticNetworkAdapters = e.MaxSyntheticNetworkAdapters,
                MaxIdeControllers = e.MaxIdeControllers,
                MaxIdeDevices = e.MaxIdeDevices,
                IdeLocationsPerController = Edition.IdeLocationsPerController,
                MaxScsiControllers = e.MaxScsiControllers,
                MaxScsiDevices = e.MaxScsiDevices,
                ScsiTargetsPerController = e.ScsiTargetsPerController,
                LiveMigration = e.LiveMigration,
            },
            Remote = remote.Info(),
            WebConsole = host.Config.WebConsole,
            DefaultSwitch = switches.All.FirstOrDefault(s => s.Id == host.Config.DefaultSwitchId)?.Name,
            MacAddressMinimum = host.Config.MacAddressMinimum,
            MacAddressMaximum = host.Config.MacAddressMaximum,
        };
    }
}
