using Nube.Core.Migration;
using Nube.Core.Serialization;
using Nube.Linux;

namespace Nube.Service.Migration;

/// <summary>
/// The records of the moves this host takes part in, one file each in <c>&lt;data&gt;/migrations</c>
/// (root's, 0600), written atomically before each phase's first effect. Ended records are kept a
/// while to answer a late question from the other host, then pruned.
/// </summary>
public sealed class MigrationStore(string dataDirectory, ILogger<MigrationStore> logger)
{
    /// <summary>How long an ended move's record answers the other host.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(30);

    private readonly string folder = Path.Combine(dataDirectory, "migrations");

    public async Task WriteAsync(MigrationRecord record)
    {
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await AtomicFile.WriteAllTextAsync(PathOf(record.Id), ConfigDocument.Write(record), UnixFileMode.UserRead | UnixFileMode.UserWrite)
            .ConfigureAwait(false);
    }

    public MigrationRecord? Find(Guid id) => File.Exists(PathOf(id)) ? Read(PathOf(id)) : null;

    /// <summary>Every readable record; one that cannot be read is logged and left for an operator.</summary>
    public IReadOnlyList<MigrationRecord> All() =>
        Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder, "*.json").Select(Read).OfType<MigrationRecord>()] : [];

    /// <summary>Deletes the records of moves that ended before <paramref name="before"/>.</summary>
    public void Prune(DateTimeOffset before)
    {
        foreach (var record in All().Where(r => r.Ended && r.StartedAt < before))
            File.Delete(PathOf(record.Id));
    }

    private string PathOf(Guid id) => Path.Combine(folder, $"{id:D}.json");

    private MigrationRecord? Read(string path)
    {
        try
        {
            return ConfigDocument.Parse<MigrationRecord>(File.ReadAllText(path), MigrationRecord.CurrentSchemaVersion, path);
        }
        catch (Exception e) when (e is ConfigDocumentException or IOException)
        {
            logger.LogError("A move's record cannot be read, so its VM is not recovered by it: {Error}", e.Message);
            return null;
        }
    }
}
