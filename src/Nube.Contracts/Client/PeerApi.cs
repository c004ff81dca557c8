using System.Net.Http.Json;
using Nube.Contracts.Hosts;

namespace Nube.Contracts.Client;

/// <summary>The hosts this one trusts, under <c>/api/v1/host/peers</c>, over the connection of a <see cref="NubeApiClient"/>.</summary>
public sealed class PeerApi(NubeApiClient client)
{
    private const string Root = "api/v1/host/peers";
    private static readonly ContractsJson Json = ContractsJson.Default;

    /// <param name="check">Ask each peer now (its reachability, QEMU and machine types).</param>
    public Task<IReadOnlyList<PeerInfo>> ListAsync(bool check = false, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, check ? $"{Root}?check=true" : Root, null, Json.IReadOnlyListPeerInfo, ct);

    /// <summary>Trusts a host: it must answer at its address, with the certificate of that fingerprint, and take the token.</summary>
    public Task<PeerInfo> AddAsync(PeerSettings settings, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, Root, JsonContent.Create(settings, Json.PeerSettings), Json.PeerInfo, ct);

    public Task<PeerInfo> RemoveAsync(string name, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Delete, $"{Root}/{Uri.EscapeDataString(name)}", null, Json.PeerInfo, ct);
}
