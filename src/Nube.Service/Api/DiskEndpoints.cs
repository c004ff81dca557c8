using System.ComponentModel;
using Microsoft.OpenApi;
using Nube.Contracts.Disks;
using Nube.Service.Disks;

namespace Nube.Service.Api;

/// <summary>The host's disk files under <c>/api/v1/disks</c>; each names its file by its absolute path, under the storage roots.</summary>
public static class DiskEndpoints
{
    private const string PathDescription = "The disk file's absolute path, under the host's storage roots.";

    public static IServiceCollection AddDisks(this IServiceCollection services) =>
        services.AddSingleton<Vms.Disks.QemuImgDiskChains>().AddSingleton<DiskUsage>().AddSingleton<DiskFiles>().AddSingleton<DiskJobs>()
            .AddSingleton<IsoLibrary>();

    public static void MapDiskEndpoints(this IEndpointRouteBuilder app)
    {
        var disks = app.MapGroup("/api/v1/disks").WithTags("Disks").Problems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        disks.MapGet("/", async Task<IResult> ([Description(PathDescription + " Left out: every disk file under the roots.")] string? path,
                DiskFiles files, CancellationToken ct) =>
                path is null ? TypedResults.Ok(await files.ListAsync(ct)) : TypedResults.Ok(await files.ShowAsync(path, ct)))
            .Describe("GetDisk", "Show a disk file, or list them",
                "With path: its format, virtual and file size, dirty and corrupt flags, its parents and the VMs that use it. " +
                $"Without: a DiskList of every file named as a disk (.vhdx, .vhd, .qcow2, .raw, .img) under the storage roots, at most " +
                $"{DiskFiles.MaxListDepth} folders deep, {DiskFiles.MaxWalked} files looked at and {DiskFiles.MaxListed} described (truncated says " +
                "when the walk stopped there), links skipped.")
            .Answers(StatusCodes.Status200OK, typeof(DiskInfo), "application/json", "With path: the disk file (DiskInfo); without: the list (DiskList).")
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                // One route, two answers: the document offers both shapes for the 200.
                var content = operation.Responses!["200"].Content!["application/json"];
                context.Document!.AddComponent(nameof(DiskList), await context.GetOrCreateSchemaAsync(typeof(DiskList), null, ct));
                content.Schema = new OpenApiSchema { OneOf = [content.Schema!, new OpenApiSchemaReference(nameof(DiskList), context.Document)] };
            });
        disks.MapPost("/", async (HttpContext http, DiskFiles files, CancellationToken ct) =>
        {
            var info = await files.CreateAsync(await JsonBody.ReadAsync<NewDiskRequest>(http), ct);
            return TypedResults.Created($"/api/v1/disks?path={Uri.EscapeDataString(info.Path)}", info);
        }).Describe("CreateDisk", "Make a disk file",
            "A blank VHDX, VHD, qcow2 or raw disk, dynamic or fixed, or a differencing child (qcow2) of a parent in any format. Never overwrites a file.")
            .Reads<NewDiskRequest>();
        disks.MapPost("/convert", async ([Description(ApiDescription.Wait)] double? wait, HttpContext http, DiskJobs jobs, CancellationToken ct) =>
            await JobEndpoints.AnswerAsync(await jobs.StartConvertAsync(await JsonBody.ReadAsync<ConvertDiskRequest>(http), ct), wait, http, ct))
            .Describe("ConvertDisk", "Convert a disk file",
                "Copies a disk (its parents flattened into it) into a new file of a format, as a job with progress; a cancel deletes the partial copy.")
            .Reads<ConvertDiskRequest>().AnswersJob();
        disks.MapPost("/resize", async (HttpContext http, DiskFiles files, CancellationToken ct) =>
            await files.ResizeAsync(await JsonBody.ReadAsync<ResizeDiskRequest>(http), ct))
            .Describe("ResizeDisk", "Resize a disk file",
                "Grows (or with allowShrink shrinks) a qcow2 or raw disk that no running, paused or saved VM uses; a shrink only when no VM uses it.")
            .Reads<ResizeDiskRequest>();
        disks.MapPost("/merge", async ([Description(ApiDescription.Wait)] double? wait, HttpContext http, DiskJobs jobs, CancellationToken ct) =>
            await JobEndpoints.AnswerAsync(await jobs.StartMergeAsync(await JsonBody.ReadAsync<MergeDiskRequest>(http), ct), wait, http, ct))
            .Describe("MergeDisk", "Merge a differencing disk into its parent",
                "Writes the child's data into its parent (qemu-img commit) as a job; refused while a VM uses either.")
            .Reads<MergeDiskRequest>().AnswersJob();
        disks.MapPost("/check", async (HttpContext http, DiskFiles files, CancellationToken ct) =>
            await files.CheckAsync(await JsonBody.ReadAsync<CheckDiskRequest>(http), ct))
            .Describe("CheckDisk", "Check a disk file",
                "Counts a qcow2's or VHDX's corruptions and leaks (qemu-img check); with repair, mends them, only while no VM uses the file.")
            .Reads<CheckDiskRequest>();
        disks.MapDelete("/", ([Description(PathDescription)] string? path, DiskFiles files, CancellationToken ct) => files.RemoveAsync(path, ct))
            .Describe("RemoveDisk", "Delete a disk file",
                "Deletes the file when no VM uses it and no disk under the storage roots has it as parent; the answer is the disk as it was.");
    }
}
