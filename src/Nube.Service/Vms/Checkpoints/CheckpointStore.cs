using Nube.Core.Checkpoints;
using Nube.Core.Serialization;
using Nube.Linux;

namespace Nube.Service.Vms.Checkpoints;

/// <summary>
/// A VM's <c>checkpoints.json</c> and its checkpoints' memory files, in the VM's folder. Written
/// atomically; only the VM's checkpoint service writes it, one change at a time (<see cref="Gate"/>).
/// </summary>
public sealed class CheckpointStore(string vmDirectory)
{
    private readonly string path = Path.Join(vmDirectory, "checkpoints.json");

    /// <summary>Held for a whole change (read, work, write): a rename waits for a merge rather than undo it.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Where a standard checkpoint's memory and device state go.</summary>
    public string MemoryFile(Guid checkpoint) => Path.Join(vmDirectory, "checkpoints", $"{checkpoint:N}.state");

    /// <exception cref="ConfigDocumentException">The file is damaged or from a newer Nube: nothing is done to the checkpoints then.</exception>
    public CheckpointBook Read() =>
        File.Exists(path) ? ConfigDocument.Parse<CheckpointBook>(File.ReadAllText(path), CheckpointBook.CurrentSchemaVersion, path) : CheckpointBook.Empty;

    public Task WriteAsync(CheckpointBook book)
    {
        if (book.Checkpoints.IsEmpty && book.Layers.IsEmpty)
        {
            File.Delete(path);
            return Task.CompletedTask;
        }
        return AtomicFile.WriteAllTextAsync(path, ConfigDocument.Write(book), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>A memory file copied whole or not at all (a partial copy is deleted): a saved state into a checkpoint, or back.</summary>
    public static async Task CopyAsync(string from, string to, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        var partial = to + ".partial";
        try
        {
            await using (var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true))
            await using (var target = new FileStream(partial, new FileStreamOptions
            {
                Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite, Options = FileOptions.Asynchronous,
            }))
            {
                await source.CopyToAsync(target, ct).ConfigureAwait(false);
                target.Flush(flushToDisk: true);
            }
            File.Move(partial, to, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }
}
