using System.Text.Json;
using Nube.Contracts.Disks;

namespace Nube.Service.Disks;

/// <summary>Reads <c>qemu-img check --output=json</c>.</summary>
public static class ImageCheck
{
    /// <exception cref="JsonException">Not qemu-img's JSON.</exception>
    public static DiskCheck Parse(string json, string path, string format)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        int Count(string name) => root.TryGetProperty(name, out var v) && v.TryGetInt32(out var n) ? n : 0;
        var (corruptions, leaks) = (Count("corruptions"), Count("leaks"));
        return new DiskCheck
        {
            Path = path, Format = format, Corruptions = corruptions, Leaks = leaks, CheckErrors = Count("check-errors"),
            Repaired = Count("corruptions-fixed") + Count("leaks-fixed"),
            // qemu-img check -r all drops leaked clusters and rebuilds refcounts; what it could not read it cannot mend.
            Fixable = (corruptions > 0 || leaks > 0) && Count("check-errors") == 0,
        };
    }
}
