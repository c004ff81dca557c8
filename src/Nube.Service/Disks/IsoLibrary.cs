using Nube.Contracts.Disks;
using Nube.Core.Disks;
using Nube.Core.Validation;
using Nube.Linux;
using Nube.Service.Api;
using Nube.Service.Hosts;
using Nube.Service.Server;

namespace Nube.Service.Disks;

/// <summary>
/// The ISO library: the <c>isos</c> folder of each storage root. Uploads go into the first root's,
/// made on demand; a file arrives under a temporary name and is renamed into place only once whole,
/// so that a refused or broken upload leaves nothing behind. A name is only ever a file name in a
/// library folder, never a path.
/// </summary>
public sealed class IsoLibrary(HostRuntime host, NubedOptions options, DiskUsage usage)
{
    public const string Folder = "isos";
    public const int MaxNameLength = 200;
    private const string Extension = ".iso";
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const string TemporaryPrefix = ".upload-";
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    private static readonly EnumerationOptions Plain = new() { IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };

    public long UploadLimit => host.Config.IsoUploadLimitBytes;

    /// <summary>The library folders, one per root, in the roots' order (the first takes uploads).</summary>
    private IReadOnlyList<(string Root, string Folder)> Folders =>
        [.. StorageRootRules.Roots(options.DataDir, host.Config).Select(r => (r, Path.Join(r, Folder)))];

    public IReadOnlyList<IsoInfo> List() =>
        [.. Folders.Where(f => Directory.Exists(f.Folder) && Contained(f.Folder))
            .SelectMany(f => Directory.EnumerateFiles(f.Folder, "*", Plain).Where(p => IsIsoName(Path.GetFileName(p))).Select(p => Info(f.Root, p)))
            .OrderBy(i => i.Name, StringComparer.Ordinal).ThenBy(i => i.Root, StringComparer.Ordinal)];

