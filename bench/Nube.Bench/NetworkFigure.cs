using System.Text.Json;
using System.Text.RegularExpressions;
using Nube.Contracts.Client;
using Nube.Contracts.Vms;

namespace Nube.Bench;

/// <summary>
/// One network configuration of figure 4: the adapter, the VM's vCPUs and iperf3's parallel
/// streams; <paramref name="OnSwitch"/>: on an internal Nube switch (its bridge, port guards and
/// all) in place of a bare TAP; <paramref name="Pair"/>: two VMs on a private switch, measured
/// between each other (<see cref="NetworkPairs"/>).
/// </summary>
public sealed record NetVariant(string Key, string Label, string Kind, string? Model, int Cpus, int Streams, string VmKey, string Role,
    bool OnSwitch = false, bool Pair = false)
{
    public string Vm => $"net-{VmKey}";
    /// <summary>The switch of a variant on a switch: one each, named after its VM.</summary>
    public string Switch => $"bench-{VmKey}";
}

public sealed record NetSample(int Round, string Variant, string Direction, double MBps, long Retransmits);

public sealed record NetGuestFacts(string Driver, int RxQueues, string Tap, string HostAddress, string GuestAddress);

public sealed record NetResult(
    IReadOnlyList<NetVariant> Variants,
    IReadOnlyList<NetSample> Samples,
    IReadOnlyDictionary<string, NetGuestFacts> Facts,
    int Rounds,
    int Seconds,
    string Namespace,
    string IperfHost,
    string IperfGuest,
    IReadOnlyList<string> LoadAverages,
    IReadOnlyList<double> LeaseSeconds);

/// <summary>
/// Figure 4: TCP throughput with iperf3 between the test guest and the host end of a TAP device,
/// in a network namespace the bench makes (nubed runs inside it, so its QEMUs find the TAPs),
/// over a legacy adapter (tulip, e1000) and a synthetic one (virtio-net), and virtio-net on an
/// internal Nube switch (the host's end is the switch's bridge). One VM per configuration, each
/// on its own TAP or switch and /24; all started once and paused, one resumed at a time.
/// </summary>
public sealed class NetworkFigure(BenchOptions options, Workspace workspace)
{
    public const string GuestToHost = "guest→host";
    public const string HostToGuest = "host→guest";

    public static readonly NetVariant[] AllVariants =
    [
        new("tulip", "legacy: DEC 21140 (tulip)", "legacy", "tulip", 1, 1, "tulip", "emulated"),
        new("e1000", "legacy: Intel 82540EM (e1000)", "legacy", "e1000", 1, 1, "e1000", "emulated (second)"),
        new("virtio", "synthetic: virtio-net", "synthetic", null, 1, 1, "virtio", "synthetic"),
        new("virtio-2cpu", "synthetic, 2 vCPUs (2 queue pairs), 1 stream", "synthetic", null, 2, 1, "virtio-2cpu", "tuning"),
        new("virtio-2cpu-2streams", "synthetic, 2 vCPUs (2 queue pairs), 2 streams (`-P 2`)", "synthetic", null, 2, 2, "virtio-2cpu", "tuning"),
        new("virtio-switch", "synthetic: virtio-net on an internal Nube switch (bridge, port guards)", "synthetic", null, 1, 1, "virtio-switch", "switch", OnSwitch: true),
        new("tulip-pair", "legacy: tulip, VM to VM on a private Nube switch", "legacy", "tulip", 1, 1, "tulip-pair", "emulated pair", OnSwitch: true, Pair: true),
        new("virtio-pair", "synthetic: virtio-net, VM to VM on a private Nube switch", "synthetic", null, 1, 1, "virtio-pair", "synthetic pair", OnSwitch: true, Pair: true),
    ];

    public static readonly string[] DefaultKeys = ["tulip", "e1000", "virtio", "virtio-switch", "tulip-pair", "virtio-pair"];

    /// <summary>The namespace's name: nbench- and the workspace's suffix (run.sh removes it by that name if the runner could not).</summary>
    public static string NamespaceFor(Workspace workspace)
    {
        var tail = Path.GetFileName(workspace.Root.TrimEnd('/'));
        tail = tail[(tail.LastIndexOf('-') + 1)..];
        tail = Regex.Replace(tail, "[^A-Za-z0-9]", "");
        return "nbench-" + (tail.Length > 0 ? tail[..Math.Min(tail.Length, 8)] : Environment.ProcessId.ToString());
    }

