using System.ComponentModel;
using Nube.Contracts.Vms;
using Nube.Core.Lifecycle;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Vms;
using Nube.Service.Vms.Metering;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Api;

public static class VmEndpoints
{
    /// <summary>How long <c>vm show</c> waits for the guest agent.</summary>
    private static readonly TimeSpan ShowAgentWait = TimeSpan.FromSeconds(1);
    private const int MaxAgentWaitSeconds = 600;

    /// <summary>The lifecycle operations, one route each, in the order a VM's life takes them.</summary>
    private static readonly (VmOperation Operation, string Summary, string Description)[] Lifecycle =
    [
        (VmOperation.Start, "Start a VM",
            "Starts an off or saved VM (a saved one resumes where it was saved). With ?agentWait, the job ends once the guest agent answers, " +
            "or fails when it does not within that many seconds."),
        (VmOperation.Stop, "Stop a VM",
            "Asks the guest to shut down, through its agent first, then with the ACPI power button; a guest still there at the host's stop timeout is turned off."),
        (VmOperation.TurnOff, "Turn a VM off",
            "Ends QEMU at once, as pulling the plug does; it cancels the VM's other jobs first."),
        (VmOperation.Pause, "Pause a VM", "Stops the VM's processors; its memory stays in place."),
        (VmOperation.Resume, "Resume a VM", "Runs a paused VM's processors again."),
        (VmOperation.Save, "Save a VM",
            "Writes the VM's memory and device state to its folder and ends QEMU; start resumes it from there."),
    ];

