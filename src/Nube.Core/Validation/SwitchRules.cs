using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Nube.Core.Serialization;
using Nube.Core.Switches;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>Checks a virtual switch's settings and returns every problem at once.</summary>
public static class SwitchRules
{
    public const int MaxNameLength = 64;
    public const int MaxHostAddresses = 16;
    private const string Need = $"a switch name has 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit";

    /// <param name="otherSwitchNames">The names of the host's other switches (not this one), for the duplicate check.</param>
    public static IReadOnlyList<ValidationError> Validate(VirtualSwitch sw, IEnumerable<string> otherSwitchNames)
    {
        var errors = new List<ValidationError>();
        if (sw.SchemaVersion != VirtualSwitch.CurrentSchemaVersion)
            errors.Add(new("schemaVersion", Messages.Text(sw.SchemaVersion),
                $"schemaVersion: {sw.SchemaVersion} is not supported; this version of Nube reads schema version {VirtualSwitch.CurrentSchemaVersion}"));
        CheckName(sw.Name, otherSwitchNames, errors);
        CheckInterface(sw, errors);
        CheckAddresses(sw, errors);
        CheckServices(sw, errors);
        if (sw.Notes.Length > VmValidator.MaxNotesLength)
            errors.Add(new("notes", $"{sw.Notes.Length} characters",
                $"notes: {sw.Notes.Length} characters exceed the limit of {VmValidator.MaxNotesLength} characters"));
        return errors;
    }

    /// <summary>What the CLI's --default-switch and --nic take to mean no switch.</summary>
    public const string NoSwitch = "none";

    /// <summary>True for a name an adapter can give to mean a switch (not 'user', not 'none', not 'tap:...').</summary>
    public static bool IsSwitchName(string name) =>
        name.Length is > 0 and <= MaxNameLength && char.IsAsciiLetterOrDigit(name[0]) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') &&
        !string.Equals(name, NetworkAdapter.UserMode, StringComparison.OrdinalIgnoreCase) &&
        !string.Equals(name, NoSwitch, StringComparison.OrdinalIgnoreCase);

    private static void CheckName(string name, IEnumerable<string> others, List<ValidationError> errors)
    {
        var quoted = Quoting.Quote(name);
        if (string.Equals(name, NetworkAdapter.UserMode, StringComparison.OrdinalIgnoreCase))
            errors.Add(new("name", name, $"name: {quoted} is reserved: an adapter's switch 'user' means QEMU's user-mode NAT"));
        else if (string.Equals(name, NoSwitch, StringComparison.OrdinalIgnoreCase))
            errors.Add(new("name", name, $"name: {quoted} is reserved: it means no switch"));
        else if (!IsSwitchName(name))
            errors.Add(new("name", name, $"name: {quoted} is not a switch name; {Need}"));
        var taken = others.FirstOrDefault(o => string.Equals(o, name, StringComparison.OrdinalIgnoreCase));
        if (taken is not null)
            errors.Add(new("name", name, $"name: {quoted} is already the name of another switch ({Quoting.Quote(taken)})"));
    }

