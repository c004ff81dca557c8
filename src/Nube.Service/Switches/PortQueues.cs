using Nube.Core.Qemu;
using Nube.Core.Switches;
using Nube.Linux.Network;
using Nube.Linux.Processes;

namespace Nube.Service.Switches;

/// <summary>
/// The queues (tc) of the devices where the running ports' traffic contends: maximum bandwidth
/// towards a guest, and minimum bandwidth weights (<see cref="BandwidthShares"/>). It remembers
/// what it made, so that a change of ports touches only the queues that differ. Not thread-safe:
/// its one caller, <see cref="SwitchNetwork"/>'s rules writer, runs one change at a time.
/// </summary>
public sealed class PortQueues(IpLinks links, SwitchBook book, ILogger<PortQueues> logger)
{
    private readonly Dictionary<string, IReadOnlyList<string>> made = new(StringComparer.Ordinal);
    private readonly HashSet<string> unknownSpeed = new(StringComparer.Ordinal);

    /// <summary>
    /// Every queue as <paramref name="ports"/> say; a queue no longer needed goes back to the
    /// device's default. <paramref name="remade"/> are TAPs made again since (their queue went with
    /// the old device); at nubed's start, <paramref name="uplinks"/> names the external switches'
    /// interfaces, whose queue a nubed before may have left.
    /// </summary>
    /// <returns>Why tc refused a device's queue, by device (each said in the log too); the others are made still.</returns>
    public async Task<IReadOnlyDictionary<string, string>> ApplyAsync(IReadOnlyCollection<SwitchPort> ports, IEnumerable<string> remade,
        IEnumerable<string> uplinks, CancellationToken ct)
    {
        foreach (var device in remade)
            made.Remove(device);
        var want = BandwidthShares.Queues(ports, UplinkOf);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var device in made.Keys.Concat(uplinks).Except(want.Keys).Distinct(StringComparer.Ordinal).ToList())
            await TryAsync(device, null, problems, ct).ConfigureAwait(false);
        foreach (var (device, lines) in want)
            if (!made.TryGetValue(device, out var had) || !had.SequenceEqual(lines))
                await TryAsync(device, lines, problems, ct).ConfigureAwait(false);
        return problems;
    }

    private async Task TryAsync(string device, IReadOnlyList<string>? lines, Dictionary<string, string> problems, CancellationToken ct)
    {
        try
        {
            await links.SetQueueAsync(device, BandwidthShares.Handle, lines, ct).ConfigureAwait(false);
            if (lines is null)
                made.Remove(device);
            else
                made[device] = lines;
        }
        catch (HostCommandException e)
        {
            made.Remove(device);
            problems[device] = e.Message;
            logger.LogWarning("The queue of {Device} (a switch port's bandwidth) could not be {Done}: {Problem}", device, lines is null ? "removed" : "made", e.Message);
        }
    }

    /// <summary>An external switch's interface and its link speed; null (and said once) when the driver gives no speed.</summary>
    private (string, long)? UplinkOf(string switchName)
    {
        if (book.Find(switchName) is not { Kind: SwitchKind.External, Interface: { } uplink })
            return null;
        if (IpLinks.SpeedMbps(uplink) is { } speed)
        {
            unknownSpeed.Remove(uplink);
            return (uplink, speed);
        }
        if (unknownSpeed.Add(uplink))
            logger.LogWarning("The interface {Interface} of switch {Switch} gives no link speed: its adapters' bandwidth weights do not act on it", uplink, switchName);
        return null;
    }
}
