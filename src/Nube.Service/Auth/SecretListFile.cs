using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Nube.Linux;

namespace Nube.Service.Auth;

/// <summary>
/// A list of records kept in one JSON file that only root may read (0600): the users' password
/// hashes, the tokens' hashes. Readers take the current list without a lock; changes are made
/// one at a time, written atomically, and published only once they are on disk.
/// </summary>
public sealed class SecretListFile<T>
{
    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly Func<ImmutableArray<T>, string> write;
    /// <summary>An immutable array is a struct: the box lets it be swapped in one volatile write.</summary>
    private volatile StrongBox<ImmutableArray<T>> items;

    /// <param name="read">Parses the file's text (checking its schema version).</param>
    /// <param name="write">Makes the file's text from the list.</param>
    public SecretListFile(string path, Func<string, ImmutableArray<T>> read, Func<ImmutableArray<T>, string> write)
    {
        ArgumentNullException.ThrowIfNull(read);
        Path = path;
        this.write = write;
        items = new StrongBox<ImmutableArray<T>>(File.Exists(path) ? read(File.ReadAllText(path)) : []);
    }

    public string Path { get; }

    public ImmutableArray<T> Items => items.Value;

    /// <summary>
    /// Applies a change to the list and stores the result before anyone sees it. A change that
    /// returns the same list writes nothing.
    /// </summary>
    public async Task<TResult> ChangeAsync<TResult>(Func<ImmutableArray<T>, (ImmutableArray<T> Next, TResult Result)> change,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        await writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = items.Value;
            var (next, result) = change(now);
            if (next != now)
            {
                await AtomicFile.WriteAllTextAsync(Path, write(next), OwnerOnly, ct).ConfigureAwait(false);
                items = new StrongBox<ImmutableArray<T>>(next);
            }
            return result;
        }
        finally
        {
            writeLock.Release();
        }
    }
}
