using System.Globalization;
using System.Net.Http.Json;
using Nube.Contracts.Disks;
using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Contracts.Client;

/// <summary>The host's disk files under <c>/api/v1/disks</c>, and a VM's drives, over the connection of a <see cref="NubeApiClient"/>.</summary>
public sealed class DiskApi(NubeApiClient client)
{
    private const string Root = "api/v1/disks";
    private static readonly ContractsJson Json = ContractsJson.Default;

    /// <summary>The disk files under the host's storage roots, as far as the host's bounded walk goes.</summary>
    public Task<DiskList> ListAsync(CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, Root, null, Json.DiskList, ct);

    public Task<DiskInfo> ShowAsync(string path, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, $"{Root}?path={Uri.EscapeDataString(path)}", null, Json.DiskInfo, ct);

    public Task<DiskInfo> CreateAsync(NewDiskRequest request, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, Root, JsonContent.Create(request, Json.NewDiskRequest), Json.DiskInfo, ct);

    /// <summary>Starts a conversion as a job: ended when it finished within <paramref name="waitSeconds"/>.</summary>
    public Task<JobInfo> ConvertAsync(ConvertDiskRequest request, double waitSeconds = 0, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"{Root}/convert?wait={Seconds(waitSeconds)}", JsonContent.Create(request, Json.ConvertDiskRequest),
            Json.JobInfo, ct);

    public Task<DiskInfo> ResizeAsync(ResizeDiskRequest request, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"{Root}/resize", JsonContent.Create(request, Json.ResizeDiskRequest), Json.DiskInfo, ct);

    /// <summary>Starts a merge of a differencing child into its parent as a job.</summary>
    public Task<JobInfo> MergeAsync(MergeDiskRequest request, double waitSeconds = 0, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"{Root}/merge?wait={Seconds(waitSeconds)}", JsonContent.Create(request, Json.MergeDiskRequest),
            Json.JobInfo, ct);

    public Task<DiskCheck> CheckAsync(CheckDiskRequest request, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"{Root}/check", JsonContent.Create(request, Json.CheckDiskRequest), Json.DiskCheck, ct);

    /// <summary>Deletes a disk file no VM uses and no disk has as parent; the answer is the disk as it was.</summary>
    public Task<DiskInfo> RemoveAsync(string path, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Delete, $"{Root}?path={Uri.EscapeDataString(path)}", null, Json.DiskInfo, ct);

    /// <summary>A VM's drives (<c>nube vm disk</c>, <c>nube vm dvd</c>).</summary>
    public Task<IReadOnlyList<VmDriveInfo>> ListDrivesAsync(string vm, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, Drives(vm), null, Json.IReadOnlyListVmDriveInfo, ct);

    public Task<IReadOnlyList<VmDriveInfo>> AddDriveAsync(string vm, AddDriveRequest request, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, Drives(vm), JsonContent.Create(request, Json.AddDriveRequest), Json.IReadOnlyListVmDriveInfo, ct);

    public Task<IReadOnlyList<VmDriveInfo>> RemoveDriveAsync(string vm, string drive, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Delete, $"{Drives(vm)}/{Uri.EscapeDataString(drive)}", null, Json.IReadOnlyListVmDriveInfo, ct);

    public Task<IReadOnlyList<VmDriveInfo>> SetMediumAsync(string vm, DriveMediumRequest request, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Post, $"{Drives(vm)}/medium", JsonContent.Create(request, Json.DriveMediumRequest), Json.IReadOnlyListVmDriveInfo, ct);

    private static string Drives(string vm) => $"api/v1/vms/{Uri.EscapeDataString(vm)}/drives";

    private static string Seconds(double seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
