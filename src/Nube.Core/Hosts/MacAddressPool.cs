using System.Globalization;

namespace Nube.Core.Hosts;

/// <summary>
/// The host's dynamic MAC address range (Hyper-V's MacAddressMinimum and MacAddressMaximum): an
/// adapter made without a MAC gets one from it that no adapter of the host has. Hosts that share
/// a network should have ranges that do not overlap.
/// </summary>
public static class MacAddressPool
{
    /// <summary>QEMU's locally administered prefix, the whole of it.</summary>
    public const string DefaultMinimum = "52:54:00:00:00:00";
    public const string DefaultMaximum = "52:54:00:ff:ff:ff";

    /// <summary>Random tries before the range is walked in order: a nearly full range still yields its free addresses.</summary>
    private const int RandomTries = 64;

    /// <summary>A free MAC of the range (lower case), or null when every one of them is in use.</summary>
    public static string? Pick(string minimum, string maximum, IReadOnlySet<string> inUse, Random random)
    {
        if (Parse(minimum) is not { } first || Parse(maximum) is not { } last || first > last)
            return null;
        var used = inUse.Select(Parse).OfType<ulong>().Where(m => m >= first && m <= last).ToHashSet();
        var size = last - first + 1;
        if ((ulong)used.Count >= size)
            return null;
        for (var i = 0; i < RandomTries; i++)
        {
            var candidate = first + (ulong)random.NextInt64((long)size);
            if (!used.Contains(candidate))
                return Format(candidate);
        }
        var start = (ulong)random.NextInt64((long)size);
        for (ulong i = 0; i < size; i++)
        {
            var candidate = first + (start + i) % size;
            if (!used.Contains(candidate))
                return Format(candidate);
        }
        return null;
    }

    /// <summary>The MAC as a number, or null when it is not of the form xx:xx:xx:xx:xx:xx.</summary>
    public static ulong? Parse(string mac)
    {
        var parts = mac.Split(':');
        if (parts.Length != 6)
            return null;
        ulong value = 0;
        foreach (var part in parts)
        {
            if (part.Length != 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                return null;
            value = (value << 8) | b;
        }
        return value;
    }

    public static string Format(ulong value) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((value >> (8 * (5 - i))) & 0xff).ToString("x2", CultureInfo.InvariantCulture)));
}
