using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;

namespace Nube.Qemu.Protocol;

public sealed partial class GuestAgentClient
{
    /// <summary>At most this many interfaces are taken from a reply; a guest may report any number.</summary>
    public const int MaxInterfaces = 64;

    /// <summary>At most this many addresses are taken per interface.</summary>
    public const int MaxAddressesPerInterface = 32;

    /// <summary>
    /// The guest's network interfaces and their IP addresses (guest-network-get-interfaces). The
    /// reply is the guest's word: an entry of the wrong shape is skipped rather than failing the
    /// rest, names are sanitised, and an address is kept only when it parses as one (it is then
    /// written out by the host, so no guest text passes through).
    /// </summary>
    public async Task<IReadOnlyList<GuestNetworkInterface>> GetNetworkInterfacesAsync(CancellationToken ct = default)
    {
        var reply = await ExecuteAsync("guest-network-get-interfaces", ct: ct).ConfigureAwait(false);
        return ParseInterfaces(reply);
    }

    private static IReadOnlyList<GuestNetworkInterface> ParseInterfaces(JsonElement reply)
    {
        if (reply.ValueKind != JsonValueKind.Array)
            throw new GuestAgentProtocolException("guest agent's guest-network-get-interfaces reply is not a list");
        var interfaces = new List<GuestNetworkInterface>();
        foreach (var entry in reply.EnumerateArray())
        {
            if (interfaces.Count == MaxInterfaces)
                break;
            if (JsonRead.GetString(entry, "name") is not { Length: > 0 } name)
                continue;
            var addresses = new List<GuestIpAddress>();
            if (JsonRead.TryGet(entry, "ip-addresses", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (addresses.Count == MaxAddressesPerInterface)
                        break;
                    if (ParseAddress(item) is { } address)
                        addresses.Add(address);
                }
            }
            interfaces.Add(new GuestNetworkInterface(GuestText.Sanitize(name), addresses, ParseMac(entry), ParseCounters(entry)));
        }
        return interfaces;
    }

    private static string? ParseMac(JsonElement entry) =>
        JsonRead.GetString(entry, "hardware-address") is { Length: 17 } text
        && PhysicalAddress.TryParse(text, out var mac) && mac.GetAddressBytes().Length == 6
            ? string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)))
            : null;

    /// <summary>The four counters, or null when any is missing or negative (a guest can report anything).</summary>
    private static GuestInterfaceCounters? ParseCounters(JsonElement entry)
    {
        if (!JsonRead.TryGet(entry, "statistics", out var stats) || stats.ValueKind != JsonValueKind.Object)
            return null;
        return (JsonRead.GetInt64(stats, "rx-bytes"), JsonRead.GetInt64(stats, "tx-bytes"),
                JsonRead.GetInt64(stats, "rx-packets"), JsonRead.GetInt64(stats, "tx-packets")) is
            ({ } rx and >= 0, { } tx and >= 0, { } rxp and >= 0, { } txp and >= 0)
            ? new GuestInterfaceCounters(rx, tx, rxp, txp) : null;
    }

    private static GuestIpAddress? ParseAddress(JsonElement item)
    {
        if (JsonRead.GetString(item, "ip-address") is not { } text || !IPAddress.TryParse(text, out var address)
            || JsonRead.GetInt64(item, "prefix") is not { } prefix)
            return null;
        var family = JsonRead.GetString(item, "ip-address-type");
        var (expected, maxPrefix) = address.AddressFamily == AddressFamily.InterNetworkV6 ? ("ipv6", 128) : ("ipv4", 32);
        // A type that contradicts the address, or a prefix no address has, marks the entry as made up.
        return family == expected && prefix >= 0 && prefix <= maxPrefix ? new GuestIpAddress(address, (int)prefix) : null;
    }
}
