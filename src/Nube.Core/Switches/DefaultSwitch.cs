using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Nube.Core.Validation;

namespace Nube.Core.Switches;

/// <summary>
/// The switch that nubed makes on a new host, as Hyper-V's Default Switch and libvirt's default
/// network: internal, with NAT and DHCP, on the first of 10.111.0.0/24 ... 10.111.255.0/24 that no
/// route or address of the host overlaps, so that a VM gets an address and reaches what the host
/// reaches with no configuration.
/// </summary>
public static class DefaultSwitch
{
    public const string Name = "default";

    /// <summary>
    /// The default switch for a host whose IPv4 routes and addresses are <paramref name="inUse"/>
    /// (CIDR text, as <c>ip -json route</c> gives them; a bare address is a /32), or null when
    /// every candidate subnet is taken.
    /// </summary>
    public static VirtualSwitch? For(Guid id, IEnumerable<string> inUse)
    {
        var taken = inUse.Select(Parse).OfType<(uint Network, uint Mask)>().ToList();
        for (var third = 0; third < 256; third++)
        {
            var network = (10u << 24) | (111u << 16) | ((uint)third << 8);
            const uint mask = 0xFFFFFF00;
            // Two prefixes overlap when either contains the other's network address.
            if (taken.Any(t => (t.Network & mask) == network || (network & t.Mask) == t.Network))
                continue;
            var gateway = $"10.111.{third.ToString(CultureInfo.InvariantCulture)}.1/24";
            return new VirtualSwitch
            {
                Id = id,
                Name = Name,
                Kind = SwitchKind.Internal,
                HostAddresses = [gateway],
                Nat = true,
                Dhcp = true,
                Notes = "Made by Nube on this host's first start: NAT and DHCP for VMs, as Hyper-V's Default Switch.",
            };
        }
        return null;
    }

    private static (uint Network, uint Mask)? Parse(string text)
    {
        var cidr = text.Contains('/', StringComparison.Ordinal) ? SwitchRules.ParseCidr(text) : null;
        var address = cidr?.Address ?? (IPAddress.TryParse(text, out var bare) ? bare : null);
        if (address is null || address.AddressFamily != AddressFamily.InterNetwork)
            return null;
        var prefix = cidr?.PrefixLength ?? 32;
        // The default route overlaps everything and so takes nothing.
        if (prefix is < 1 or > 32)
            return null;
        var mask = uint.MaxValue << (32 - prefix);
        return (BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes()) & mask, mask);
    }
}
