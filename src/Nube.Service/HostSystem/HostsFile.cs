namespace Nube.Service.HostSystem;

/// <summary>
/// Debian's line for the host's own name in /etc/hosts: <c>127.0.1.1</c> followed by the name (and,
/// for a name with a domain, its first label), so that the name resolves without a network.
/// </summary>
public static class HostsFile
{
    public const string Address = "127.0.1.1";

    /// <summary>
    /// The file with its 127.0.1.1 line naming <paramref name="hostName"/>; one is added after the
    /// other loopback lines (or at the end) when there is none.
    /// </summary>
    public static string WithHostName(string content, string hostName)
    {
        var entry = hostName.Contains('.') ? $"{Address}\t{hostName} {hostName[..hostName.IndexOf('.')]}" : $"{Address}\t{hostName}";
        var lines = content.Split('\n').ToList();
        var endsWithNewline = content.Length == 0 || content.EndsWith('\n');
        if (endsWithNewline)
            lines.RemoveAt(lines.Count - 1);
        var found = false;
        for (var i = 0; i < lines.Count; i++)
        {
            if (FirstField(lines[i]) == Address)
            {
                lines[i] = entry;
                found = true;
            }
        }
        if (!found)
        {
            var lastLoopback = lines.FindLastIndex(l => FirstField(l)?.StartsWith("127.", StringComparison.Ordinal) == true);
            lines.Insert(lastLoopback < 0 ? lines.Count : lastLoopback + 1, entry);
        }
        return string.Join('\n', lines) + "\n";
    }

    private static string? FirstField(string line)
    {
        var data = line.Split('#', 2)[0];
        return data.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
    }
}
