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
    public static void MapKvpEndpoints(this IEndpointRouteBuilder app)
    {
        var kvp = app.MapGroup("/api/v1/vms/{vm}/kvp");
        kvp.MapGet("/", (string vm, string? pool, VmRegistry r, KvpService s, CancellationToken ct) =>
            s.ListAsync(r.Resolve(vm), pool, ct));
        kvp.MapGet("/item", (string vm, string? key, string? pool, VmRegistry r, KvpService s, CancellationToken ct) =>
            s.GetAsync(r.Resolve(vm), key, pool, ct));
        kvp.MapPut("/item", async (string vm, HttpContext http, VmRegistry r, KvpService s, CancellationToken ct) =>
        {
            var body = await JsonBody.ReadAsync<KvpSetRequest>(http);
            return await s.SetAsync(r.Resolve(vm), body.Key, body.Value, ct);
        });
        kvp.MapDelete("/item", (string vm, string? key, VmRegistry r, KvpService s, CancellationToken ct) =>
            s.RemoveAsync(r.Resolve(vm), key, ct));
    }
}