    public async Task<NetResult> RunAsync(CancellationToken ct)
    {
        var ns = NamespaceFor(workspace);
        var variants = options.NetVariants.Select(k => AllVariants.Single(v => v.Key == k)).ToList();
        var vms = variants.GroupBy(v => v.VmKey).Select(g => g.First()).ToList();
        await Ip(ct, "netns", "add", ns);
        try
        {
            await Ip(ct, "-n", ns, "link", "set", "lo", "up");
            var taps = new Dictionary<string, (string Tap, string Host, string Guest)>();
            for (var i = 0; i < vms.Count; i++)
            {
                var v = vms[i];
                if (v.OnSwitch)
                {
                    // nubed makes the bridge and the TAP; the host's address goes on the switch.
                    taps[v.VmKey] = ("", $"10.231.{i}.1", $"10.231.{i}.2");
                    continue;
                }
                var tap = $"nbtap{i}";
                // As docs/settings.md says to make it: multi-queue when virtio-net gets a queue pair per vCPU.
                var mq = v.Kind == "synthetic" && v.Cpus > 1 ? new[] { "multi_queue" } : [];
                await Ip(ct, ["netns", "exec", ns, "ip", "tuntap", "add", "dev", tap, "mode", "tap", .. mq]);
                await Ip(ct, "-n", ns, "addr", "add", $"10.231.{i}.1/24", "dev", tap);
                await Ip(ct, "-n", ns, "link", "set", tap, "up");
                taps[v.VmKey] = (tap, $"10.231.{i}.1", $"10.231.{i}.2");
            }
            return await Nubed.MeasureWithAsync(workspace.Folder("fig4-nubed"), options.GuestDir, "fig4",
                (nubed, c) => MeasureAsync(nubed, ns, variants, vms, taps, c), ct, ns);
        }
        finally
        {
            // Deleting the namespace also deletes its TAPs (nubed and its QEMUs are gone by now).
            try { await Ip(CancellationToken.None, "netns", "delete", ns); }
            catch (Exception e) { Console.Error.WriteLine($"bench: could not delete the namespace {ns}: {e.Message}"); }
        }
    }

