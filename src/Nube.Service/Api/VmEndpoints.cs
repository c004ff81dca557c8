using Nube.Contracts.Vms;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Vms;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Metering;
using Nube.Service.Vms.Qemu;

namespace Nube.Service.Api;

public static class VmEndpoints
{
    /// <summary>How long <c>vm show</c> waits for the guest agent.</summary>
    private static readonly TimeSpan ShowAgentWait = TimeSpan.FromSeconds(1);
    private const int MaxAgentWaitSeconds = 600;

    private static readonly Dictionary<string, VmOperation> Operations =
        Enum.GetValues<VmOperation>().ToDictionary(VmOperations.Kind, StringComparer.Ordinal);

    public static void MapVmEndpoints(this IEndpointRouteBuilder app)
    {
        var vms = app.MapGroup("/api/v1/vms");
        vms.MapGet("/", (VmRegistry r) => r.All.Select(v => ContractMapper.ToSummary(v.Snapshot)).ToList());
        vms.MapPost("/", async (HttpContext http, VmRegistry r) =>
        {
            var errors = new List<ValidationError>();
            var vm = await r.CreateAsync(ContractMapper.ToPatch(await JsonBody.ReadAsync<VmSettings>(http), errors), errors);
            return TypedResults.Created($"/api/v1/vms/{vm.Id}", Details(vm, null));
        });
        vms.MapGet("/{vm}", async (string vm, int? agentWait, VmRegistry r, MeteringService metering, CancellationToken ct) =>
        {
            var controller = r.Resolve(vm);
            var wait = agentWait is { } s ? TimeSpan.FromSeconds(Math.Clamp(s, 0, MaxAgentWaitSeconds)) : ShowAgentWait;
            var details = Details(controller, await AgentProbe.ProbeAsync(controller, wait, ct));
            return controller.Session is null ? details
                : details with { Measurement = await metering.MeasureAsync(controller, history: false, ct) };
        });
        vms.MapPatch("/{vm}", async (string vm, HttpContext http, VmRegistry r) =>
        {
            var changes = await JsonBody.ReadAsync<VmSettings>(http);
            var controller = r.Resolve(vm);
            var errors = new List<ValidationError>();
            await r.UpdateAsync(controller, ContractMapper.ToPatch(changes, errors), errors);
            return Details(controller, null);
        });
        vms.MapDelete("/{vm}", async (string vm, VmRegistry r) =>
        {
            var controller = r.Resolve(vm);
            var details = Details(controller, null);
            await r.RemoveAsync(controller);
            return details;
        });
        // A lifecycle operation is a job: 202 with the job, or its end when it comes within ?wait.
        vms.MapPost("/{vm}/{operation}", async (string vm, string operation, double? wait, int? agentWait,
            VmRegistry r, HttpContext http, CancellationToken ct) =>
        {
            if (!Operations.TryGetValue(operation, out var op))
                throw new VmNotFoundException($"{vm}/{operation}");
            if (agentWait is not null && op != VmOperation.Start)
                throw new ValidationException([new("agentWait", agentWait.ToString()!, "agentWait: only start waits for the guest agent")]);
            var agent = agentWait is { } a ? TimeSpan.FromSeconds(Math.Clamp(a, 1, MaxAgentWaitSeconds)) : (TimeSpan?)null;
            var job = r.Resolve(vm).Submit(op, agent);
            return await JobEndpoints.AnswerAsync(job, wait, http, ct);
        });
        vms.MapGet("/{vm}/console", (string vm, HttpContext http, VmRegistry r, CancellationToken ct) =>
            SerialConsole.RunAsync(http, r.Resolve(vm), ct));
        vms.MapGet("/{vm}/screenshot", (string vm, VmRegistry r, CancellationToken ct) =>
            ScreenshotEndpoints.GetAsync(r.Resolve(vm), ct));
        vms.MapGet("/{vm}/vnc", (string vm, HttpContext http, VmRegistry r, IQemuHost qemu, IHostApplicationLifetime lifetime,
            CancellationToken ct) => VncProxy.RunAsync(http, r.Resolve(vm), qemu, lifetime, ct));
    }

    private static VmDetails Details(VmController vm, GuestAgentStatus? agent) =>
        ContractMapper.ToDetails(vm.Snapshot, vm.Paths.VmDirectory, agent);
}
