using Nube.Contracts.Hosts;
using Nube.Service.Hosts;
using Nube.Service.Server;

namespace Nube.Service.Api;

/// <summary><c>/api/v1/host/peers</c>: the hosts this one trusts, which VMs will move between.</summary>
public static class PeerEndpoints
{
    public static IServiceCollection AddPeers(this IServiceCollection services, string dataDirectory) =>
        services.AddSingleton(sp => new HostPeers(dataDirectory, sp.GetRequiredService<TimeProvider>()));

    public static void MapPeerEndpoints(this IEndpointRouteBuilder app)
    {
        var routes = app.MapGroup("/api/v1/host/peers").WithTags("Host");
        routes.MapGet("/", (HostPeers peers, bool? check, CancellationToken ct) => peers.ListAsync(check == true, ct))
            .Describe("ListPeers", "List the peer hosts",
                "The hosts this one trusts: each one's address and pinned certificate fingerprint. With check=true each is asked at once " +
                "(reachable with that certificate and its token, its QEMU version and the machine types of its new VMs).");
        routes.MapPost("/", async (HostPeers peers, RemoteListener remote, HttpContext http, CancellationToken ct) =>
            {
                var request = await JsonBody.ReadAsync<PeerSettings>(http);
                return Results.Created($"/api/v1/host/peers/{Uri.EscapeDataString(request.Name ?? "")}",
                    await peers.AddAsync(request, remote.Info().CertificateFingerprint, ct));
            })
            .Describe("AddPeer", "Trust another host",
                "Pins the certificate fingerprint the peer's 'nube host info' shows and keeps an API token of it. The peer must answer at its https " +
                "address with that certificate and take the token, or nothing is kept. The token is never shown again.");
        routes.MapDelete("/{name}", (HostPeers peers, string name, CancellationToken ct) => peers.RemoveAsync(name, ct))
            .Describe("RemovePeer", "Stop trusting a host", "Forgets the peer, its pinned fingerprint and its token.");
    }
}
