using System.Net;

namespace Nube.Qemu.Protocol;

/// <summary>
/// One network interface of the guest, with its name already sanitised; its MAC address (as the
/// host writes it, lower case with colons) and its counters when the guest reported them.
/// </summary>
public sealed record GuestNetworkInterface(string Name, IReadOnlyList<GuestIpAddress> Addresses,
    string? MacAddress = null, GuestInterfaceCounters? Counters = null);

/// <summary>What the guest says its interface received and sent: the guest's word, not the host's measure.</summary>
public sealed record GuestInterfaceCounters(long ReceivedBytes, long SentBytes, long ReceivedPackets, long SentPackets);

/// <summary>An address the guest reported, parsed: its text is the host's, never the guest's.</summary>
public sealed record GuestIpAddress(IPAddress Address, int Prefix)
{
    public override string ToString() => $"{Address}/{Prefix}";
}
