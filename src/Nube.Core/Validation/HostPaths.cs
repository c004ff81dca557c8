namespace Nube.Core.Validation;

/// <summary>
/// Lexical path arithmetic for absolute host paths: no file system is consulted, so symbolic
/// links are not followed (whoever opens the file must not follow them out of a root either).
/// </summary>
public static class HostPaths
{
    /// <summary>
    /// Collapses duplicate slashes, <c>.</c> and <c>..</c> (which stops at <c>/</c>), and drops a
    /// trailing slash: <c>/var/lib/nube/images/../../etc/x</c> becomes <c>/var/lib/etc/x</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The path is not absolute.</exception>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
            throw new ArgumentException($"'{path}' is not an absolute path.", nameof(path));
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>
    /// True when <paramref name="path"/> is <paramref name="root"/> or below it, both normalised:
    /// <c>/a/b</c> contains <c>/a/b/c</c> but not <c>/a/bc</c>.
    /// </summary>
    public static bool IsInside(string path, string root)
    {
        var (p, r) = (Normalize(path), Normalize(root));
        return r == "/" || p == r || p.StartsWith(r + "/", StringComparison.Ordinal);
    }
}
