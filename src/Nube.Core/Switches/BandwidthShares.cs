using System.Globalization;
using Nube.Core.Qemu;

namespace Nube.Core.Switches;

/// <summary>
/// Hyper-V's minimum bandwidth weight, where the kernel can give it: in a queue that traffic from
/// several ports of a switch contends for (a VM's TAP under its maximum bandwidth, an external
/// switch's uplink at its link speed). There, an HTB qdisc gives each weighted port a class whose
/// guaranteed rate is its weight's share of the link, and everything else (ports without a weight,
/// the host, the outside) one default class with what the weights leave of 100 (at least 1). Every
/// class may borrow up to the whole link, so a weight only acts when the link is full. The port
/// table (<see cref="PortGuardRules"/>) sets each weighted port's packets' priority to its class,
/// which HTB reads before any filter. Pure: tested; nubed applies it.
/// </summary>
public static class BandwidthShares
{
    /// <summary>The queue's handle, 4e: ('N'), so that an operator's own qdisc (often 1:) is never taken for Nube's.</summary>
    public const string Handle = "4e:";
    private const int RootClass = 1;
    private const int DefaultClass = 2;
    private const int FirstPortClass = 0x10;
    /// <summary>An Ethernet frame's most bytes: a class's quantum is this many per unit of weight.</summary>
    private const int FrameBytes = 1514;

    /// <summary>
    /// The class of each weighted port on a switch, by TAP: one numbering for the host, so that the
    /// port table and every queue agree on it.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Classes(IEnumerable<SwitchPort> ports) =>
        ports.Where(p => p.Weight is not null && p.Switch is not null).Select(p => p.Tap).Distinct().Order(StringComparer.Ordinal)
            .Select((tap, i) => (tap, i)).ToDictionary(x => x.tap, x => FirstPortClass + x.i, StringComparer.Ordinal);

    /// <summary>A class as tc and nft write it: <c>4e:10</c> (hexadecimal).</summary>
    public static string ClassId(int minor) => $"{Handle}{minor.ToString("x", CultureInfo.InvariantCulture)}";

    /// <summary>The weight of the traffic that has none: what the weights leave of 100, at least 1.</summary>
    public static int DefaultWeight(IEnumerable<int> weights) => Math.Max(1, 100 - weights.Sum());

    /// <summary>
    /// The <c>tc -batch</c> lines that make <paramref name="device"/>'s queue: at most
    /// <paramref name="rateMbps"/>, shared by <paramref name="shares"/> (class, weight) and the
    /// default class. Without shares it is a plain shaper, as a maximum bandwidth needs.
    /// </summary>
    public static IReadOnlyList<string> Render(string device, long rateMbps, IReadOnlyList<(int Class, int Weight)> shares)
    {
        var bytes = rateMbps * 1_000_000 / 8;
        var burst = Text(Math.Max(bytes / 100, 16 * 1024));
        // 50 ms of the whole rate per class, as the shaper before it queued, within 64 KiB and 4 MiB.
        var limit = Text(Math.Clamp(bytes / 20, 64 * 1024, 4 * 1024 * 1024));
        var rate = $"{Text(rateMbps)}mbit";
        var all = shares.Prepend((Class: DefaultClass, Weight: DefaultWeight(shares.Select(s => s.Weight)))).ToList();
        var total = all.Sum(s => (long)s.Weight);
        var lines = new List<string>
        {
            $"qdisc add dev {device} root handle {Handle} htb default {Text(DefaultClass)}",
            $"class add dev {device} parent {Handle} classid {ClassId(RootClass)} htb rate {rate} ceil {rate} burst {burst} cburst {burst}",
        };
        foreach (var (minor, weight) in all)
        {
            var guaranteed = Math.Max(1, rateMbps * 1000 * weight / total);
            lines.Add($"class add dev {device} parent {ClassId(RootClass)} classid {ClassId(minor)} htb rate {Text(guaranteed)}kbit ceil {rate} " +
                $"burst {burst} cburst {burst} quantum {Text((long)FrameBytes * weight)}");
            lines.Add($"qdisc add dev {device} parent {ClassId(minor)} bfifo limit {limit}");
        }
        return lines;
    }

    /// <summary>
    /// The queue of each device where the ports' traffic contends: each port with a maximum
    /// bandwidth (shared by the other weighted ports of its switch), and each external switch's
    /// uplink whose link speed is known and whose switch has a weighted port.
    /// </summary>
    /// <param name="uplinkOf">A switch's uplink interface and its speed in Mbit/s, when it is external and has them.</param>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Queues(IReadOnlyCollection<SwitchPort> ports,
        Func<string, (string Interface, long SpeedMbps)?> uplinkOf)
    {
        var classes = Classes(ports);
        IReadOnlyList<(int, int)> SharesOn(string sw, string? except) =>
            [.. ports.Where(p => string.Equals(p.Switch, sw, StringComparison.OrdinalIgnoreCase) && p.Tap != except && classes.ContainsKey(p.Tap)).OrderBy(p => classes[p.Tap]).Select(p => (classes[p.Tap], p.Weight!.Value))];
        var queues = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var port in ports)
            if (port.BandwidthMbps is { } mbps)
                queues[port.Tap] = Render(port.Tap, mbps, port.Switch is { } sw ? SharesOn(sw, port.Tap) : []);
        foreach (var sw in ports.Where(p => classes.ContainsKey(p.Tap)).Select(p => p.Switch!).Distinct(StringComparer.OrdinalIgnoreCase))
            if (uplinkOf(sw) is { } uplink)
                queues[uplink.Interface] = Render(uplink.Interface, uplink.SpeedMbps, SharesOn(sw, null));
        return queues;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
