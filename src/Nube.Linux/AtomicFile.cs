namespace Nube.Linux;

/// <summary>
/// Writes a file so that a crash leaves either the old or the new content, never a mix:
/// a temporary file in the same folder, fsync, rename over the target, fsync of the folder.
/// </summary>
public static class AtomicFile
{
    public static Task WriteAllTextAsync(string path, string content, CancellationToken ct = default) =>
        WriteAllTextAsync(path, content, null, ct);

    /// <summary>The same, with the file created with <paramref name="mode"/> (e.g. 0600 for secrets), never wider on the way.</summary>
    public static Task WriteAllTextAsync(string path, string content, UnixFileMode? mode, CancellationToken ct = default) =>
        WriteAllBytesAsync(path, new System.Text.UTF8Encoding(false).GetBytes(content), mode, ct);

    /// <summary>Bytes, as <see cref="WriteAllTextAsync(string, string, UnixFileMode?, CancellationToken)"/> writes text.</summary>
    public static async Task WriteAllBytesAsync(string path, byte[] content, UnixFileMode? mode, CancellationToken ct = default)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = mode };
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(content, ct).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            UnixFiles.FsyncDirectory(directory);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
