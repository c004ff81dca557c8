using Nube.Core.Hosts;
using System.Collections.Immutable;
using Nube.Core.Editions;
using Nube.Core.Serialization;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

internal static class NetworkRules
{
    /// <param name="switchNames">The host's virtual switches, which an adapter may name.</param>
    public static void Check(ImmutableArray<NetworkAdapter> adapters, int generation, Edition edition, IReadOnlyCollection<string> switchNames,
        List<ValidationError> errors)
    {
        CheckCount(adapters, NetworkAdapterKind.Legacy, edition.MaxLegacyNetworkAdapters, edition, errors);
        CheckCount(adapters, NetworkAdapterKind.Synthetic, edition.MaxSyntheticNetworkAdapters, edition, errors);
        var macs = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var slots = new Dictionary<int, int>();
        for (var i = 0; i < adapters.Length; i++)
        {
            var adapter = adapters[i];
            var field = $"networkAdapters[{i}]";
            // A null MAC is assigned by the host when the adapter is created.
            if (adapter.MacAddress is { } mac && CheckMac($"{field}.macAddress", mac, errors) && !macs.TryAdd(mac, i))
                errors.Add(new($"{field}.macAddress", mac,
                    $"{field}.macAddress: {Quoting.Quote(mac)} is already used by networkAdapters[{macs[mac]}]"));
            if (adapter.Switch is { } name)
                CheckSwitch($"{field}.switch", name, switchNames, errors);
            if (adapter.VlanId is { } vlan and (< MinVlan or > MaxVlan))
                errors.Add(Messages.Outside($"{field}.vlanId", vlan, "range of VLAN IDs", MinVlan, MaxVlan));
            if (adapter.MaximumBandwidthMbps is { } mbps and (< 1 or > MaxBandwidthMbps))
                errors.Add(Messages.Outside($"{field}.maximumBandwidthMbps", mbps, "range of Mbit/s", 1, MaxBandwidthMbps));
            if (adapter.MinimumBandwidthWeight is { } weight and (< 1 or > MaxBandwidthWeight))
                errors.Add(Messages.Outside($"{field}.minimumBandwidthWeight", weight, "range of weights", 1, MaxBandwidthWeight));
            CheckModel(adapter, field, errors);
            if (adapter.AllowedAddresses is { } allowed)
                CheckAddresses($"{field}.allowedAddresses", allowed, errors);
            if (adapter.PciSlot is { } slot)
            {
                var last = NetworkAdapter.LastPciSlot(generation);
                if (slot < NetworkAdapter.FirstPciSlot || slot > last)
                    errors.Add(Messages.Outside($"{field}.pciSlot", slot, $"PCI slots for adapters of a generation {generation} VM", NetworkAdapter.FirstPciSlot, last));
                else if (!slots.TryAdd(slot, i))
                    errors.Add(new($"{field}.pciSlot", slot.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        $"{field}.pciSlot: slot {slot} is already networkAdapters[{slots[slot]}]'s; leave it out and nubed gives a free one"));
            }
        }
    }

    /// <summary>802.1Q: 0 means no VLAN and 4095 is reserved.</summary>
    public const int MinVlan = 1;
    public const int MaxVlan = 4094;
    /// <summary>100 Gbit/s: past any link a host has today.</summary>
    public const int MaxBandwidthMbps = 100_000;
    /// <summary>Hyper-V's weights are 0 to 100; 0 is no weight, which is null here.</summary>
    public const int MaxBandwidthWeight = 100;

    /// <summary>IFNAMSIZ is 16 bytes with the terminating zero; these characters need no quoting anywhere.</summary>
    public const int MaxTapNameLength = 15;

