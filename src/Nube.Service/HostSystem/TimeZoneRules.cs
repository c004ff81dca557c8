using System.Text.RegularExpressions;
using Nube.Core.Validation;
using Nube.Linux;

namespace Nube.Service.HostSystem;

/// <summary>
/// A time zone is a file of the zoneinfo database. The name's shape is checked before any path is
/// made from it (Area/City of letters, digits, '_', '+' and '-', up to three parts), and the file
/// it names, once its links are followed, must lie inside the database and be a TZif file.
/// </summary>
public static partial class TimeZoneRules
{
    public const string Field = "timeZone";

    /// <summary>The zone's file, inside <paramref name="zoneInfo"/>, to link /etc/localtime to; or null with the errors filled.</summary>
    public static string? Resolve(string zoneInfo, string name, List<ValidationError> errors)
    {
        var quoted = Shown.Quote(name);
        if (!Shape().IsMatch(name))
        {
            errors.Add(new(Field, name, $"{Field}: {quoted} is not a time zone name; use Area/City of letters, digits, " +
                "'_', '+' and '-', such as Europe/Berlin or UTC"));
            return null;
        }
        var file = Path.Combine(zoneInfo, name);
        if (UnixFiles.RealPath(zoneInfo) is { } root && UnixFiles.RealPath(file) is { } real
            && real.StartsWith(root + "/", StringComparison.Ordinal) && IsTzif(real))
            return file;
        errors.Add(new(Field, name, $"{Field}: {quoted} is not in the time zone database ({zoneInfo}); use a name such as Europe/Berlin or UTC"));
        return null;
    }

    private static bool IsTzif(string path)
    {
        if (!File.Exists(path))
            return false;
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("TZif"u8);
    }

    [GeneratedRegex("^[A-Za-z0-9_+-]{1,64}(/[A-Za-z0-9_+-]{1,64}){0,2}$")]
    private static partial Regex Shape();
}
