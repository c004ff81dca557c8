namespace Nube.Linux;

/// <summary>
/// An append-only log whose size the writer cannot grow without bound, for output that an
/// untrusted party controls (the guest's serial console). When a write would take the file past
/// <c>maxBytes</c>, the file becomes <c>PATH.1</c> (older ones move up to <c>PATH.2</c> and so on,
/// the oldest is dropped) and a new file starts, so at most <c>files</c> × <c>maxBytes</c> bytes
/// are kept. Every write goes straight to the kernel, so readers see it at once; nothing is
/// fsynced. Opening an existing log appends to it. Files are created with mode 0640 unless told otherwise.
/// Safe to call from several threads; one instance per path.
/// </summary>
public sealed class RotatingLog : IDisposable
{
    public const long DefaultMaxBytes = 1024 * 1024;

    public const UnixFileMode CreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private readonly Lock sync = new();
    private readonly string path;
    private readonly long maxBytes;
    private readonly int files;
    private readonly UnixFileMode mode;
    private FileStream? stream;
    private long size; // of the current file; this is its only writer

    /// <param name="path">The log file, e.g. <c>vms/ID/com1.log</c>.</param>
    /// <param name="maxBytes">Largest size of one file.</param>
    /// <param name="files">Files kept, the current one included; 1 starts the file afresh when it is full.</param>
    /// <param name="mode">The mode of the files it creates (<see cref="CreateMode"/> when not given).</param>
    public RotatingLog(string path, long maxBytes = DefaultMaxBytes, int files = 2, UnixFileMode? mode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(files, 1);
        (this.path, this.maxBytes, this.files, this.mode) = (path, maxBytes, files, mode ?? CreateMode);
        (stream, size) = Open();
    }

    public string Path => path;

    /// <summary>
    /// Appends the bytes, after rotating when they would take the file past its limit; bytes
    /// beyond a whole file are split across files.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The log was disposed.</exception>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (sync)
        {
            ObjectDisposedException.ThrowIf(stream is null, this);
            while (!bytes.IsEmpty)
            {
                if (size > 0 && size + bytes.Length > maxBytes)
                    Rotate();
                var piece = (int)Math.Min(bytes.Length, maxBytes);
                stream!.Write(bytes[..piece]);
                size += piece;
                bytes = bytes[piece..];
            }
        }
    }

    public void Dispose()
    {
        lock (sync)
        {
            stream?.Dispose();
            stream = null;
        }
    }

    private (FileStream Stream, long Size) Open()
    {
        // Never through a link: what a guest prints must not land in a file a link points at.
        var handle = File.Exists(path) || IsLink(path)
            ? RegularFile.Open(path, FileAccessMode.Append).Handle
            : RegularFile.Create(path, FileAccessMode.Append, mode);
        // Each write reaches the kernel: a reader sees it at once.
        var opened = new FileStream(handle, FileAccess.Write, bufferSize: 0);
        var length = opened.Length;
        if (length == 0)
            File.SetUnixFileMode(opened.SafeFileHandle, mode); // the umask may have taken away group read
        return (opened, length);
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>Moves PATH.n-1 to PATH.n down to PATH to PATH.1 and starts a new file; if a move fails, writing goes on in the old one.</summary>
    private void Rotate()
    {
        stream!.Dispose();
        try
        {
            if (files == 1)
            {
                File.Delete(path);
                return;
            }
            for (var n = files - 1; n > 1; n--)
            {
                var older = $"{path}.{n - 1}";
                if (File.Exists(older))
                    File.Move(older, $"{path}.{n}", overwrite: true);
            }
            File.Move(path, $"{path}.1", overwrite: true);
        }
        finally
        {
            (stream, size) = Open();
        }
    }
}
