using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Nube.Core.Validation;

namespace Nube.Core.Switches;

/// <summary>
/// The IPv4 subnet an internal switch serves NAT and DHCP on: its first IPv4 host address (the
/// VMs' gateway and DNS server) and prefix; DHCP hands out the subnet's upper half, so that the
/// lower half is the operator's for static addresses.
/// </summary>
public sealed record SwitchAddressing(IPAddress Gateway, int PrefixLength, IPAddress Network, IPAddress Mask, IPAddress FirstLease, IPAddress LastLease)
{
    public string Subnet => $"{Network}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Null unless the switch has a valid IPv4 host address with a prefix of 8 to 30.</summary>
    public static SwitchAddressing? Of(VirtualSwitch sw)
    {
        foreach (var text in sw.HostAddresses)
        {
            if (SwitchRules.ParseCidr(text) is not { Problem: null } cidr || cidr.Address.AddressFamily != AddressFamily.InterNetwork
                || cidr.PrefixLength is < 8 or > 30)
                continue;
            var host = BinaryPrimitives.ReadUInt32BigEndian(cidr.Address.GetAddressBytes());
            var mask = uint.MaxValue << (32 - cidr.PrefixLength);
            var network = host & mask;
            var broadcast = network | ~mask;
            var size = broadcast - network + 1;
            var first = network + size / 2;
            var last = broadcast - 1;
            // The gateway itself is never leased: the range starts past it when it sits in the upper half.
            if (host >= first && host <= last)
                first = host == last ? first : host + 1;
            if (host == last)
                last = host - 1;
            return new SwitchAddressing(cidr.Address, cidr.PrefixLength, Ip(network), Ip(mask), Ip(first), Ip(last));
        }
        return null;
    }

    private static IPAddress Ip(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
