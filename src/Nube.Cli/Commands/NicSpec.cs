using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>--nic KIND[:MODEL][:SWITCH][,SETTING=on|off...]</c>: <c>legacy</c>, <c>legacy:e1000:user</c>,
/// <c>synthetic:lan</c> (a virtual switch), <c>synthetic:tap:nbtap0</c>, <c>synthetic:user</c>,
/// <c>synthetic:lan,vlan=10,bandwidth=100,weight=50,dhcp-guard=off</c>, <c>synthetic:lan,ip=10.0.0.5,ip=fd00::5</c>. The service checks the words; this only splits them, so
/// that its messages name the field and the limit.
/// </summary>
public static class NicSpec
{
    private static readonly string[] Models = ["tulip", "e1000", "virtio-net"];

    /// <summary>The port settings a spec may give after its commas.</summary>
    public static readonly string[] Settings = ["vlan", "bandwidth", "weight", "ip", "mac-spoofing", "dhcp-guard", "router-guard"];

    public static NetworkAdapterSettings Parse(string spec)
    {
        var settings = spec.Split(',');
        var parts = settings[0].Split(':', 2);
        var rest = parts.Length > 1 ? parts[1] : null;
        string? model = null;
        if (rest is not null)
        {
            var head = rest.Split(':', 2);
            if (Models.Contains(head[0], StringComparer.OrdinalIgnoreCase))
                (model, rest) = (head[0].ToLowerInvariant(), head.Length > 1 ? head[1] : null);
        }
        var adapter = new NetworkAdapterSettings { Kind = parts[0], Model = model, Switch = string.IsNullOrEmpty(rest) ? null : rest };
        foreach (var setting in settings.Skip(1))
        {
            var (name, value) = setting.Split('=', 2) is [var n, var v] ? (n, v) : (setting, "");
            // ip=ADDRESS, once per address the guest may send from (IP address binding).
            if (name == "ip")
            {
                adapter = adapter with { AllowedAddresses = [.. adapter.AllowedAddresses ?? [], value] };
                continue;
            }
            if (name is "vlan" or "bandwidth" or "weight")
            {
                var number = int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed
                    : throw new CliException(ExitCodes.Usage, $"--nic {spec}: '{setting}' is not " +
                        name switch { "vlan" => "vlan=ID (1 to 4094)", "bandwidth" => "bandwidth=MBIT_PER_S", _ => "weight=1 to 100" });
                adapter = name switch
                {
                    "vlan" => adapter with { VlanId = number },
                    "bandwidth" => adapter with { MaximumBandwidthMbps = number },
                    _ => adapter with { MinimumBandwidthWeight = number },
                };
                continue;
            }
            var on = value switch
            {
                "on" => true,
                "off" => false,
                _ => throw new CliException(ExitCodes.Usage, $"--nic {spec}: '{setting}' is not SETTING=on or SETTING=off"),
            };
            adapter = name switch
            {
                "mac-spoofing" => adapter with { MacAddressSpoofing = on },
                "dhcp-guard" => adapter with { DhcpGuard = on },
                "router-guard" => adapter with { RouterGuard = on },
                _ => throw new CliException(ExitCodes.Usage, $"--nic {spec}: '{name}' is not a setting; an adapter's settings are {string.Join(", ", Settings)}"),
            };
        }
        return adapter;
    }
}
