using Nube.Contracts.Vms;
using Nube.Core.Checkpoints;
using Nube.Core.Migration;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Linux;
using Nube.Qemu.Protocol;
using Nube.Service.Vms;
using Nube.Service.Vms.Checkpoints;

namespace Nube.Service.Migration;

/// <summary>
/// What a destination takes from the source besides the stream: the UEFI variables and console
/// history the source sends (untrusted, checked and bounded), and a quick move's saved state on the
/// shared storage.
/// </summary>
public static class IncomingFiles
{
    /// <exception cref="ValidationException">The variables are not base64.</exception>
    public static async Task WriteUefiVarsAsync(Core.Qemu.VmRuntimePaths paths, VmConfig config, string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new ValidationException([new("uefiVars", "", "uefiVars: not base64")]);
        }
        await AtomicFile.WriteAllBytesAsync(paths.UefiVars(Generations.SecureBootOn(config)), bytes, UnixFileMode.UserRead | UnixFileMode.UserWrite)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The VM's checkpoint tree, as the source sent it, kept in the VM's folder here: each
    /// standard checkpoint's memory file taken from beside the first disk into that folder, and every
    /// image the tree names checked to be on this host under its storage roots.
    /// </summary>
    /// <exception cref="ValidationException">The tree is too large or damaged, or names a file this host does not have.</exception>
    public static async Task TakeCheckpointsAsync(Core.Qemu.VmRuntimePaths paths, VmConfig config, Guid migration, string document, IReadOnlyList<string> roots)
    {
        if (document.Length > IncomingMoveRequest.CheckpointsLimit)
            throw new ValidationException([new("checkpoints", "", $"checkpoints: over {IncomingMoveRequest.CheckpointsLimit} characters")]);
        CheckpointBook book;
        try
        {
            book = Core.Serialization.ConfigDocument.Parse<CheckpointBook>(document, CheckpointBook.CurrentSchemaVersion, "checkpoints");
        }
        catch (Core.Serialization.ConfigDocumentException e)
        {
            throw new ValidationException([new("checkpoints", "", $"checkpoints: {e.Message}")]);
        }
        var images = book.Checkpoints.SelectMany(c => c.Disks.Select(d => d.Image)).Concat(book.Layers.SelectMany(l => new[] { l.Path, l.Backing })).Distinct();
        var errors = images.Select(i => StorageRootRules.CheckOne("checkpoints", i, roots)
            ?? (File.Exists(i) ? null : new ValidationError("checkpoints", i, $"checkpoints: '{i}', an image of the VM's checkpoints, is not on this host"))).OfType<ValidationError>().ToList();
        if (errors.Count > 0)
            throw new ValidationException(errors);
        var store = new CheckpointStore(paths.VmDirectory);
        var taken = new List<Checkpoint>();
        foreach (var checkpoint in book.Checkpoints)
        {
            if (checkpoint.Memory is null)
            {
                taken.Add(checkpoint);
                continue;
            }
            var here = store.MemoryFile(checkpoint.Id);
            Directory.CreateDirectory(Path.GetDirectoryName(here)!);
            File.Move(MovedCheckpoints.MemoryPath(config, migration, checkpoint.Id), here, overwrite: true);
            taken.Add(checkpoint with { Memory = here });
        }
        await store.WriteAsync(book with { Checkpoints = [.. taken] }).ConfigureAwait(false);
    }

    /// <summary>The source's console history, bounded: it is the guest's output, untrusted.</summary>
    public static byte[] SerialLog(FinishMoveRequest request)
    {
        try
        {
            var bytes = request.SerialLog is { } text ? Convert.FromBase64String(text) : [];
            return bytes.Length <= FinishMoveRequest.SerialLogLimit ? bytes : bytes[^FinishMoveRequest.SerialLogLimit..];
        }
        catch (FormatException)
        {
            return [];
        }
    }

    /// <summary>Restores the state the source saved on the shared storage, then turns the file's capabilities off again; false when it cannot be.</summary>
    public static async Task<bool> RestoreStateAsync(IVmRun run, string path, ILogger logger)
    {
        if (run.Session is not { } session)
            return false;
        try
        {
            var (file, _) = RegularFile.OpenForReading(path);
            using (file)
            {
                var set = await session.Qmp.AddFdAsync(file, CancellationToken.None).ConfigureAwait(false);
                await session.Qmp.MigrateIncomingAsync($"file:/dev/fdset/{set}", CancellationToken.None).ConfigureAwait(false);
                await session.Qmp.WaitForMigrationAsync(StartOperation.SaveTimeout).ConfigureAwait(false);
                await session.Qmp.RemoveFdAsync(set, CancellationToken.None).ConfigureAwait(false);
                await session.Qmp.SetMigrationCapabilitiesAsync(QuickState.Off).ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception e) when (e is QmpException or IOException)
        {
            logger.LogWarning("VM {Name}: the state saved at {Path} could not be restored: {Error}", run.Snapshot.Name, path, e.Message);
            return false;
        }
    }
}