    private static void CheckSwitch(string field, string name, IReadOnlyCollection<string> switchNames, List<ValidationError> errors)
    {
        var quoted = Quoting.Quote(name);
        if (!name.StartsWith(NetworkAdapter.TapPrefix, StringComparison.Ordinal))
        {
            if (name != NetworkAdapter.UserMode && !switchNames.Contains(name, StringComparer.OrdinalIgnoreCase))
                errors.Add(new(field, name,
                    $"{field}: {quoted} is not a switch of this host ({(switchNames.Count == 0 ? "it has none" : "it has " + string.Join(", ", switchNames.Order().Select(Quoting.Quote)))}); " +
                    "an adapter connects to a switch by its name, to 'user' (QEMU's user-mode NAT), to 'tap:IFNAME' (an existing TAP device) or to nothing (null)"));
            return;
        }
        var tap = name[NetworkAdapter.TapPrefix.Length..];
        if (tap.Length is 0 or > MaxTapNameLength || tap is "." or ".." || !tap.All(IsTapNameCharacter))
            errors.Add(new(field, name,
                $"{field}: {quoted} names a TAP device of {tap.Length} characters; a TAP device's name has 1 to {MaxTapNameLength} characters " +
                "of A-Z, a-z, 0-9, '_', '.' and '-' (and is not '.' or '..')"));
    }

    /// <summary>More than a handful is a subnet's work: a prefix (10.0.0.0/29) says it in one.</summary>
    public const int MaxAllowedAddresses = 32;

    private static void CheckAddresses(string field, string allowed, List<ValidationError> errors)
    {
        var addresses = NetworkAdapter.AddressesOf(allowed);
        if (addresses.Count is 0 or > MaxAllowedAddresses)
            errors.Add(new(field, allowed, $"{field}: {addresses.Count} addresses; an adapter is bound to 1 to {MaxAllowedAddresses} addresses or prefixes " +
                "(leave the setting out for no binding)"));
        foreach (var address in addresses)
        {
            // Canonical text only: nft reads it as it is, and a string compares equal to itself alone.
            var ok = address.Contains('/', StringComparison.Ordinal)
                ? System.Net.IPNetwork.TryParse(address, out var network) && network.ToString() == address
                : System.Net.IPAddress.TryParse(address, out var ip) && ip.ToString() == address && !ip.Equals(System.Net.IPAddress.Any) && !ip.Equals(System.Net.IPAddress.IPv6None);
            if (!ok)
                errors.Add(new(field, address, $"{field}: {Quoting.Quote(address)} is not an IP address or prefix in its plain form (10.0.0.5, 10.0.0.0/29, fd00::5)"));
        }
    }

    private static bool IsTapNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';

    private static void CheckModel(NetworkAdapter adapter, string field, List<ValidationError> errors)
    {
        if (adapter.Model is not { } model)
            return;
        var legacyModel = model is NicModel.Tulip or NicModel.E1000;
        if (legacyModel == (adapter.Kind == NetworkAdapterKind.Legacy))
            return;
        var word = EnumWords.Word(model);
        errors.Add(new($"{field}.model", word, adapter.Kind == NetworkAdapterKind.Legacy
            ? $"{field}.model: '{word}' is a synthetic model; a legacy adapter is 'tulip' (the default) or 'e1000'"
            : $"{field}.model: '{word}' is a legacy model; a synthetic adapter is 'virtio-net'"));
    }

    private static void CheckCount(ImmutableArray<NetworkAdapter> adapters, NetworkAdapterKind kind, int limit,
        Edition edition, List<ValidationError> errors)
    {
        var count = adapters.Count(a => a.Kind == kind);
        var name = EnumWords.Word(kind);
        if (count > limit)
            errors.Add(Messages.CountExceeds("networkAdapters", count, $"{name} adapters",
                $"{limit} {name} network adapters per VM", edition));
    }

    /// <summary>True when the MAC is a usable unicast address.</summary>
    public static bool CheckMac(string field, string mac, List<ValidationError> errors)
    {
        var quoted = Quoting.Quote(mac);
        if (MacAddressPool.Parse(mac) is not { } value)
        {
            errors.Add(new(field, mac, $"{field}: {quoted} is not a MAC address of the form xx:xx:xx:xx:xx:xx (hexadecimal)"));
            return false;
        }
        // The lowest bit of the first octet (the 48-bit number's 41st) marks a group address.
        if (((value >> 40) & 1) != 0)
        {
            errors.Add(new(field, mac, $"{field}: {quoted} is a multicast address; the first octet's lowest bit must be 0"));
            return false;
        }
        if (value == 0)
        {
            errors.Add(new(field, mac, $"{field}: {quoted} is all zeros"));
            return false;
        }
        return true;
    }
}
