using System.Text.Json;

namespace Nube.Core.Serialization;

/// <summary>
/// Reads a versioned configuration document: the schema version is checked before the body is
/// bound, so a file written by a newer Nube is refused by name instead of misread.
/// </summary>
public static class ConfigDocument
{
    public static T Parse<T>(string json, int currentVersion, string documentName)
    {
        int version;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ConfigDocumentException($"{documentName}: the document is not a JSON object.");
            if (!doc.RootElement.TryGetProperty("schemaVersion", out var v) || !v.TryGetInt32(out version))
                throw new ConfigDocumentException($"{documentName}: schemaVersion is missing or not a whole number.");
        }
        catch (JsonException e)
        {
            throw new ConfigDocumentException($"{documentName}: not valid JSON ({e.Message})", e);
        }
        if (version > currentVersion)
            throw new ConfigDocumentException(
                $"{documentName}: schemaVersion {version} is newer than this Nube understands (up to {currentVersion}); upgrade Nube to use it.");
        if (version < 1)
            throw new ConfigDocumentException($"{documentName}: schemaVersion {version} is not valid (1 to {currentVersion}).");
        try
        {
            return JsonSerializer.Deserialize<T>(json, NubeJson.Options)
                ?? throw new ConfigDocumentException($"{documentName}: the document is empty.");
        }
        catch (JsonException e)
        {
            throw new ConfigDocumentException($"{documentName}: {e.Message}", e);
        }
    }

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, NubeJson.Options);
}