    private async Task<NetResult> MeasureAsync(Nubed nubed, string ns, List<NetVariant> variants, List<NetVariant> vms,
        Dictionary<string, (string Tap, string Host, string Guest)> taps, CancellationToken ct)
    {
        var client = nubed.Client;
        var facts = new Dictionary<string, NetGuestFacts>();
        var loads = new List<string> { Load() };
        var iperfGuest = "?";
        try
        {
            foreach (var v in vms)
            {
                var (tap, hostIp, guestIp) = taps[v.VmKey];
                if (v.Pair)
                {
                    facts[v.VmKey] = await NetworkPairs.SetUpAsync(client, options, v, vms.IndexOf(v), ct);
                    Console.Error.WriteLine($"bench: fig4 {v.VmKey}: {facts[v.VmKey]}");
                    continue;
                }
                if (v.OnSwitch)
                {
                    var made = await client.Switches.CreateAsync(new Nube.Contracts.Switches.SwitchSettings
                    {
                        Name = v.Switch, Kind = "internal", HostAddresses = [$"{hostIp}/24"],
                    }, ct);
                    tap = made.Bridge;
                }
                await client.CreateVmAsync(options.GuestVm(v.Vm) with
                {
                    ProcessorCount = v.Cpus,
                    NetworkAdapters = [new NetworkAdapterSettings { Kind = v.Kind, Model = v.Model, Switch = v.OnSwitch ? v.Switch : $"tap:{tap}" }],
                }, ct);
                var boot = await GuestVms.StartAsync(client, v.Vm, ct);
                var probe = await GuestConsole.RunAsync(client, v.Vm,
                    $"ip link set eth0 up && ip addr add {guestIp}/24 dev eth0 && iperf3 -s -D && " +
                    "echo \"driver=$(basename $(readlink /sys/class/net/eth0/device/driver))\"; " +
                    "echo \"rxq=$(ls -d /sys/class/net/eth0/queues/rx-* | wc -l)\"; echo \"iperf=$(iperf3 --version | head -n1)\"",
                    TimeSpan.FromSeconds(60), ct);
                string Field(string name) => Regex.Match(probe, $"^{name}=(.*)$", RegexOptions.Multiline).Groups[1].Value.Trim();
                facts[v.VmKey] = new NetGuestFacts(Field("driver"), int.TryParse(Field("rxq"), out var q) ? q : 0, tap, hostIp, guestIp);
                iperfGuest = Field("iperf");
                // An untimed short run each way: the link is up, the server answers, first touches are paid.
                await IperfAsync(ns, v with { Streams = 1 }, guestIp, reverse: false, seconds: 2, omit: 0, ct);
                await IperfAsync(ns, v with { Streams = 1 }, guestIp, reverse: true, seconds: 2, omit: 0, ct);
                await GuestVms.RunAsync(client, v.Vm, "pause", ct);
                Console.Error.WriteLine($"bench: fig4 {v.VmKey}: booted in {boot:0.0} s; {facts[v.VmKey]}");
            }

            var samples = new List<NetSample>();
            for (var r = 0; r < options.NetRounds; r++)
            {
                loads.Add(Load());
                for (var k = 0; k < variants.Count; k++)
                {
                    var v = variants[(k + r) % variants.Count];
                    string[] running = v.Pair ? [v.Vm, NetworkPairs.PeerVm(v)] : [v.Vm];
                    foreach (var vm in running)
                        await GuestVms.RunAsync(client, vm, "resume", ct);
                    // Which direction goes first alternates too.
                    foreach (var reverse in r % 2 == 0 ? new[] { true, false } : [false, true])
                    {
                        var (mbps, retr) = v.Pair
                            ? (await NetworkPairs.MeasureAsync(client, v, facts[v.VmKey].GuestAddress, reverse, options.IperfSeconds, 1, ct), -1L)
                            : await IperfAsync(ns, v, taps[v.VmKey].Guest, reverse, options.IperfSeconds, 1, ct);
                        var dir = v.Pair ? (reverse ? NetworkPairs.BToA : NetworkPairs.AToB) : reverse ? GuestToHost : HostToGuest;
                        samples.Add(new NetSample(r, v.Key, dir, mbps, retr));
                        Console.Error.WriteLine($"bench: fig4 round {r + 1}/{options.NetRounds} {v.Key} {dir}: {mbps:0.0} MB/s");
                    }
                    foreach (var vm in running)
                        await GuestVms.RunAsync(client, vm, "pause", ct);
                }
            }
            var leases = await LeaseAsync(client, ct);
            loads.Add(Load());
            var iperfHost = ProcessTools.FirstLine("iperf3", "--version");
            return new NetResult(variants, samples, facts, options.NetRounds, options.IperfSeconds, ns, iperfHost, iperfGuest, loads, leases);
        }
        finally
        {
            await GuestVms.TurnOffAllAsync(client, vms.SelectMany(v => v.Pair ? new[] { v.Vm, NetworkPairs.PeerVm(v) } : [v.Vm]), CancellationToken.None);
        }
    }

    /// <summary>
    /// From <c>vm start</c> to the guest's DHCP lease, as the host sees it (the address in
    /// <c>GET /vms/{vm}</c>), on an internal switch with NAT and DHCP as the default switch is;
    /// the test guest asks with <c>nube.dhcp=1</c>. One start per round, the VM turned off between.
    /// </summary>
    private async Task<IReadOnlyList<double>> LeaseAsync(NubeApiClient client, CancellationToken ct)
    {
        const string vm = "net-dhcp", sw = "bench-dhcp";
        await client.Switches.CreateAsync(new Nube.Contracts.Switches.SwitchSettings
        {
            Name = sw, Kind = "internal", HostAddresses = ["10.231.99.1/24"], Nat = true, Dhcp = true,
        }, ct);
        var settings = options.GuestVm(vm);
        await client.CreateVmAsync(settings with
        {
            Boot = settings.Boot! with { CommandLine = "console=ttyS0 nube.dhcp=1" },
            NetworkAdapters = [new NetworkAdapterSettings { Kind = "synthetic", Switch = sw }],
        }, ct);
        var seconds = new List<double>();
        try
        {
            for (var r = 0; r < options.NetRounds; r++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await GuestVms.RunAsync(client, vm, "start", ct);
                while (!(await client.GetVmAsync(vm, 1, ct)).Devices!.Any(d => d.Addresses?.Any(a => a.StartsWith("10.231.99.", StringComparison.Ordinal)) == true))
                {
                    if (clock.Elapsed > TimeSpan.FromSeconds(120))
                        throw new TimeoutException($"'{vm}' reported no lease within 120 s");
                    await Task.Delay(50, ct);
                }
                seconds.Add(clock.Elapsed.TotalSeconds);
                Console.Error.WriteLine($"bench: fig4 round {r + 1}/{options.NetRounds} start to DHCP lease: {clock.Elapsed.TotalSeconds:0.00} s");
                await GuestVms.RunAsync(client, vm, "turn-off", ct);
            }
        }
        finally
        {
            await GuestVms.TurnOffAllAsync(client, [vm], CancellationToken.None);
            // The switch's DHCP server outlives nubed by design: it goes with the switch.
            await client.Switches.RemoveAsync(sw, force: true, CancellationToken.None);
        }
        return seconds;
    }

