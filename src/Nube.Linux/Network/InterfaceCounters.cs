using System.Globalization;

namespace Nube.Linux.Network;

/// <summary>A host network interface's counters, as the kernel keeps them (in this network namespace).</summary>
public sealed record InterfaceCounters(long ReceivedBytes, long SentBytes, long ReceivedPackets, long SentPackets)
{
    /// <summary>The interface's counters, or null when it does not exist (or its name could not be one).</summary>
    public static InterfaceCounters? Read(string name)
    {
        // An interface name is at most 15 bytes and never holds a slash; anything else names no interface.
        if (name.Length is 0 or > 15 || name.Contains('/') || name is "." or "..")
            return null;
        var folder = $"/sys/class/net/{name}/statistics";
        try
        {
            return new InterfaceCounters(Counter(folder, "rx_bytes"), Counter(folder, "tx_bytes"),
                Counter(folder, "rx_packets"), Counter(folder, "tx_packets"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static long Counter(string folder, string file) =>
        long.Parse(File.ReadAllText(Path.Join(folder, file)).Trim(), CultureInfo.InvariantCulture);
}
