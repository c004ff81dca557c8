using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Nube.Cli.Output;

/// <summary>
/// The fields a change request sets, by their API names: the same names the host's validation
/// errors use, so that "Changed VM 'web1': notes." and an error about 'notes' speak alike.
/// </summary>
public static class ChangedFields
{
    /// <summary>The request's JSON leaves out unset (null) fields, so its property names are the changes.</summary>
    public static IReadOnlyList<string> Of<T>(T changes, JsonTypeInfo<T> type)
    {
        var element = JsonSerializer.SerializeToElement(changes, type);
        return element.ValueKind == JsonValueKind.Object ? [.. element.EnumerateObject().Select(p => p.Name)] : [];
    }

    /// <summary>"Changed X: a, b." or "Changed X." when nothing names the fields.</summary>
    public static string Sentence(string what, IReadOnlyList<string> fields) =>
        fields.Count == 0 ? $"Changed {what}." : $"Changed {what}: {string.Join(", ", fields)}.";
}
