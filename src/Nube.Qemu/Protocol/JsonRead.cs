using System.Text.Json;

namespace Nube.Qemu.Protocol;

/// <summary>
/// Defensive accessors for JSON from a peer: they never throw on a wrong shape, so callers
/// can turn a mismatch into their own protocol exception.
/// </summary>
internal static class JsonRead
{
    /// <summary>An empty object for events that carry no data, so Data is always usable.</summary>
    public static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    /// <summary>Stands in for the reply of a command that succeeds without one (quit ending in EOF, guest-shutdown).</summary>
    public static readonly JsonElement EmptyReturn = JsonDocument.Parse("""{"return":{}}""").RootElement;

    /// <summary>Parses one message and detaches it from pooled memory and the read buffer.</summary>
    /// <exception cref="JsonException">The bytes are not one well-formed JSON value.</exception>
    public static JsonElement Parse(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }

    public static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    public static bool TryGetObject(JsonElement element, string name, out JsonElement value) =>
        TryGet(element, name, out value) && value.ValueKind == JsonValueKind.Object;

    public static string? GetString(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? GetInt64(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            ? number
            : null;
}
