using System.Net.Http.Json;
using Nube.Contracts.Vms;

namespace Nube.Contracts.Client;

/// <summary>Moving VMs between peer hosts, over the connection of a <see cref="NubeApiClient"/>.</summary>
public sealed class MigrationApi(NubeApiClient client)
{
    private static readonly ContractsJson Json = ContractsJson.Default;

    /// <summary>Whether the VM can move to the peer <paramref name="to"/>, live or quick, and every reason it cannot.</summary>
    public Task<MoveCheckInfo> CheckAsync(string vm, string to, bool live = true, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, $"{NubeApiClient.VmPath(vm)}/move-check?to={Uri.EscapeDataString(to)}&live={(live ? "true" : "false")}", null,
            Json.MoveCheckInfo, ct);

    /// <summary>A peer's question to this host: could it take this VM? (The answer's destination is this host's name.)</summary>
    public Task<MoveCheckInfo> CheckIncomingAsync(MoveCheckRequest request, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, "api/v1/migrations/check", JsonContent.Create(request, Json.MoveCheckRequest), Json.MoveCheckInfo, ct);
}