    public static void MapVmEndpoints(this IEndpointRouteBuilder app)
    {
        var vms = app.MapGroup("/api/v1/vms").WithTags("VMs");
        vms.MapGet("/", (VmRegistry r) => r.All.Select(v => ContractMapper.ToSummary(v.Snapshot)).ToList())
            .Describe("ListVms", "List the VMs");
        vms.MapPost("/", async (HttpContext http, VmRegistry r) =>
        {
            var errors = new List<ValidationError>();
            var vm = await r.CreateAsync(ContractMapper.ToPatch(await JsonBody.ReadAsync<VmSettings>(http), errors), errors);
            return TypedResults.Created($"/api/v1/vms/{vm.Id}", Details(vm, null));
        }).Describe("CreateVm", "Create a VM", "Creates a VM from its settings; every setting left out takes its default. Every problem of the settings is named at once.")
            .Reads<VmSettings>().Problems(StatusCodes.Status409Conflict);
        vms.MapGet("/{vm}", async (string vm, [Description("Seconds to wait for the guest agent's answer (default 1, at most 600).")] int? agentWait,
            VmRegistry r, MeteringService metering, CancellationToken ct) =>
        {
            var controller = r.Resolve(vm);
            var wait = agentWait is { } s ? TimeSpan.FromSeconds(Math.Clamp(s, 0, MaxAgentWaitSeconds)) : ShowAgentWait;
            var probe = await AgentProbe.ProbeAsync(controller, wait, ct);
            var details = ContractMapper.ToDetails(controller.Snapshot, controller.Paths.VmDirectory, probe?.Status, probe?.Addresses);
            return controller.Session is null ? details
                : details with { Measurement = await metering.MeasureAsync(controller, history: false, ct) };
        }).Describe("GetVm", "Show a VM", "A VM by name or id: its settings, state, devices and, while it runs, what its guest agent says and its resource use.")
            .Problems(StatusCodes.Status404NotFound);
        vms.MapPatch("/{vm}", async (string vm, HttpContext http, VmRegistry r) =>
        {
            var changes = await JsonBody.ReadAsync<VmSettings>(http);
            var controller = r.Resolve(vm);
            var errors = new List<ValidationError>();
            await r.UpdateAsync(controller, ContractMapper.ToPatch(changes, errors), errors);
            return Details(controller, null);
        }).Describe("ChangeVm", "Change a VM's settings", "Changes the settings given and keeps the rest; while the VM runs, hardware only where it can change live.")
            .Reads<VmSettings>().Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        vms.MapDelete("/{vm}", async (string vm, [Description("Delete its disk files too, those no other VM uses and no disk has as parent.")] bool? deleteDisks,
            VmRegistry r, Disks.DiskFiles files, CancellationToken ct) =>
        {
            var controller = r.Resolve(vm);
            var details = Details(controller, null);
            var config = controller.Snapshot.Config;
            await r.RemoveAsync(controller);
            // Once the VM is gone, so that its own use of its disks no longer keeps them.
            return deleteDisks == true && config is not null
                ? details with { DiskFiles = await files.RemoveVmDisksAsync(config, CancellationToken.None) } : details;
        }).Describe("RemoveVm", "Remove a VM",
            "Removes an off or saved VM; the answer is the VM as it was. With ?deleteDisks=true, also its disk files that no other VM uses, " +
            "no disk has as parent and that lie under the storage roots; diskFiles says what became of each.")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        // A lifecycle operation is a job: 202 with the job, or its end when it comes within ?wait.
        foreach (var (operation, summary, description) in Lifecycle)
        {
            var pattern = $"/{{vm}}/{VmActions.Word(operation)}";
            var route = operation == VmOperation.Start
                ? vms.MapPost(pattern, (string vm, [Description(ApiDescription.Wait)] double? wait,
                    [Description("Seconds (1 to 600) the job waits after the start for the guest agent to answer.")] int? agentWait,
                    VmRegistry r, HttpContext http, CancellationToken ct) => RunAsync(r.Resolve(vm), operation, wait, agentWait, http, ct))
                : vms.MapPost(pattern, (string vm, [Description(ApiDescription.Wait)] double? wait, VmRegistry r, HttpContext http,
                    CancellationToken ct) => RunAsync(r.Resolve(vm), operation, wait, null, http, ct));
            route.Describe($"{operation}Vm", summary, description).AnswersJob();
        }
        vms.MapGet("/{vm}/console", (string vm, HttpContext http, VmRegistry r, CancellationToken ct) =>
            SerialConsole.RunAsync(http, r.Resolve(vm), ct))
            .Describe("OpenSerialConsole", "Open a VM's serial console (WebSocket)",
                "A WebSocket carrying the VM's first serial port both ways, as binary messages, while the VM runs.").WebSocket();
        vms.MapGet("/{vm}/screenshot", (string vm, VmRegistry r, CancellationToken ct) =>
            ScreenshotEndpoints.GetAsync(r.Resolve(vm), ct))
            .Describe("TakeScreenshot", "Take a screenshot of a VM", "The VM's screen as it is now, as a PNG image, while the VM runs or is paused.")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png").Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        vms.MapGet("/{vm}/vnc", (string vm, HttpContext http, VmRegistry r, IQemuHost qemu, IHostApplicationLifetime lifetime,
            CancellationToken ct) => VncProxy.RunAsync(http, r.Resolve(vm), qemu, lifetime, ct))
            .Describe("OpenVnc", "Open a VM's display (WebSocket)",
                "A WebSocket carrying the VM's display as the RFB (VNC) protocol, in binary messages, while the VM runs (noVNC speaks it).").WebSocket();
    }

    /// <summary>Submits a lifecycle operation's job and answers it as every job is answered.</summary>
    private static Task<IResult> RunAsync(VmController vm, VmOperation operation, double? wait, int? agentWait, HttpContext http,
        CancellationToken ct)
    {
        // Only start waits for the agent; another operation given ?agentWait says so rather than ignoring it.
        if (operation != VmOperation.Start && http.Request.Query.TryGetValue("agentWait", out var given))
            throw new ValidationException([new("agentWait", given.ToString(), "agentWait: only start waits for the guest agent")]);
        var agent = agentWait is { } a ? TimeSpan.FromSeconds(Math.Clamp(a, 1, MaxAgentWaitSeconds)) : (TimeSpan?)null;
        return JobEndpoints.AnswerAsync(vm.Submit(operation, agent), wait, http, ct);
    }

    private static VmDetails Details(VmController vm, GuestAgentStatus? agent) =>
        ContractMapper.ToDetails(vm.Snapshot, vm.Paths.VmDirectory, agent);
}
