using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Nube.Core.Hosts;

/// <summary>
/// The machine types the host's QEMU offers (<c>qemu-system-x86_64 -machine help</c>), and the
/// versioned ones that its <c>pc</c> and <c>q35</c> stand for today: what a new VM is pinned to.
/// A QEMU keeps the machine types of its earlier versions, so a VM pinned to one restores its
/// saved memory, and takes a migration, on the same or a later QEMU.
/// </summary>
public sealed partial record QemuMachines(ImmutableArray<string> Types, string? Pc, string? Q35)
{
    /// <summary>Not probed (QEMU is missing): nothing is pinned, nothing refused.</summary>
    public static QemuMachines Unknown { get; } = new([], null, null);

    /// <summary>The versioned type a new VM of <paramref name="generation"/> gets; null when not known.</summary>
    public string? Current(int generation) => generation == 2 ? Q35 : Pc;

    public bool Has(string machine) => Types.Contains(machine);

    /// <summary>The newest of this QEMU's types of the family <paramref name="machine"/> is one of (i440fx or q35), for messages.</summary>
    public string? NewestLike(string machine) => machine.StartsWith(Q35Prefix, StringComparison.Ordinal) ? Q35 : Pc;

    public const string PcPrefix = "pc-i440fx-";
    public const string Q35Prefix = "pc-q35-";

    /// <summary>Reads QEMU's listing: one type a line, its name first; an alias says "(alias of NAME)".</summary>
    public static QemuMachines Parse(string help)
    {
        var types = ImmutableArray.CreateBuilder<string>();
        string? pc = null, q35 = null;
        foreach (var line in help.Split('\n'))
        {
            var m = LineRegex().Match(line);
            if (!m.Success)
                continue;
            var name = m.Groups[1].Value;
            var alias = m.Groups[2].Success ? m.Groups[2].Value : null;
            if (alias is null)
                types.Add(name);
            else if (name == "pc" && alias.StartsWith(PcPrefix, StringComparison.Ordinal))
                pc = alias;
            else if (name == "q35" && alias.StartsWith(Q35Prefix, StringComparison.Ordinal))
                q35 = alias;
        }
        return new(types.ToImmutable(), pc, q35);
    }

    [GeneratedRegex(@"^([a-z0-9][a-z0-9._-]*)\s+.*?(?:\(alias of ([a-z0-9._-]+)\))?\s*(?:\(default\))?\s*(?:\(deprecated\))?\s*$")]
    private static partial Regex LineRegex();
}
