using Nube.Contracts.Vms;
using Nube.Service.Vms;

namespace Nube.Service.Api;

/// <summary>Moving VMs between peer hosts: for now, whether a VM can move (both ends' checks).</summary>
public static class MigrationEndpoints
{
    public static void MapMigrationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/vms/{vm}/move-check", (string vm, string to, bool? live, VmRegistry vms, MoveCheck check, CancellationToken ct) =>
                check.CheckAsync(vms.Resolve(vm), to, live != false, ct))
            .WithTags("Migration")
            .Describe("CheckMove", "Check whether a VM can move to a peer",
                "Every reason the VM cannot move to the peer host 'to' now, live (the default) or quick (live=false), as Hyper-V's Compare-VM: " +
                "this host checks the VM (its state, its images, its edition and QEMU), the peer everything that lets it take the VM. Nothing changes anywhere.");
        app.MapPost("/api/v1/migrations/check", async (MoveCheck check, HttpContext http, CancellationToken ct) =>
                await check.CheckIncomingAsync(await JsonBody.ReadAsync<MoveCheckRequest>(http), ct))
            .WithTags("Migration")
            .Describe("CheckIncomingMove", "Check whether this host can take a VM",
                "A peer's question before a move: could this host take the VM it describes (edition limits and QEMU, the pinned machine type, " +
                "the switches by name, the disks at the same paths under its storage roots, a name and id of its own)? Nothing changes.");
    }
}
