using Nube.Contracts.Hosts;
using Nube.Core.Editions;
using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Service.Hosting;
using Nube.Service.Vms;

namespace Nube.Service.Api;

public static class HostEndpoints
{
    public static void MapHostEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/host", (HostRuntime host, NubedOptions options, VmManager vms) => ToInfo(host, options, vms));
        app.MapPost("/api/v1/host/stop-vms", async (VmManager vms, CancellationToken ct) =>
            (await vms.ApplyStopActionsAsync(ct)).Select(VmEndpoints.ToSummary).ToList());
        app.MapPatch("/api/v1/host", async (HostSettings settings, HostRuntime host, NubedOptions options, VmManager vms, CancellationToken ct) =>
        {
            var errors = new List<ValidationError>();
            AcceleratorSetting? accelerator = null;
            if (settings.Accelerator is { } word)
            {
                accelerator = Enum.GetValues<AcceleratorSetting>().Cast<AcceleratorSetting?>()
                    .FirstOrDefault(a => string.Equals(SettingsMapper.Name(a!.Value), word, StringComparison.OrdinalIgnoreCase));
                if (accelerator is null)
                    errors.Add(new ValidationError("accelerator", word, $"accelerator: '{word}' is not one of auto, kvm, tcg."));
            }
            if (errors.Count > 0)
                throw new ValidationException(errors);
            await host.UpdateAsync(c => c with
            {
                Edition = settings.Edition ?? c.Edition,
                Accelerator = accelerator ?? c.Accelerator,
                StopTimeoutSeconds = settings.StopTimeoutSeconds ?? c.StopTimeoutSeconds,
            }, ct);
            return ToInfo(host, options, vms);
        });
    }

    private static HostInfo ToInfo(HostRuntime host, NubedOptions options, VmManager vms)
    {
        var e = host.Edition;
        string inUse;
        try { inUse = SettingsMapper.Name(AcceleratorResolver.Resolve(host.Config.Accelerator, host.Facts)); }
        catch (ValidationException ex) { inUse = $"unusable: {ex.Message}"; }
        return new HostInfo
        {
            HostName = Environment.MachineName,
            Edition = e.Name,
            EditionDisplayName = e.DisplayName,
            Accelerator = SettingsMapper.Name(host.Config.Accelerator),
            AcceleratorInUse = inUse,
            KvmUsable = host.Facts.KvmUsable,
            LogicalProcessors = host.Facts.LogicalProcessors,
            MemoryBytes = host.Facts.MemoryBytes,
            QemuVersion = host.QemuProblem is null ? host.Facts.QemuVersion.ToString() : "missing",
            DataDirectory = options.DataDir,
            StopTimeoutSeconds = host.Config.StopTimeoutSeconds,
            VmCount = vms.All.Count,
            RunningVmCount = vms.RunningCount,
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
                MaxScsiControllers = e.MaxScsiControllers,
                MaxScsiDevices = e.MaxScsiDevices,
                LiveMigration = e.LiveMigration,
            },
        };
    }
}
