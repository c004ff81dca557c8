using System.ComponentModel;
using Nube.Contracts.Vms;
using Nube.Core.Checkpoints;
using Nube.Core.Validation;
using Nube.Service.Vms;
using Nube.Service.Vms.Checkpoints;

namespace Nube.Service.Api;

/// <summary>
/// A VM's checkpoints: the tree; taking, applying and removing one as jobs (they run on the VM's
/// controller); renaming one.
/// </summary>
public static class CheckpointEndpoints
{
    private const string Checkpoint = "The checkpoint's id, or its name when no other checkpoint of the VM has it.";

    public static void MapCheckpointEndpoints(this IEndpointRouteBuilder app)
    {
        var checkpoints = app.MapGroup("/api/v1/vms/{vm}/checkpoints").WithTags("Checkpoints").Problems(StatusCodes.Status404NotFound);
        checkpoints.MapGet("/", (string vm, VmRegistry r) => Tree(r.Resolve(vm).Checkpoints.List()))
            .Describe("ListCheckpoints", "List a VM's checkpoints", "The checkpoints as a tree, and the checkpoint the VM's current state (Now) comes from.");
        checkpoints.MapPost("/", async (string vm, [Description(ApiDescription.Wait)] double? wait, VmRegistry r, HttpContext http, CancellationToken ct) =>
        {
            var body = await JsonBody.ReadAsync<NewCheckpointRequest>(http);
            var job = r.Resolve(vm).Checkpoints.Submit(Parse(body));
            return await JobEndpoints.AnswerAsync(job, wait, http, ct);
        }).Describe("NewCheckpoint", "Take a checkpoint",
            "A production checkpoint (the disks, the guest's file systems frozen) or a standard one (disks, memory and devices), off or running, as a job.")
            .Reads<NewCheckpointRequest>().AnswersJob();
        checkpoints.MapPost("/{checkpoint}/apply", async (string vm, [Description(Checkpoint)] string checkpoint,
            [Description(ApiDescription.Wait)] double? wait, VmRegistry r, HttpContext http, CancellationToken ct) =>
        {
            var job = r.Resolve(vm).Checkpoints.Submit(new ApplyCheckpoint(checkpoint));
            return await JobEndpoints.AnswerAsync(job, wait, http, ct);
        }).Describe("ApplyCheckpoint", "Apply a checkpoint",
            "Only while the VM is off or saved: its current state is discarded; a standard checkpoint's memory is restored and the VM runs on from it. A job.")
            .AnswersJob();
        checkpoints.MapDelete("/{checkpoint}", async (string vm, [Description(Checkpoint)] string checkpoint,
            [Description(ApiDescription.Wait)] double? wait, VmRegistry r, HttpContext http, CancellationToken ct) =>
        {
            var job = r.Resolve(vm).Checkpoints.Submit(new RemoveCheckpoint(checkpoint));
            return await JobEndpoints.AnswerAsync(job, wait, http, ct);
        }).Describe("RemoveCheckpoint", "Remove a checkpoint", "Merges the checkpoint's disks without losing data, off or running, as a job.")
            .AnswersJob();
        checkpoints.MapPatch("/{checkpoint}", async (string vm, [Description(Checkpoint)] string checkpoint, VmRegistry r, HttpContext http) =>
        {
            var body = await JsonBody.ReadAsync<RenameCheckpointRequest>(http);
            var controller = r.Resolve(vm);
            var renamed = await controller.Checkpoints.RenameAsync(checkpoint, body.Name ?? "");
            var book = controller.Checkpoints.List();
            return Info(book, renamed, []);
        }).Describe("RenameCheckpoint", "Rename a checkpoint", "Changes only the checkpoint's name.")
            .Reads<RenameCheckpointRequest>().Problems(StatusCodes.Status400BadRequest);
    }

    private static NewCheckpoint Parse(NewCheckpointRequest body)
    {
        var errors = new List<ValidationError>();
        var kind = body.Kind switch
        {
            null or "production" => CheckpointKind.Production,
            "standard" => CheckpointKind.Standard,
            var other => Bad(errors, "kind", other, "production or standard", CheckpointKind.Production),
        };
        var fallback = body.Fallback switch
        {
            null or "none" => false,
            "standard" => true,
            var other => Bad(errors, "fallback", other, "none or standard", false),
        };
        if (errors.Count > 0)
            throw new ValidationException(errors);
        return new NewCheckpoint(body.Name, kind, fallback);
    }

    private static T Bad<T>(List<ValidationError> errors, string field, string value, string allowed, T placeholder)
    {
        errors.Add(new(field, value, $"{field}: '{value}' is not one of {allowed}"));
        return placeholder;
    }

    private static CheckpointTree Tree(CheckpointBook book) => new()
    {
        Checkpoints = [.. book.Checkpoints.Where(c => c.Parent is null).Select(c => Info(book, c, []))],
        NowParentId = book.Current,
    };

    private static CheckpointInfo Info(CheckpointBook book, Checkpoint c, HashSet<Guid> seen) => new()
    {
        Id = c.Id, Name = c.Name, Kind = c.Kind == CheckpointKind.Standard ? "standard" : "production", Created = c.Created, ParentId = c.Parent,
        Current = book.Current == c.Id, HasMemory = c.Memory is not null,
        Disks = [.. c.Disks.Select(d => new CheckpointDiskInfo { Disk = d.Disk, Image = d.Image })],
        // A parent loop (a damaged file) must not recurse forever.
        Children = seen.Add(c.Id) ? [.. book.Checkpoints.Where(x => x.Parent == c.Id).Select(x => Info(book, x, seen))] : [],
    };
}
