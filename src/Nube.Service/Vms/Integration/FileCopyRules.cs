using System.Globalization;
using Nube.Core.Validation;
using Nube.Linux;
using Microsoft.Win32.SafeHandles;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// What a file copy into a guest accepts. The source is a regular file under the host's storage
/// roots, judged after its links are followed and on the opened file itself; the destination is
/// an absolute path in the guest. Every problem is reported at once.
/// </summary>
public static class FileCopyRules
{
    /// <summary>The largest file copied: over the agent's channel under TCG a copy moves a few MiB/s.</summary>
    public const long MaxBytes = 4L << 30;
    public const int MaxGuestPathBytes = 4095;
    public const int MaxGuestNameBytes = 255;

    /// <summary>The opened source and its size; the caller disposes the handle.</summary>
    /// <exception cref="ValidationException">Source or destination is not acceptable.</exception>
    public static (SafeFileHandle Source, long Length) Check(string? source, string? destination, IReadOnlyList<string> roots,
        string? dataDirectory = null)
    {
        var errors = new List<ValidationError>();
        CheckDestination(destination, errors);
        var opened = OpenSource(source, roots, dataDirectory, errors);
        if (errors.Count == 0)
            return opened!.Value;
        opened?.Handle.Dispose();
        throw new ValidationException(errors);
    }

    public static void CheckDestination(string? path, List<ValidationError> errors)
    {
        const string field = "destination";
        if (string.IsNullOrEmpty(path))
        {
            errors.Add(new(field, "", $"{field}: missing; give the file's absolute path in the guest"));
            return;
        }
        var shown = Shown(path);
        if (path.Any(char.IsControl))
            errors.Add(new(field, path, $"{field}: {shown} contains a control character; a guest path cannot"));
        if (!path.StartsWith('/'))
            errors.Add(new(field, path, $"{field}: {shown} is not an absolute path in the guest"));
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (name is "" or "." or "..")
            errors.Add(new(field, path, $"{field}: {shown} names a folder; give the path of the file to create, e.g. {Shown(path.TrimEnd('/') + "/name")}"));
        if (KvpRules.ByteCount(path) is { } bytes && bytes > MaxGuestPathBytes)
            errors.Add(new(field, path, $"{field}: {bytes} bytes exceed the limit of {MaxGuestPathBytes} bytes for a path"));
        else if (KvpRules.ByteCount(name) is { } nameBytes && nameBytes > MaxGuestNameBytes)
            errors.Add(new(field, path, $"{field}: the file name's {nameBytes} bytes exceed the limit of {MaxGuestNameBytes} bytes"));
    }

    private static (SafeFileHandle Handle, long Length)? OpenSource(string? path, IReadOnlyList<string> roots, string? dataDirectory,
        List<ValidationError> errors)
    {
        const string field = "source";
        if (string.IsNullOrEmpty(path))
        {
            errors.Add(new(field, "", $"{field}: missing; give the host file to copy"));
            return null;
        }
        var shown = Shown(path);
        if (!path.StartsWith('/') || path.Any(char.IsControl))
        {
            errors.Add(new(field, path, $"{field}: {shown} is not an absolute host path"));
            return null;
        }
        // Judged where its links lead, so that a link inside a root cannot hand out a file outside them.
        if (UnixFiles.RealPath(path) is not { } real)
        {
            errors.Add(new(field, path, $"{field}: {shown} does not exist"));
            return null;
        }
        if (StorageRootRules.CheckOne(field, real, roots, dataDirectory) is { } outside)
        {
            errors.Add(real == path ? outside : outside with
            {
                Value = path,
                Message = outside.Message.Replace($"{field}: '{real}'", $"{field}: {shown}, a link to '{real}',", StringComparison.Ordinal),
            });
            return null;
        }
        (SafeFileHandle Handle, long Length) opened;
        try
        {
            opened = RegularFile.OpenForReading(real);
        }
        catch (IOException e)
        {
            errors.Add(new(field, path, $"{field}: {shown} cannot be copied: {e.Message}"));
            return null;
        }
        if (opened.Length > MaxBytes)
        {
            errors.Add(new(field, path, $"{field}: {shown} is {Size(opened.Length)}, over the limit of {Size(MaxBytes)} for a file copy"));
            opened.Handle.Dispose();
            return null;
        }
        return opened;
    }

    /// <summary>"12.0 MiB", "512 bytes".</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
    };

    private static string Shown(string path) => $"'{Nube.Qemu.Protocol.GuestText.Sanitize(path)}'";
}
