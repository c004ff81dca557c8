using System.Net.Http.Json;
using Nube.Contracts.Switches;

namespace Nube.Contracts.Client;

/// <summary>The host's virtual switches under <c>/api/v1/switches</c>, over the connection of a <see cref="NubeApiClient"/>.</summary>
public sealed class SwitchApi(NubeApiClient client)
{
    private const string Root = "api/v1/switches";
    private static readonly ContractsJson Json = ContractsJson.Default;

    public Task<IReadOnlyList<SwitchInfo>> ListAsync(CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, Root, null, Json.IReadOnlyListSwitchInfo, ct);

    public Task<SwitchInfo> GetAsync(string nameOrId, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, $"{Root}/{Uri.EscapeDataString(nameOrId)}", null, Json.SwitchInfo, ct);

    public Task<SwitchInfo> CreateAsync(SwitchSettings settings, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, Root, JsonContent.Create(settings, Json.SwitchSettings), Json.SwitchInfo, ct);

    public Task<SwitchInfo> UpdateAsync(string nameOrId, SwitchSettings settings, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Patch, $"{Root}/{Uri.EscapeDataString(nameOrId)}", JsonContent.Create(settings, Json.SwitchSettings), Json.SwitchInfo, ct);

    /// <summary>Removes a switch; with <paramref name="force"/>, the adapters that name it are left not connected instead of the removal refused.</summary>
    public Task<SwitchInfo> RemoveAsync(string nameOrId, bool force = false, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Delete, $"{Root}/{Uri.EscapeDataString(nameOrId)}{(force ? "?force=true" : "")}", null, Json.SwitchInfo, ct);
}
