using System.ComponentModel;
using System.Net;
using Nube.Contracts.Vms;
using Nube.Service.Migration;
using Nube.Service.Vms;

namespace Nube.Service.Api;

/// <summary>Moving VMs between peer hosts: the check, the move as a job, and the destination's side of a move.</summary>
public static class MigrationEndpoints
{
    public static IServiceCollection AddMigration(this IServiceCollection services, string dataDirectory) => services
        .AddSingleton<MoveCheck>()
        .AddSingleton(sp => new MigrationStore(dataDirectory, sp.GetRequiredService<ILogger<MigrationStore>>()))
        .AddSingleton<IncomingMoves>()
        .AddSingleton<OutgoingMoves>()
        .AddSingleton<StorageMoves>()
        .AddSingleton<MoveRecovery>()
        .AddHostedService(sp => sp.GetRequiredService<MoveRecovery>());

    public static void MapMigrationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/vms/{vm}/move-check", (string vm, string to, bool? live, bool? withStorage, string? storageFolder, VmRegistry vms, MoveCheck check,
                CancellationToken ct) =>
                check.CheckAsync(vms.Resolve(vm).Snapshot,
                    new MoveRequest { To = to, Live = live != false, WithStorage = withStorage == true, StorageFolder = storageFolder }, ct))
            .WithTags("Migration")
            .Describe("CheckMove", "Check whether a VM can move to a peer",
                "Every reason the VM cannot move to the peer host 'to' now, live (the default) or quick (live=false), as Hyper-V's Compare-VM: " +
                "this host checks the VM (its state, its images, its edition and QEMU), the peer everything that lets it take the VM; withStorage=true checks a move " +
                "that copies the disks (into storageFolder there, or to the same paths). Nothing changes anywhere.");
        app.MapPost("/api/v1/vms/{vm}/move", async (string vm, [Description(ApiDescription.Wait)] double? wait, VmRegistry vms, OutgoingMoves moves,
                HttpContext http, CancellationToken ct) =>
            {
                var job = moves.Submit(vms.Resolve(vm), await JsonBody.ReadAsync<MoveRequest>(http));
                return await JobEndpoints.AnswerAsync(job, wait, http, ct);
            })
            .WithTags("Migration")
            .Describe("MoveVm", "Move a VM to a peer host",
                "Live migration (the memory copied while the VM runs, then a pause of at most the host's maximum downtime) or quick (live=false: " +
                "paused first), as a job with the passes, bytes and dirty rate as its progress. The disks stay where they are, on storage both hosts reach, " +
                "unless withStorage=true: then they are copied to the peer while the VM runs (into storageFolder there, or to the same paths) and deleted here once it took the VM. " +
                "Cancel works until the switch-over; a failed move leaves the VM running here as before.")
            .Reads<MoveRequest>().AnswersJob();
        app.MapPost("/api/v1/vms/{vm}/move-storage", async (string vm, [Description(ApiDescription.Wait)] double? wait, VmRegistry vms, StorageMoves moves,
                HttpContext http, CancellationToken ct) =>
            {
                var job = moves.Submit(vms.Resolve(vm), await JsonBody.ReadAsync<MoveStorageRequest>(http));
                return await JobEndpoints.AnswerAsync(job, wait, http, ct);
            })
            .WithTags("Migration")
            .Describe("MoveVmStorage", "Move a running VM's disks to another folder",
                "Hyper-V's Move-VMStorage: each disk file is copied into the folder (under a storage root) while the VM runs, the disk switched over to it, " +
                "and the old file deleted; as a job. Checkpoints, differencing disks and VHD/VHDX images are refused; passthrough disks stay.")
            .Reads<MoveStorageRequest>().AnswersJob();
        app.MapPost("/api/v1/migrations/check", async (MoveCheck check, HttpContext http, CancellationToken ct) =>
                await check.CheckIncomingAsync(await JsonBody.ReadAsync<MoveCheckRequest>(http), ct))
            .WithTags("Migration")
            .Describe("CheckIncomingMove", "Check whether this host can take a VM",
                "A peer's question before a move: could this host take the VM it describes (edition limits and QEMU, the pinned machine type, " +
                "the switches by name, the disks at the same paths under its storage roots, a name and id of its own)? Nothing changes.");
        app.MapPost("/api/v1/migrations", async (IncomingMoves incoming, HttpContext http, CancellationToken ct) =>
                await incoming.PrepareAsync(await JsonBody.ReadAsync<IncomingMoveRequest>(http), ListenAddress(http), http.Connection.RemoteIpAddress, ct))
            .WithTags("Migration")
            .Describe("PrepareIncomingMove", "Make a VM that moves here",
                "A source's Prepare: the VM made exactly as the source stores it, in the incoming state, its QEMU listening for the TLS stream " +
                "on the address the request came to; the answer gives the port and the move's key.")
            .Reads<IncomingMoveRequest>();
        app.MapPost("/api/v1/migrations/{id}/finish", async (Guid id, IncomingMoves incoming, HttpContext http) =>
                await incoming.FinishAsync(id, await JsonBody.ReadAsync<FinishMoveRequest>(http)))
            .WithTags("Migration")
            .Describe("FinishIncomingMove", "Take a VM whose stream is in",
                "A source's Finish: once the stream is whole here, the handover is recorded and the guest resumes; answers owns, or aborted " +
                "when the move was given up (then the source resumes its copy).")
            .Reads<FinishMoveRequest>();
        app.MapPost("/api/v1/migrations/{id}/abort", (Guid id, IncomingMoves incoming) => incoming.AbortAsync(id))
            .WithTags("Migration")
            .Describe("AbortIncomingMove", "Give a move up",
                "Deletes what this host made for the move (never the disks) unless it already owns the VM; answers owns or aborted.");
    }

    /// <summary>The destination's QEMU listens where the source reached this host (loopback for a source on this machine).</summary>
    private static IPAddress ListenAddress(HttpContext http) =>
        http.Connection.LocalIpAddress is { } local ? (local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local) : IPAddress.Loopback;
}
