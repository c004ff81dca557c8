using System.Text.Json;
using Nube.Contracts.HostSystem;

namespace Nube.Service.HostSystem;

/// <summary>
/// Reads <c>ip -j addr</c> (iproute2's JSON). Defensive: entries without a name are skipped, fields of
/// the wrong type read as absent, and the counts are bounded, so that an odd host shows what it can.
/// </summary>
public static class IpAddressJson
{
    public const int MaxInterfaces = 256;
    public const int MaxAddresses = 64;

    /// <exception cref="FormatException">The text is not a JSON array.</exception>
    public static IReadOnlyList<NetworkInterfaceInfo> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The output of 'ip -j addr' is not JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new FormatException($"The output of 'ip -j addr' is a JSON {document.RootElement.ValueKind}, not an array.");
            var interfaces = new List<NetworkInterfaceInfo>();
            foreach (var link in document.RootElement.EnumerateArray())
            {
                if (interfaces.Count == MaxInterfaces)
                    break;
                if (link.ValueKind == JsonValueKind.Object && Text(link, "ifname") is { Length: > 0 } name)
                    interfaces.Add(new NetworkInterfaceInfo
                    {
                        Name = name,
                        State = Text(link, "operstate")?.ToLowerInvariant() ?? "unknown",
                        MacAddress = Text(link, "address"),
                        Mtu = Number(link, "mtu"),
                        Addresses = Addresses(link),
                    });
            }
            return interfaces;
        }
    }

    private static List<string> Addresses(JsonElement link)
    {
        var addresses = new List<string>();
        if (!link.TryGetProperty("addr_info", out var infos) || infos.ValueKind != JsonValueKind.Array)
            return addresses;
        foreach (var info in infos.EnumerateArray())
        {
            if (addresses.Count == MaxAddresses)
                break;
            if (info.ValueKind != JsonValueKind.Object || Text(info, "local") is not { Length: > 0 } local)
                continue;
            addresses.Add(Number(info, "prefixlen") is { } prefix ? $"{local}/{prefix}" : local);
        }
        return addresses;
    }

    private static int? Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
