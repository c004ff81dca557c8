using Nube.Core.Disks;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Linux;

namespace Nube.Service.Disks;

/// <summary>
/// The host files a disk request names: each judged where its links lead, inside the storage roots,
/// and never an existing file where a new one is to be made (nothing is overwritten).
/// </summary>
public sealed class DiskPaths(IReadOnlyList<string> roots, string dataDirectory)
{
    /// <summary>An existing regular file under the roots, by its real path.</summary>
    public string Existing(string field, string? path, List<ValidationError> errors)
    {
        if (!Absolute(field, path, errors))
            return "";
        if (UnixFiles.RealPath(path!) is not { } real || !File.Exists(real))
        {
            errors.Add(new(field, path!, $"{field}: {Quoting.Quote(path!)} is not an existing file"));
            return "";
        }
        return Inside(field, path!, real, errors) ? real : "";
    }

    /// <summary>A file to be made: its folder exists (links resolved) under the roots, and nothing is at the path yet.</summary>
    public string New(string field, string? path, List<ValidationError> errors)
    {
        if (!Absolute(field, path, errors))
            return "";
        var name = Path.GetFileName(path!);
        if (name is "" or "." or "..")
        {
            errors.Add(new(field, path!, $"{field}: {Quoting.Quote(path!)} does not name a file"));
            return "";
        }
        if (UnixFiles.RealPath(Path.GetDirectoryName(path!)!) is not { } folder || !Directory.Exists(folder))
        {
            errors.Add(new(field, path!, $"{field}: the folder of {Quoting.Quote(path!)} does not exist"));
            return "";
        }
        var real = Path.Join(folder, name);
        // A dangling link counts as taken: following it would write wherever it points.
        if (File.Exists(real) || Directory.Exists(real) || new FileInfo(real).LinkTarget is not null)
        {
            errors.Add(new(field, path!, $"{field}: {Quoting.Quote(path!)} already exists; Nube never overwrites a file: choose another name or remove it first"));
            return "";
        }
        return Inside(field, path!, real, errors) ? real : "";
    }

    /// <summary>
    /// The format asked for, else the one the file's extension names; VMs read a disk's format from
    /// its extension, so a known extension that says another format is refused.
    /// </summary>
    public static DiskFormat Format(string field, string? word, string path, List<ValidationError> errors)
    {
        var byName = DiskFormats.FromPath(path) ?? DiskFormat.Raw;
        if (word is null)
            return byName;
        if (DiskFormats.FromWord(word) is not { } format)
        {
            errors.Add(new(field, word, $"{field}: {Quoting.Quote(word)} is not a disk format; use {string.Join(", ", DiskFormats.Words)}"));
            return DiskFormat.Raw;
        }
        if (byName != format)
            errors.Add(new(field, word, $"{field}: {Quoting.Quote(path)} has a name that VMs read as {DiskFormats.Title(byName)}, " +
                $"not {DiskFormats.Title(format)}: name it {Path.GetFileNameWithoutExtension(path)}.{DiskFormats.Word(format)}"));
        return format;
    }

    private static bool Absolute(string field, string? path, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(path))
            errors.Add(new(field, "", $"{field}: missing; give the disk file's absolute path"));
        else if (!path.StartsWith('/') || path.Any(char.IsControl))
            errors.Add(new(field, path, $"{field}: {Quoting.Quote(path)} is not an absolute host path"));
        else
            return true;
        return false;
    }

    private bool Inside(string field, string path, string real, List<ValidationError> errors)
    {
        if (StorageRootRules.CheckOne(field, real, roots, dataDirectory) is not { } outside)
            return true;
        errors.Add(real == path ? outside : outside with
        {
            Value = path,
            Message = outside.Message.Replace($"{field}: '{real}'", $"{field}: {Quoting.Quote(path)}, that is '{real}',", StringComparison.Ordinal),
        });
        return false;
    }
}
