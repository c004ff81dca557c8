using System.Text.Json;
using Nube.Contracts;
using Nube.Contracts.Audit;
using Nube.Linux;

namespace Nube.Service.Audit;

/// <summary>
/// Reads the audit files newest first: the current file from its end, then <c>.1</c>, <c>.2</c> and
/// so on. A line that is not a record (one cut short by a crash) is skipped. A rotation while it
/// reads may make it miss or repeat a file's records; the next read sees them right.
/// </summary>
public static class AuditReader
{
    public static IReadOnlyList<AuditRecord> Read(string path, int files, AuditQuery query, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(query);
        var found = new List<AuditRecord>();
        for (var n = 0; n < files && found.Count < query.Limit; n++)
        {
            var file = n == 0 ? path : $"{path}.{n}";
            if (!File.Exists(file))
                continue;
            string[] lines;
            try
            {
                lines = Lines(file);
            }
            catch (IOException e)
            {
                logger.LogWarning("Cannot read the audit file {File}: {Error}", file, e.Message);
                continue;
            }
            for (var i = lines.Length - 1; i >= 0 && found.Count < query.Limit; i--)
            {
                if (Parse(lines[i]) is { } record && query.Matches(record))
                    found.Add(record);
            }
        }
        return found;
    }

    /// <summary>One line of the file as a record; null for anything else.</summary>
    public static AuditRecord? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return null;
        try
        {
            return JsonSerializer.Deserialize(line, ContractsJson.Default.AuditRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string[] Lines(string file)
    {
        // Never through a link, as the writer.
        var (handle, _) = RegularFile.OpenForReading(file);
        using var stream = new FileStream(handle, FileAccess.Read);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }
}
