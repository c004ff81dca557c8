using System.ComponentModel;
using Nube.Contracts.Vms;
using Nube.Service.Vms;
using Nube.Service.Vms.Integration;

namespace Nube.Service.Api;

/// <summary>
/// Data exchange (KVP) of a VM. The key travels in the query or the body, not the path: a client
/// resolves "." and ".." path segments away, and such a key must reach the host to get its error.
/// </summary>
public static class KvpEndpoints
{
    private const string Pool = "A pool: host (pairs the host writes into the guest), guest (pairs the guest writes) or intrinsic (the guest's facts); " +
        "without it, all three (a get takes the first that has the key).";
    private const string Key = "The item's key.";

    public static void MapKvpEndpoints(this IEndpointRouteBuilder app)
    {
        var kvp = app.MapGroup("/api/v1/vms/{vm}/kvp").WithTags("Data exchange (KVP)").Problems(StatusCodes.Status404NotFound);
        kvp.MapGet("/", (string vm, [Description(Pool)] string? pool, VmRegistry r, KvpService s, CancellationToken ct) =>
            s.ListAsync(r.Resolve(vm), pool, ct))
            .Describe("ListKvp", "List a VM's data exchange items", "The pairs of the VM's pools, or of one.").Problems(StatusCodes.Status400BadRequest);
        kvp.MapGet("/item", (string vm, [Description(Key)] string? key, [Description(Pool)] string? pool, VmRegistry r, KvpService s,
            CancellationToken ct) => s.GetAsync(r.Resolve(vm), key, pool, ct))
            .Describe("GetKvpItem", "Read a data exchange item").Problems(StatusCodes.Status400BadRequest);
        kvp.MapPut("/item", async (string vm, HttpContext http, VmRegistry r, KvpService s, CancellationToken ct) =>
        {
            var body = await JsonBody.ReadAsync<KvpSetRequest>(http);
            return await s.SetAsync(r.Resolve(vm), body.Key, body.Value, ct);
        }).Describe("SetKvpItem", "Write a data exchange item", "Writes a key and its value to the host pool, which the guest reads.")
            .Reads<KvpSetRequest>();
        kvp.MapDelete("/item", (string vm, [Description(Key)] string? key, VmRegistry r, KvpService s, CancellationToken ct) =>
            s.RemoveAsync(r.Resolve(vm), key, ct))
            .Describe("RemoveKvpItem", "Remove a data exchange item", "Removes a key from the host pool.").Problems(StatusCodes.Status400BadRequest);
    }
}