    private static void CheckAddresses(VirtualSwitch sw, List<ValidationError> errors)
    {
        if (sw.Kind != SwitchKind.Internal && sw.HostAddresses.Length > 0)
        {
            errors.Add(new("hostAddresses", string.Join(",", sw.HostAddresses), sw.Kind == SwitchKind.External
                ? "hostAddresses: an external switch's host addresses are those of its host interface, which move to it; only an internal switch is given host addresses"
                : $"hostAddresses: {WithArticle(sw.Kind)} switch gives the host no address; only an internal switch has host addresses"));
            return;
        }
        if (sw.HostAddresses.Length > MaxHostAddresses)
            errors.Add(new("hostAddresses", Messages.Text(sw.HostAddresses.Length),
                $"hostAddresses: {sw.HostAddresses.Length} addresses exceed the limit of {MaxHostAddresses}"));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < sw.HostAddresses.Length; i++)
        {
            var field = $"hostAddresses[{i}]";
            var text = sw.HostAddresses[i];
            if (ParseCidr(text) is not { } cidr)
                errors.Add(new(field, text, $"{field}: {Quoting.Quote(text)} is not an address with its prefix length, such as 192.168.50.1/24 or fd00:50::1/64"));
            else if (cidr.Problem is { } problem)
                errors.Add(new(field, text, $"{field}: {Quoting.Quote(text)} {problem}"));
            else if (!seen.Add(cidr.Address.ToString()))
                errors.Add(new(field, text, $"{field}: {Quoting.Quote(text)} is listed twice"));
        }
    }

    private static string WithArticle(SwitchKind kind) => kind == SwitchKind.Private ? "a private" : $"an {EnumWords.Word(kind)}";

    /// <summary>An external switch names its host interface (IFNAMSIZ: 15 characters); no other kind names one.</summary>
    private static void CheckInterface(VirtualSwitch sw, List<ValidationError> errors)
    {
        if (sw.Kind != SwitchKind.External)
        {
            if (sw.Interface is not null)
                errors.Add(new("interface", sw.Interface, $"interface: only an external switch bridges a host interface (this one is {EnumWords.Word(sw.Kind)})"));
            return;
        }
        var name = sw.Interface ?? "";
        if (name.Length == 0)
            errors.Add(new("interface", "", "interface: an external switch needs the host interface it bridges, such as eth1 (ip link lists them)"));
        else if (name.Length > NetworkRules.MaxTapNameLength || name is "." or ".." || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            errors.Add(new("interface", name, $"interface: {Quoting.Quote(name)} is not an interface name; a name has 1 to {NetworkRules.MaxTapNameLength} characters of A-Z, a-z, 0-9, '_', '.' and '-'"));
        else if (name == "lo" || name.StartsWith(LinkNames.BridgePrefix, StringComparison.Ordinal) || name.StartsWith(LinkNames.TapPrefix, StringComparison.Ordinal))
            errors.Add(new("interface", name, $"interface: {Quoting.Quote(name)} is the loopback or a device Nube makes itself; an external switch bridges a host's own interface"));
    }

    /// <summary>NAT and DHCP serve the switch's first IPv4 subnet, through the host's address on it.</summary>
    private static void CheckServices(VirtualSwitch sw, List<ValidationError> errors)
    {
        foreach (var (field, on) in new[] { ("nat", sw.Nat), ("dhcp", sw.Dhcp) })
        {
            if (!on)
                continue;
            if (sw.Kind != SwitchKind.Internal)
                errors.Add(new(field, "true", $"{field}: {WithArticle(sw.Kind)} switch gives the host no address to serve {field.ToUpperInvariant()} from; make it internal"));
            else if (SwitchAddressing.Of(sw) is null)
                errors.Add(new(field, "true", $"{field}: needs an IPv4 host address on the switch with a prefix of 8 to 30 (such as 192.168.50.1/24), which it serves the subnet from"));
        }
    }

    /// <summary>An address and its prefix length, with why the host cannot have it (null when it can).</summary>
    public sealed record Cidr(IPAddress Address, int PrefixLength, string? Problem);

    /// <summary>Parses <c>ADDRESS/PREFIX</c> (IPv4 or IPv6); null when it is not of that form.</summary>
    public static Cidr? ParseCidr(string text)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0 || !IPAddress.TryParse(text[..slash], out var address) || text[..slash].Contains('%') ||
            !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
            return null;
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        string? problem = null;
        if (prefix is < 1 || prefix > bits)
            problem = $"has the prefix length {prefix}; an {(bits == 32 ? "IPv4" : "IPv6")} prefix length is 1 to {bits}";
        else if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ||
                 address.IsIPv6Multicast || (bits == 32 && address.GetAddressBytes()[0] >= 224))
            problem = "is not an address a host interface can have (loopback, unspecified, multicast or reserved)";
        return new Cidr(address, prefix, problem);
    }
}
