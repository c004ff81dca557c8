using System.Net.Http.Json;
using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Contracts.Client;

/// <summary>Moving VMs between peer hosts, over the connection of a <see cref="NubeApiClient"/>.</summary>
public sealed class MigrationApi(NubeApiClient client)
{
    private static readonly ContractsJson Json = ContractsJson.Default;

    /// <summary>Whether the VM can move to the peer <paramref name="to"/>, live or quick, and every reason it cannot.</summary>
    public Task<MoveCheckInfo> CheckAsync(string vm, string to, bool live = true, CancellationToken ct = default) =>
        CheckAsync(vm, new MoveRequest { To = to, Live = live }, ct);

    /// <summary>Whether the VM can move as <paramref name="move"/> asks (live or quick, with its storage or not), and every reason it cannot.</summary>
    public Task<MoveCheckInfo> CheckAsync(string vm, MoveRequest move, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, $"{NubeApiClient.VmPath(vm)}/move-check?to={Uri.EscapeDataString(move.To)}&live={(move.Live ? "true" : "false")}" +
            (move.WithStorage ? "&withStorage=true" : "") + (move.StorageFolder is { } folder ? $"&storageFolder={Uri.EscapeDataString(folder)}" : ""), null,
            Json.MoveCheckInfo, ct);

    /// <summary>A peer's question to this host: could it take this VM? (The answer's destination is this host's name.)</summary>
    public Task<MoveCheckInfo> CheckIncomingAsync(MoveCheckRequest request, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, "api/v1/migrations/check", JsonContent.Create(request, Json.MoveCheckRequest), Json.MoveCheckInfo, ct);

    /// <summary>Starts moving the VM to the peer the request names, as a job.</summary>
    public Task<JobInfo> MoveAsync(string vm, MoveRequest request, double waitSeconds = 0, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"{NubeApiClient.VmPath(vm)}/move?wait={waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            JsonContent.Create(request, Json.MoveRequest), Json.JobInfo, ct);

    /// <summary>Source to destination: make the VM, its QEMU waiting for the stream (Prepare).</summary>
    public Task<IncomingMoveInfo> PrepareAsync(IncomingMoveRequest request, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, "api/v1/migrations", JsonContent.Create(request, Json.IncomingMoveRequest), Json.IncomingMoveInfo, ct);

    /// <summary>Source to destination, once the stream completed: take the VM (Finish). Refused when the move was aborted.</summary>
    public Task<MoveAnswer> FinishAsync(Guid migration, FinishMoveRequest request, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"api/v1/migrations/{migration}/finish", JsonContent.Create(request, Json.FinishMoveRequest), Json.MoveAnswer, ct);

    /// <summary>Source to destination: give the move up, unless the destination already owns the VM (the answer says which).</summary>
    public Task<MoveAnswer> AbortAsync(Guid migration, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"api/v1/migrations/{migration}/abort", null, Json.MoveAnswer, ct);

    /// <summary>Starts moving the VM's disk files to another folder of this host while it runs, as a job.</summary>
    public Task<JobInfo> MoveStorageAsync(string vm, MoveStorageRequest request, double waitSeconds = 0, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"{NubeApiClient.VmPath(vm)}/move-storage?wait={waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            JsonContent.Create(request, Json.MoveStorageRequest), Json.JobInfo, ct);
}
