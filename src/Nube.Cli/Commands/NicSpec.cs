using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>--nic KIND[:MODEL][:SWITCH]</c>: <c>legacy</c>, <c>legacy:e1000:user</c>, <c>synthetic:lan</c> (a virtual switch),
/// <c>synthetic:tap:nbtap0</c>, <c>synthetic:user</c>. The service checks the words; this only
/// splits them, so that its messages name the field and the limit.
/// </summary>
public static class NicSpec
{
    private static readonly string[] Models = ["tulip", "e1000", "virtio-net"];

    public static NetworkAdapterSettings Parse(string spec)
    {
        var parts = spec.Split(':', 2);
        var rest = parts.Length > 1 ? parts[1] : null;
        string? model = null;
        if (rest is not null)
        {
            var head = rest.Split(':', 2);
            if (Models.Contains(head[0], StringComparer.OrdinalIgnoreCase))
                (model, rest) = (head[0].ToLowerInvariant(), head.Length > 1 ? head[1] : null);
        }
        return new NetworkAdapterSettings { Kind = parts[0], Model = model, Switch = string.IsNullOrEmpty(rest) ? null : rest };
    }
}
