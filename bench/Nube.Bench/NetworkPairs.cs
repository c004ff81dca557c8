using System.Globalization;
using System.Text.RegularExpressions;
using Nube.Contracts.Client;
using Nube.Contracts.Switches;
using Nube.Contracts.Vms;

namespace Nube.Bench;

/// <summary>
/// Figure 4's VM-to-VM rows: two VMs of one configuration on a private Nube switch of their own,
/// iperf3's server in B and its client in A, both run through the guests' consoles; the host
/// only forwards between the two TAPs on the bridge.
/// </summary>
public static class NetworkPairs
{
    public const string AToB = "VM A→VM B";
    public const string BToA = "VM B→VM A";

    public static string PeerVm(NetVariant v) => $"{v.Vm}-b";

    /// <summary>Makes the switch and both VMs, addresses them, starts B's server, warms up each way and pauses both.</summary>
    public static async Task<NetGuestFacts> SetUpAsync(NubeApiClient client, BenchOptions options, NetVariant v, int subnet, CancellationToken ct)
    {
        var made = await client.Switches.CreateAsync(new SwitchSettings { Name = v.Switch, Kind = "private" }, ct);
        foreach (var vm in new[] { v.Vm, PeerVm(v) })
        {
            await client.CreateVmAsync(options.GuestVm(vm) with
            {
                ProcessorCount = v.Cpus,
                NetworkAdapters = [new NetworkAdapterSettings { Kind = v.Kind, Model = v.Model, Switch = v.Switch }],
            }, ct);
            await GuestVms.StartAsync(client, vm, ct);
        }
        var (a, b) = ($"10.231.{subnet}.2", $"10.231.{subnet}.3");
        await GuestConsole.RunAsync(client, PeerVm(v), $"ip link set eth0 up && ip addr add {b}/24 dev eth0 && iperf3 -s -D", TimeSpan.FromSeconds(60), ct);
        var probe = await GuestConsole.RunAsync(client, v.Vm, $"ip link set eth0 up && ip addr add {a}/24 dev eth0 && " +
            "echo \"driver=$(basename $(readlink /sys/class/net/eth0/device/driver))\"; echo \"rxq=$(ls -d /sys/class/net/eth0/queues/rx-* | wc -l)\"",
            TimeSpan.FromSeconds(60), ct);
        string Field(string name) => Regex.Match(probe, $"^{name}=(.*)$", RegexOptions.Multiline).Groups[1].Value.Trim();
        await MeasureAsync(client, v, b, reverse: false, seconds: 2, omit: 0, ct);
        await MeasureAsync(client, v, b, reverse: true, seconds: 2, omit: 0, ct);
        foreach (var vm in new[] { v.Vm, PeerVm(v) })
            await GuestVms.RunAsync(client, vm, "pause", ct);
        return new NetGuestFacts(Field("driver"), int.TryParse(Field("rxq"), out var q) ? q : 0, made.Bridge, a, b);
    }

    /// <summary>
    /// One iperf3 run from A to B (B to A with <paramref name="reverse"/>): what the receiver got,
    /// in MB/s. A failed run is tried again, up to 5 times, as figure 4's host runs are.
    /// </summary>
    public static async Task<double> MeasureAsync(NubeApiClient client, NetVariant v, string server, bool reverse, int seconds, int omit, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var said = await GuestConsole.RunAsync(client, v.Vm,
                $"iperf3 -c {server} -t {seconds} -O {omit} -f m --connect-timeout 5000{(reverse ? " -R" : "")} 2>&1 | grep -E 'receiver|error'",
                TimeSpan.FromSeconds(seconds + omit + 60), ct);
            var m = Regex.Match(said, @"([\d.]+) Mbits/sec\s+receiver");
            if (m.Success)
                return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 8;
            if (attempt > 5)
                throw new InvalidOperationException($"iperf3 from {v.Vm} to {server}{(reverse ? " (-R)" : "")} failed: {said.Trim()}");
            Console.Error.WriteLine($"bench: fig4 retrying {v.Key} ({attempt}/5): {said.Trim()}");
            await Task.Delay(1000 * attempt, ct);
        }
    }
}
