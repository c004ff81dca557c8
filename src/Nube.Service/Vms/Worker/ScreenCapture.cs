using Microsoft.Win32.SafeHandles;
using Nube.Core.Qemu;
using Nube.Linux;
using Nube.Qemu.Protocol;

namespace Nube.Service.Vms.Worker;

/// <summary>
/// The VM's screen as PNG, through QMP's screendump. nubed makes the file in the VM's runtime
/// folder (root's alone) and passes QEMU the descriptor (<c>/dev/fdset/N</c>); it reads it back
/// bounded in size, checks that it is a PNG, and deletes it.
/// </summary>
public static class ScreenCapture
{
    /// <summary>More than a 4K screen's PNG can take (3840x2160 RGB is 24.9 MB uncompressed).</summary>
    public const long MaxBytes = 32L * 1024 * 1024;

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];

    /// <exception cref="QmpException">QEMU refused or did not answer.</exception>
    /// <exception cref="IOException">QEMU's file is missing, not a regular file, too large or not a PNG.</exception>
    public static async Task<byte[]> TakeAsync(QmpClient qmp, VmRuntimePaths paths, CancellationToken ct)
    {
        // A name of our own per request, so that screenshots taken at once do not meet.
        var file = Path.Join(paths.RuntimeDirectory, $"screen-{Guid.NewGuid():N}.png");
        try
        {
            using (var output = RegularFile.Create(file, FileAccessMode.Write, UnixFileMode.UserRead | UnixFileMode.UserWrite))
            {
                var fdset = await qmp.AddFdAsync(output, ct).ConfigureAwait(false);
                try
                {
                    await qmp.ScreendumpAsync($"/dev/fdset/{fdset}", ct).ConfigureAwait(false);
                }
                finally
                {
                    await qmp.RemoveFdAsync(fdset, CancellationToken.None).ConfigureAwait(false);
                }
            }
            return await ReadAsync(file, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<byte[]> ReadAsync(string file, CancellationToken ct)
    {
        SafeFileHandle handle;
        long length;
        try
        {
            (handle, length) = RegularFile.OpenForReading(file);
        }
        catch (IOException e)
        {
            throw new IOException($"QEMU's screen image {file}: {e.Message}", e);
        }
        using (handle)
        {
            if (length > MaxBytes)
                throw new IOException($"the screen's image is {length} bytes, over the limit of {MaxBytes} bytes");
            var png = new byte[length];
            var read = 0;
            while (read < png.Length)
            {
                var n = await RandomAccess.ReadAsync(handle, png.AsMemory(read), read, ct).ConfigureAwait(false);
                if (n == 0)
                    throw new IOException($"the screen's image ended after {read} of {length} bytes");
                read += n;
            }
            if (!png.AsSpan().StartsWith(PngSignature))
                throw new IOException("the screen's image is not a PNG file");
            return png;
        }
    }
}
