using System.Collections.Immutable;

namespace Nube.Core.Checkpoints;

/// <summary>
/// A VM's checkpoints (<c>checkpoints.json</c> in its folder, written atomically): the tree, where
/// the VM's current state ("Now") hangs in it, and the overlays Nube made, each with the image
/// below it. The tree and the files are both here so that a merge knows which images depend on which.
/// </summary>
public sealed record CheckpointBook
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    /// <summary>The checkpoint the VM's current state comes from ("Now" is its child); null when at the root.</summary>
    public Guid? Current { get; init; }
    public ImmutableArray<Checkpoint> Checkpoints { get; init; } = [];
    public ImmutableArray<CheckpointLayer> Layers { get; init; } = [];

    public static CheckpointBook Empty { get; } = new();

    /// <summary>The checkpoint with this id, or with this name when exactly one has it.</summary>
    /// <exception cref="CheckpointNotFoundException">None, or several of that name.</exception>
    public Checkpoint Find(string idOrName, string vmName)
    {
        if (Guid.TryParse(idOrName, out var id) && Checkpoints.FirstOrDefault(c => c.Id == id) is { } byId)
            return byId;
        var named = Checkpoints.Where(c => string.Equals(c.Name, idOrName, StringComparison.Ordinal)).ToList();
        return named.Count switch
        {
            1 => named[0],
            0 => throw new CheckpointNotFoundException($"VM '{vmName}' has no checkpoint '{idOrName}'."),
            _ => throw new CheckpointNotFoundException(
                $"VM '{vmName}' has {named.Count} checkpoints named '{idOrName}'; name one by its id ({string.Join(", ", named.Select(c => c.Id))})."),
        };
    }

    /// <summary>Whether a file is an image some checkpoint still needs (its content at that checkpoint).</summary>
    public bool IsCheckpointImage(string path) => Checkpoints.Any(c => c.Disks.Any(d => d.Image == path));

    /// <summary>The overlays Nube made directly above <paramref name="path"/>.</summary>
    public ImmutableArray<CheckpointLayer> Above(string path) => [.. Layers.Where(l => l.Backing == path)];

    /// <summary>The disks (by id) that a checkpoint holds: these may not be removed or pointed elsewhere.</summary>
    public ImmutableHashSet<string> Disks => [.. Checkpoints.SelectMany(c => c.Disks).Select(d => d.Disk)];
}

/// <summary>No checkpoint of that id or name, or a name several share.</summary>
public sealed class CheckpointNotFoundException(string message) : Exception(message);
