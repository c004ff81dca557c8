using System.Net;

namespace Nube.Qemu.Protocol;

/// <summary>One network interface of the guest, with its name already sanitised.</summary>
public sealed record GuestNetworkInterface(string Name, IReadOnlyList<GuestIpAddress> Addresses);

/// <summary>An address the guest reported, parsed: its text is the host's, never the guest's.</summary>
public sealed record GuestIpAddress(IPAddress Address, int Prefix)
{
    public override string ToString() => $"{Address}/{Prefix}";
}
