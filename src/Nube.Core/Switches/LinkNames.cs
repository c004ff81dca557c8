using System.Security.Cryptography;
using System.Text;

namespace Nube.Core.Switches;

/// <summary>
/// The names of the Linux devices that make switches and ports. A device name has at most 15
/// characters, so it is derived from ids, never from a user's names: <c>nbr</c> and 12 hex
/// digits for a switch's bridge, <c>ntp</c> and 12 for a VM adapter's TAP. The link's alias
/// (<see cref="Alias"/>) says in words whose it is, and carries the host's key so that one
/// host's nubed never touches another's devices.
/// </summary>
public static class LinkNames
{
    public const string BridgePrefix = "nbr";
    public const string TapPrefix = "ntp";
    /// <summary>Every alias nubed writes starts with this word, then the host's key.</summary>
    public const string AliasWord = "nube";

    public static string Bridge(Guid switchId) => BridgePrefix + Hash(switchId.ToString("N"));

    public static string Tap(Guid vm, string adapterId) => TapPrefix + Hash($"{vm:N}/{adapterId}");

    /// <summary>
    /// <c>nube HOSTKEY switch SWITCHID (NAME)</c> or <c>nube HOSTKEY port VMID ADAPTER SWITCHID (VMNAME ADAPTER on NAME)</c>
    /// (<c>-</c> and <c>not connected</c> for a port on no switch): the ids first, read back by
    /// <see cref="ParseAlias"/>, then the names for a person.
    /// </summary>
    public static string SwitchAlias(string hostKey, VirtualSwitch sw) =>
        Clip($"{AliasWord} {hostKey} switch {sw.Id:N} ({Printable(sw.Name)})");

    public static string PortAlias(string hostKey, Guid vm, string vmName, string adapterId, VirtualSwitch? sw) =>
        Clip($"{AliasWord} {hostKey} port {vm:N} {adapterId} {(sw is null ? "-" : sw.Id.ToString("N"))} " +
             $"({Printable(vmName)} {adapterId} {(sw is null ? "not connected" : $"on {Printable(sw.Name)}")})");

    /// <summary>What an alias of this host says: a switch's id, or a port's VM and adapter; null when it is not this host's.</summary>
    public static LinkOwner? ParseAlias(string hostKey, string? alias)
    {
        var words = (alias ?? "").Split(' ');
        if (words.Length < 4 || words[0] != AliasWord || words[1] != hostKey)
            return null;
        return words[2] switch
        {
            "switch" when Guid.TryParseExact(words[3], "N", out var sw) => new LinkOwner(sw, null, null),
            "port" when words.Length >= 6 && Guid.TryParseExact(words[3], "N", out var vm) && (words[5] == "-" || Guid.TryParseExact(words[5], "N", out _))
                => new LinkOwner(words[5] == "-" ? null : Guid.ParseExact(words[5], "N"), vm, words[4]),
            _ => null,
        };
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

    /// <summary>An alias is one line of at most 255 bytes; names are the operator's, so control characters go.</summary>
    private static string Printable(string name) => new(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static string Clip(string alias)
    {
        while (Encoding.UTF8.GetByteCount(alias) > 255)
            alias = alias[..^(char.IsLowSurrogate(alias[^1]) ? 2 : 1)];
        return alias;
    }
}

/// <summary>Whose a link is: a switch's bridge (<see cref="Vm"/> null) or the TAP of a VM's adapter (on that switch, or on none).</summary>
public sealed record LinkOwner(Guid? Switch, Guid? Vm, string? Adapter);