    /// <summary>
    /// Writes <paramref name="body"/> as the library's <paramref name="name"/> in the first root:
    /// at most <see cref="UploadLimit"/> bytes; an existing file only with <paramref name="replace"/>.
    /// </summary>
    public async Task<IsoInfo> UploadAsync(string? name, bool replace, long? declaredLength, Stream body, CancellationToken ct)
    {
        CheckName(name);
        var limit = UploadLimit;
        if (declaredLength > limit)
            throw TooLarge(declaredLength.Value, limit);
        var (root, folder) = Folders[0];
        Directory.CreateDirectory(folder, FolderMode);
        if (!Contained(folder))
            throw new IsoLibraryException(StatusCodes.Status409Conflict, $"The ISO library's folder {Quoting.Quote(folder)} leads outside the " +
                $"storage roots (to {Quoting.Quote(UnixFiles.RealPath(folder) ?? folder)}); make it a plain folder");
        RemoveAbandoned(folder);
        var target = Path.Join(folder, name);
        if (!replace && Taken(target))
            throw Exists(name!);
        // A leading dot and another extension keep a file still arriving out of every list.
        var temporary = Path.Join(folder, $"{TemporaryPrefix}{Guid.NewGuid():N}.part");
        try
        {
            await using (var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode, Options = FileOptions.Asynchronous,
            }))
            {
                await CopyAsync(body, file, limit, ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temporary, target, overwrite: replace);
            }
            catch (IOException) when (!replace && Taken(target))
            {
                throw Exists(name!); // another upload of the same name finished first
            }
            UnixFiles.FsyncDirectory(folder);
            return Info(root, target);
        }
        finally
        {
            File.Delete(temporary); // gone already after the rename; what a refused or broken upload left otherwise
        }
    }

    /// <summary>Deletes a library file that no VM's DVD drive (or disk) holds; <paramref name="root"/> picks one when several roots have the name.</summary>
    public async Task<IsoInfo> RemoveAsync(string? name, string? root, CancellationToken ct)
    {
        CheckName(name);
        var found = List().Where(i => i.Name == name && (root is null || i.Root == HostPaths.Normalize(root))).ToList();
        if (found.Count == 0)
            throw new IsoLibraryException(StatusCodes.Status404NotFound,
                $"name: {Quoting.Quote(name!)} is not in the ISO library{(root is null ? "" : $" of root {Quoting.Quote(root)}")}");
        if (found.Count > 1)
            throw new ValidationException([new("root", root ?? "", $"root: {Quoting.Quote(name!)} is in the ISO library of several roots " +
                $"({string.Join(", ", found.Select(i => Quoting.Quote(i.Root)))}); give root to say which")]);
        var iso = found[0];
        var real = UnixFiles.RealPath(iso.Path) ?? iso.Path;
        DiskFiles.RefuseUsers(real, "removed", await usage.UsersAsync(real, ct).ConfigureAwait(false));
        File.Delete(iso.Path);
        return iso;
    }

    /// <summary>A plain file name of a bounded length that ends in .iso: nothing in it can reach outside the library folder.</summary>
    public static void CheckName(string? name)
    {
        string? problem = name switch
        {
            null or "" => "missing; give the ISO image's file name, such as debian-12.iso",
            { Length: > MaxNameLength } => $"is {name.Length} characters long; the limit is {MaxNameLength}",
            _ when name.Contains('/') || name.Contains('\\') => "contains a slash; give a file name, not a path",
            _ when name.Any(char.IsControl) => "contains a control character",
            _ when name.StartsWith('.') => "starts with a dot; the library has no hidden files",
            _ when !name.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) => $"does not end in {Extension}",
            _ => null,
        };
        if (problem is not null)
            throw new ValidationException([new("name", name ?? "", $"name: {(string.IsNullOrEmpty(name) ? "" : Quoting.Quote(name) + " ")}{problem}")]);
    }

    private static async Task CopyAsync(Stream body, Stream file, long limit, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        try
        {
            while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                    throw TooLarge(total, limit);
                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit + 1, limit); // Kestrel's own bound, set to the limit for this request
        }
    }

    /// <summary>A library folder is used only where its links lead inside the roots: a link elsewhere would take uploads and removals out of them.</summary>
    private bool Contained(string folder) => UnixFiles.RealPath(folder) is { } real
        && StorageRootRules.CheckOne("root", real, StorageRootRules.Roots(options.DataDir, host.Config), options.DataDir) is null;

    /// <summary>
    /// Temporary files that nubed left when it stopped in the middle of an upload (a broken-off one
    /// removes its own): those not written to for an hour, when no upload could still be filling them.
    /// </summary>
    private static void RemoveAbandoned(string folder)
    {
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles($"{TemporaryPrefix}*.part", Plain))
            if (file.LastWriteTimeUtc < DateTime.UtcNow - AbandonedAfter)
                file.Delete();
    }

    private static bool IsIsoName(string name) => !name.StartsWith('.') && name.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    private static bool Taken(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static IsoInfo Info(string root, string path)
    {
        var file = new FileInfo(path);
        return new IsoInfo { Name = file.Name, Root = root, Path = path, Size = file.Length, Modified = file.LastWriteTimeUtc };
    }

    private static IsoLibraryException Exists(string name) => new(StatusCodes.Status409Conflict,
        $"name: {Quoting.Quote(name)} is already in the ISO library; choose another name, remove it first, or ask to replace it");

    private static RequestBodyException TooLarge(long bytes, long limit) => new(StatusCodes.Status413PayloadTooLarge, new ValidationError("body",
        bytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        $"body: the ISO image is larger than the host's upload limit of {DiskSize.Format(limit)} ({limit} bytes); " +
        "raise it with 'nube host set --iso-upload-limit', or copy the file into an isos folder of a storage root"));
}

/// <summary>A library request the library's state refuses (a name taken, a name not there), with its status.</summary>
public sealed class IsoLibraryException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
