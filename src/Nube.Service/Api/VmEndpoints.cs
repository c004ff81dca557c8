using Nube.Contracts.Vms;
using Nube.Core.Vms;
using Nube.Service.Vms;

namespace Nube.Service.Api;

public static class VmEndpoints
{
    /// <summary>How long <c>vm show</c> waits for the guest agent.</summary>
    private static readonly TimeSpan ShowAgentWait = TimeSpan.FromSeconds(1);
    private const int MaxAgentWaitSeconds = 600;

    public static void MapVmEndpoints(this IEndpointRouteBuilder app)
    {
        var vms = app.MapGroup("/api/v1/vms");
        vms.MapGet("/", (VmManager m) => m.All.Select(ToSummary).ToList());
        vms.MapPost("/", async (VmSettings settings, VmManager m, CancellationToken ct) =>
        {
            var entry = await m.CreateAsync(settings, ct);
            return TypedResults.Created($"/api/v1/vms/{entry.Id}", await DetailsAsync(m, entry, TimeSpan.Zero, ct));
        });
        vms.MapGet("/{vm}", async (string vm, int? agentWait, VmManager m, CancellationToken ct) =>
        {
            var wait = agentWait is { } s ? TimeSpan.FromSeconds(Math.Clamp(s, 0, MaxAgentWaitSeconds)) : ShowAgentWait;
            return await DetailsAsync(m, m.Resolve(vm), wait, ct);
        });
        vms.MapPatch("/{vm}", async (string vm, VmSettings changes, VmManager m, CancellationToken ct) =>
        {
            var entry = m.Resolve(vm);
            await m.UpdateAsync(entry, changes, ct);
            return await DetailsAsync(m, entry, TimeSpan.Zero, ct);
        });
        vms.MapDelete("/{vm}", async (string vm, VmManager m, CancellationToken ct) =>
        {
            var entry = m.Resolve(vm);
            var details = await DetailsAsync(m, entry, TimeSpan.Zero, ct);
            await m.RemoveAsync(entry, ct);
            return details;
        });
        MapOperation(vms, "start", (m, e, ct) => m.StartAsync(e, ct));
        MapOperation(vms, "stop", (m, e, ct) => m.StopAsync(e, ct));
        MapOperation(vms, "turn-off", (m, e, ct) => m.TurnOffAsync(e, ct));
        MapOperation(vms, "pause", (m, e, ct) => m.PauseAsync(e, ct));
        MapOperation(vms, "resume", (m, e, ct) => m.ResumeAsync(e, ct));
        MapOperation(vms, "save", (m, e, ct) => m.SaveAsync(e, ct));
        vms.MapGet("/{vm}/console", (string vm, HttpContext http, VmManager m, CancellationToken ct) =>
            SerialConsole.RunAsync(http, m.Resolve(vm), ct));
    }

    private static void MapOperation(RouteGroupBuilder vms, string name, Func<VmManager, VmEntry, CancellationToken, Task> operation) =>
        vms.MapPost($"/{{vm}}/{name}", async (string vm, VmManager m, CancellationToken ct) =>
        {
            var entry = m.Resolve(vm);
            await operation(m, entry, ct);
            return await DetailsAsync(m, entry, TimeSpan.Zero, ct);
        });

    public static VmSummary ToSummary(VmEntry e)
    {
        lock (e.Sync)
        {
            return new VmSummary
            {
                Id = e.Id,
                Name = e.Name,
                State = e.Config is null ? "broken" : SettingsMapper.Name(e.State),
                ProcessorCount = e.Config?.ProcessorCount ?? 0,
                MemoryStartupMiB = e.Config?.MemoryStartupMiB ?? 0,
                UptimeSeconds = e.StartedAt is { } t && e.State is not (VmState.Off or VmState.Saved)
                    ? (long)(DateTimeOffset.UtcNow - t).TotalSeconds : null,
                StateReason = e.BrokenReason ?? e.StateReason,
            };
        }
    }

    private static async Task<VmDetails> DetailsAsync(VmManager m, VmEntry e, TimeSpan agentWait, CancellationToken ct)
    {
        var agent = agentWait > TimeSpan.Zero ? await m.ProbeAgentAsync(e, agentWait, ct) : null;
        lock (e.Sync)
        {
            return new VmDetails
            {
                Summary = ToSummary(e),
                Settings = e.Config is { } c ? SettingsMapper.ToSettings(c) : null,
                ProcessId = e.Process?.Pid,
                Accelerator = e.Accelerator is { } a ? SettingsMapper.Name(a) : null,
                GuestAgent = agent,
                VmDirectory = e.Paths.VmDirectory,
            };
        }
    }
}
