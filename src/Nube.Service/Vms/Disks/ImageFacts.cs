using System.Text.Json;

namespace Nube.Service.Vms.Disks;

/// <summary>One image of a chain as <c>qemu-img info --output=json</c> describes it.</summary>
public sealed record ImageFacts(string Filename, string Driver, long VirtualSize, long ActualSize, bool Dirty, bool? Corrupt)
{
    /// <summary>The images of <c>qemu-img info --backing-chain --output=json</c> (an array, top first) or of a plain info (one object).</summary>
    /// <exception cref="JsonException">Not qemu-img's JSON.</exception>
    public static IReadOnlyList<ImageFacts> ParseChain(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray().Select(Parse)] : [Parse(root)];
    }

    private static ImageFacts Parse(JsonElement image)
    {
        if (image.ValueKind != JsonValueKind.Object)
            throw new JsonException("qemu-img info gave an image that is not a JSON object.");
        // A qcow2's corrupt flag sits in its format-specific data; other formats have none.
        bool? corrupt = image.TryGetProperty("format-specific", out var specific) && specific.TryGetProperty("data", out var data)
            && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("corrupt", out var c) && c.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? c.GetBoolean() : null;
        return new ImageFacts(
            String(image, "filename"), String(image, "format"), Number(image, "virtual-size"), Number(image, "actual-size"),
            image.TryGetProperty("dirty-flag", out var d) && d.ValueKind == JsonValueKind.True, corrupt);
    }

    private static string String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    private static long Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}
