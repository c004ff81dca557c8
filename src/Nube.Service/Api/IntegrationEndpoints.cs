using System.ComponentModel;
using Nube.Contracts.Vms;
using Nube.Core.Integration;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Vms;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Integration;

namespace Nube.Service.Api;

/// <summary>
/// A VM's integration services: their statuses, turning one on or off (live, while the VM runs),
/// and the backup service's freeze and thaw of the guest's file systems, as jobs.
/// </summary>
public static class IntegrationEndpoints
{
    private static readonly Dictionary<string, bool> Switches = new(StringComparer.Ordinal) { ["enable"] = true, ["disable"] = false };

    public static void MapIntegrationEndpoints(this IEndpointRouteBuilder app)
    {
        var vms = app.MapGroup("/api/v1/vms").WithTags("Integration services");
        vms.MapGet("/{vm}/integration-services", (string vm, VmRegistry r) => List(r.Resolve(vm)))
            .Describe("ListIntegrationServices", "List a VM's integration services", "Each service, whether it is on, and what it reports.")
            .Problems(StatusCodes.Status404NotFound);
        vms.MapPost("/{vm}/integration-services/{service}/{action}", async (string vm, string service,
            [Description("enable or disable.")] string action, VmRegistry r) =>
        {
            var controller = r.Resolve(vm);
            if (!Switches.TryGetValue(action, out var enable))
                throw new VmNotFoundException($"{vm}/integration-services/{service}/{action}");
            var chosen = ContractMapper.ParseService(service);
            await controller.ChangeAsync(new SwitchIntegrationService(chosen, enable));
            return ContractMapper.ToIntegrationInfo(controller.Snapshot, chosen);
        }).Describe("SwitchIntegrationService", "Turn an integration service on or off",
            "Turns one service on (enable) or off (disable); while the VM runs, at once.")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        vms.MapPost("/{vm}/freeze", async (string vm,
            [Description("Seconds (1 to the most the host allows) after which the guest thaws by itself.")] int? timeoutSeconds,
            [Description(ApiDescription.Wait)] double? wait, VmRegistry r, HttpContext http, CancellationToken ct) =>
        {
            var timeout = FreezeTimeout(timeoutSeconds);
            var controller = r.Resolve(vm);
            var job = controller.GuestJobs.Start("freeze", async (job, _, t) =>
            {
                job.Report("freezing the guest's file systems");
                var frozen = await controller.GuestIntegration.Freeze.FreezeAsync("frozen by an operator", timeout, t);
                return $"Froze {frozen.State.FileSystems} file system(s) until {frozen.State.ThawDeadline:HH:mm:ss} UTC at the latest; 'thaw' thaws them sooner.";
            });
            return await JobEndpoints.AnswerAsync(job, wait, http, ct);
        }).Describe("FreezeVm", "Freeze a VM's file systems",
            "The backup service's freeze: the guest flushes and freezes its file systems until thaw, or until the timeout, as a job.")
            .AnswersJob();
        vms.MapPost("/{vm}/thaw", async (string vm, [Description(ApiDescription.Wait)] double? wait, VmRegistry r, HttpContext http,
            CancellationToken ct) =>
        {
            var controller = r.Resolve(vm);
            var job = controller.GuestJobs.Start("thaw", async (job, _, t) =>
            {
                job.Report("thawing the guest's file systems");
                var count = await controller.GuestIntegration.Freeze.ThawAsync("thawed by an operator", t);
                return $"Thawed {count} file system(s).";
            });
            return await JobEndpoints.AnswerAsync(job, wait, http, ct);
        }).Describe("ThawVm", "Thaw a VM's file systems", "Ends a freeze before its timeout, as a job.").AnswersJob();
    }

    private static List<IntegrationServiceInfo> List(VmController vm)
    {
        var now = vm.Snapshot;
        return [.. IntegrationServices.All.Select(service => ContractMapper.ToIntegrationInfo(now, service))];
    }

    private static TimeSpan FreezeTimeout(int? seconds)
    {
        var value = seconds ?? GuestFreeze.DefaultTimeoutSeconds;
        if (value is < 1 or > GuestFreeze.MaxTimeoutSeconds)
            throw new ValidationException([new("timeoutSeconds", value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"timeoutSeconds: {value} is outside the range 1 to {GuestFreeze.MaxTimeoutSeconds} seconds")]);
        return TimeSpan.FromSeconds(value);
    }
}
