using Nube.Core.Qemu;

namespace Nube.Linux;

/// <summary>Files of a VM's own that nubed makes and reads, never through a link.</summary>
public static class VmFiles
{
    /// <summary>
    /// Makes the VM's own copy of a template (its UEFI variables) when it has none, and keeps it:
    /// it is the VM's state from then on. Written under a temporary name first, so that a copy
    /// cut short is never taken for the file; root's alone (0600).
    /// </summary>
    /// <exception cref="IOException">The template cannot be read or the copy made; the message names the field.</exception>
    public static void CopyTemplate(FileFromTemplate file)
    {
        if (File.Exists(file.Path))
            return;
        var temporary = file.Path + ".new";
        try
        {
            File.Delete(temporary);
            var (source, _) = RegularFile.OpenForReading(file.Template);
            using (source)
            using (var input = new FileStream(source, FileAccess.Read))
            using (var output = new FileStream(RegularFile.Create(temporary, FileAccessMode.Write, UnixFileMode.UserRead | UnixFileMode.UserWrite), FileAccess.Write))
            {
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
            }
            File.Move(temporary, file.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new IOException($"{file.Field}: cannot make '{file.Path}' from '{file.Template}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Null when every user may read the file (QEMU reads kernels and firmware by path, as its
    /// VM's user); else why not.
    /// </summary>
    public static string? ReadableByAll(string path)
    {
        if (!File.Exists(path))
            return "does not exist";
        if ((File.GetUnixFileMode(path) & UnixFileMode.OtherRead) == 0)
            return "is not readable by every user (QEMU reads it as the VM's own user): chmod o+r";
        return UnixFiles.FirstUntraversableAncestor(path) is { } blocked
            ? $"is in '{blocked}', which not every user may enter (QEMU reads it as the VM's own user): chmod o+x"
            : null;
    }

    /// <summary>
    /// The last <paramref name="bytes"/> of a log after its last line that starts with
    /// <paramref name="since"/>, as one line of printable text; empty when there is none.
    /// </summary>
    public static string Tail(string path, int bytes, string since)
    {
        try
        {
            var (handle, length) = RegularFile.OpenForReading(path);
            using (handle)
            {
                var start = Math.Max(0, length - bytes);
                var buffer = new byte[length - start];
                var read = RandomAccess.Read(handle, buffer, start);
                var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
                var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var last = Array.FindLastIndex(lines, l => l.StartsWith(since, StringComparison.Ordinal));
                lines = lines[(last + 1)..];
                return string.Join(" ", lines.Select(l => new string([.. l.Where(c => !char.IsControl(c))])));
            }
        }
        catch (IOException)
        {
            return "";
        }
    }
}