    /// <summary>
    /// iperf3's client in the namespace against the server in the guest; reverse (-R) makes the
    /// guest send. Returns what the receiver got, in MB/s (10^6 bytes), and the sender's retransmits.
    /// </summary>
    private static async Task<(double MBps, long Retransmits)> IperfAsync(string ns, NetVariant v, string guestIp, bool reverse, int seconds, int omit, CancellationToken ct)
    {
        // A failed test is retried (up to 5 times): the guest's link may still be coming up, and
        // iperf3's server takes a moment between two tests (longer under TCG).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await IperfOnceAsync(ns, v, guestIp, reverse, seconds, omit, ct);
            }
            catch (InvalidOperationException e) when (attempt <= 5)
            {
                // Also a control connection reset by the guest's server ("unable to receive control message"), seen under load.
                Console.Error.WriteLine($"bench: fig4 retrying ({attempt}/5): {e.Message}");
                await Task.Delay(1000 * attempt, ct);
            }
        }
    }

    private static async Task<(double MBps, long Retransmits)> IperfOnceAsync(string ns, NetVariant v, string guestIp, bool reverse, int seconds, int omit, CancellationToken ct)
    {
        string[] args = ["netns", "exec", ns, "iperf3", "-c", guestIp, "-t", $"{seconds}", "-O", $"{omit}", "-P", $"{v.Streams}",
            "-J", "--connect-timeout", "5000", .. reverse ? new[] { "-R" } : []];
        var r = await ProcessTools.RunAsync("ip", args, TimeSpan.FromSeconds(seconds + omit + 40), ct);
        if (r.ExitCode != 0 && !r.Stdout.TrimStart().StartsWith('{'))
            throw new InvalidOperationException($"iperf3 to {v.Vm} ({guestIp}{(reverse ? ", -R" : "")}) failed (exit {r.ExitCode}): {First(r.Stdout + r.Stderr, 400)}");
        using var doc = JsonDocument.Parse(r.Stdout);
        if (doc.RootElement.TryGetProperty("error", out var error))
            throw new InvalidOperationException($"iperf3 to {v.Vm} ({guestIp}{(reverse ? ", -R" : "")}): {error}");
        if (!doc.RootElement.TryGetProperty("end", out var end) || !end.TryGetProperty("sum_received", out var received))
            throw new InvalidOperationException($"iperf3 to {v.Vm} ({guestIp}{(reverse ? ", -R" : "")}) reported no sum: {First(r.Stdout, 400)}");
        var bits = received.GetProperty("bits_per_second").GetDouble();
        var retr = end.TryGetProperty("sum_sent", out var sent) && sent.TryGetProperty("retransmits", out var rt) ? rt.GetInt64() : -1;
        return (bits / 8 / 1e6, retr);
    }

    private static string First(string s, int n) => s.Length <= n ? s : s[..n] + "...";

    private static Task Ip(CancellationToken ct, params string[] args) => IpAsync(args, ct);

    private static async Task IpAsync(string[] args, CancellationToken ct)
    {
        var r = await ProcessTools.RunAsync("ip", args, TimeSpan.FromSeconds(30), ct);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)}: {r.Stderr.Trim()}");
    }

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
