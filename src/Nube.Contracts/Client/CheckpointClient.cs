using System.Globalization;
using System.Net.Http.Json;
using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Contracts.Client;

/// <summary>A VM's checkpoints through the API: the tree, and new, apply and remove as jobs; rename answers at once.</summary>
public static class CheckpointClient
{
    private static readonly ContractsJson Json = ContractsJson.Default;

    public static Task<CheckpointTree> ListCheckpointsAsync(this NubeApiClient client, string vm, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, Path(vm), null, Json.CheckpointTree, ct);

    public static Task<JobInfo> StartCheckpointAsync(this NubeApiClient client, string vm, NewCheckpointRequest request, double waitSeconds = 0,
        CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"{Path(vm)}?wait={Wait(waitSeconds)}", JsonContent.Create(request, Json.NewCheckpointRequest), Json.JobInfo, ct);

    public static Task<JobInfo> StartApplyCheckpointAsync(this NubeApiClient client, string vm, string checkpoint, double waitSeconds = 0,
        CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"{Path(vm, checkpoint)}/apply?wait={Wait(waitSeconds)}", null, Json.JobInfo, ct);

    public static Task<JobInfo> StartRemoveCheckpointAsync(this NubeApiClient client, string vm, string checkpoint, double waitSeconds = 0,
        CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Delete, $"{Path(vm, checkpoint)}?wait={Wait(waitSeconds)}", null, Json.JobInfo, ct);

    public static Task<CheckpointInfo> RenameCheckpointAsync(this NubeApiClient client, string vm, string checkpoint, string name,
        CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Patch, Path(vm, checkpoint), JsonContent.Create(new RenameCheckpointRequest { Name = name }, Json.RenameCheckpointRequest),
            Json.CheckpointInfo, ct);

    private static string Path(string vm) => $"{NubeApiClient.VmPath(vm)}/checkpoints";

    private static string Path(string vm, string checkpoint) => $"{Path(vm)}/{Uri.EscapeDataString(checkpoint)}";

    private static string Wait(double seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
