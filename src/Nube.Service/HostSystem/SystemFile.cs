using Nube.Linux;

namespace Nube.Service.HostSystem;

/// <summary>The host's configuration files that every program reads: written atomically, and kept at 0644 whatever nubed's umask.</summary>
internal static class SystemFile
{
    private const UnixFileMode Readable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static async Task WriteAsync(string path, string content, CancellationToken ct)
    {
        await AtomicFile.WriteAllTextAsync(path, content, ct).ConfigureAwait(false);
        File.SetUnixFileMode(path, Readable);
    }
}
