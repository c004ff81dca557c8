namespace Nube.Core.Validation;

/// <summary>
/// Paths are absolute because the host service has no meaningful working directory.
/// Commas are allowed: the QEMU argument builder escapes them.
/// </summary>
internal static class PathRules
{
    public static void Check(string field, string path, List<ValidationError> errors)
    {
        if (!path.StartsWith('/'))
            errors.Add(new(field, path, $"{field}: {Quoting.Quote(path)} is not an absolute path"));
        else if (path.Any(char.IsControl))
            errors.Add(new(field, path, $"{field}: {Quoting.Quote(path)} contains a control character"));
    }
}
