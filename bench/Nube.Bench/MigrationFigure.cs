using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Bench;

public enum MoveMethod { NubeLive, NubeQuick, QemuLive, QemuQuick, QemuLiveTls }

/// <summary>One move in figure 10; <see cref="GuestCheck"/> is null when the guest answered its agent and its console (and its memory was whole) after it.</summary>
public sealed record MoveSample(int MemoryMiB, bool Dirty, MoveMethod Method, int Round, bool Warmup, string From, string To, MoveOutcome Outcome,
    string? GuestCheck)
{
    public bool ByNube => Method is MoveMethod.NubeLive or MoveMethod.NubeQuick;
    public bool Live => Method is MoveMethod.NubeLive or MoveMethod.QemuLive or MoveMethod.QemuLiveTls;
    public bool Moved => Outcome.Fault == MoveFault.None;
}

public sealed record MigrationResult(IReadOnlyList<MoveSample> Samples, int Rounds, int DirtyMiBps, long BandwidthMiBps, string Accelerator,
    IReadOnlyList<string> SourceArgv, IReadOnlyList<string> DestinationArgv, IReadOnlyList<string> LoadAverages);

/// <summary>
/// Figure 10: moving a running VM between two hosts on this machine, Nube's live and quick moves
/// against the same QEMU migration driven by hand, for each guest size, idle and dirtying memory.
/// Each size boots one guest under Nube (on host a) and one under plain QEMU (at X), once; every
/// round moves them back and forth: Nube live and quick, by hand live and quick over plain TCP and
/// live over TLS as nubed's stream is (Nube's moves and the hand ones take turns going first),
/// checking after each move that the guest answers its agent and its console and, when dirtying,
/// that its dirtied memory is whole.
/// </summary>
public sealed partial class MigrationFigure(BenchOptions options, Workspace workspace)
{
    /// <summary>A move that has not completed by then has not converged: it is cancelled.</summary>
    private static readonly TimeSpan MoveLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan GuestTimeout = TimeSpan.FromSeconds(60);
    /// <summary>Dirtying starts this long before a move, so that the move meets a steady rate.</summary>
    private static readonly TimeSpan DirtyLead = TimeSpan.FromSeconds(2);
    private const int AgentWaitSeconds = 30;

    /// <summary>
    /// nubed logs each QMP message at debug, events with QEMU's timestamps: the guest's pause is
    /// read from them. A VM's QMP client logs in the VM's category, or in the incoming moves' when
    /// its QEMU was launched for a move.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> NubedEnvironment = new Dictionary<string, string>
    {
        ["Logging__LogLevel__Nube.Vm"] = "Debug", ["Logging__LogLevel__Nube.Service.Migration"] = "Debug",
    };

    private readonly List<MoveSample> samples = [];
    private readonly List<string> loads = [];
    private readonly MemoryDirtier dirtier = new(options.MigrationDirtyMiBps);
    private IReadOnlyList<string> sourceArgv = [], destinationArgv = [];

    public async Task<MigrationResult> RunAsync(CancellationToken ct)
    {
        await using var pair = await NubedPair.StartAsync(workspace, options.GuestDir, "fig10", NubedEnvironment, ct);
        try
        {
            var host = await pair.Hosts[0].Client.GetHostAsync(ct);
            var bandwidth = host.MigrationBandwidthMiBps;
            var warmups = options.Warmup;
            foreach (var mib in options.MigrationMemoryMiB)
            {
                await MeasureSizeAsync(pair, mib, bandwidth, warmups, ct);
                warmups = 0;
            }
            loads.Add(DiskFigure.Load());
            return new MigrationResult(samples, options.MigrationRounds, dirtier.MiBps, bandwidth,
                $"{host.AcceleratorInUse} (KVM usable: {(host.KvmUsable ? "yes" : "no")})", sourceArgv, destinationArgv, loads);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            foreach (var (host, i) in pair.Hosts.Select((h, i) => (h, i)))
                Console.Error.WriteLine($"bench: fig10 failed; the last lines of host {NubedPair.PeerName(i)}'s nubed log:\n{host.LogTail(30)}");
            throw;
        }
    }

    /// <summary>One guest of each kind with <paramref name="mib"/> MiB, idle then dirtying, the warm-up rounds (first size only) not counted.</summary>
    private async Task MeasureSizeAsync(NubedPair pair, int mib, long bandwidthMiBps, int warmups, CancellationToken ct)
    {
        var vm = $"mover-{mib}";
        var created = await pair.Hosts[0].Client.CreateVmAsync(options.GuestVm(vm) with { MemoryStartupMiB = mib, NetworkAdapters = [] }, ct);
        var nube = new NubeGuest(pair, vm);
        PlainMigration? plain = null;
        try
        {
            var booted = await GuestVms.StartAsync(nube.Host.Client, vm, ct);
            // From the configuration as nubed stored it once started (its machine type pinned).
            plain = await PlainMigration.BootAsync(nube.Host, created.Summary.Id, workspace.Folder($"fig10-qemu-{mib}-x"), workspace.Folder($"fig10-qemu-{mib}-y"), ct);
            (sourceArgv, destinationArgv) = (plain.SourceArgv, plain.DestinationArgv);
            Console.Error.WriteLine($"bench: fig10 {mib} MiB: Nube's guest booted in {booted:0.0} s, plain QEMU's too");
            var guests = new Dictionary<bool, IGuest> { [true] = nube, [false] = new PlainGuest(plain) };
            foreach (var guest in guests.Values)
                await guest.RunAsync("dmesg -n 1", ct); // no kernel line splits a marker
            foreach (var dirty in new[] { false, true })
            {
                if (dirty)
                {
                    foreach (var guest in guests.Values)
                        guest.Expected = MemoryDirtier.Checksum(await guest.RunAsync(dirtier.Setup, ct))
                            ?? throw new InvalidOperationException("the guest printed no checksum of its dirtied area");
                }
                for (var r = -(dirty ? 0 : warmups); r < options.MigrationRounds; r++)
                {
                    loads.Add(DiskFigure.Load());
                    MoveMethod[] order = r % 2 == 0
                        ? [MoveMethod.NubeLive, MoveMethod.NubeQuick, MoveMethod.QemuLive, MoveMethod.QemuQuick, MoveMethod.QemuLiveTls]
                        : [MoveMethod.QemuLive, MoveMethod.QemuQuick, MoveMethod.QemuLiveTls, MoveMethod.NubeLive, MoveMethod.NubeQuick];
                    foreach (var method in order)
                    {
                        var guest = guests[method is MoveMethod.NubeLive or MoveMethod.NubeQuick];
                        var sample = await MoveOnceAsync(guest, mib, dirty, method, r, bandwidthMiBps << 20, ct);
                        samples.Add(sample);
                        Console.Error.WriteLine($"bench: fig10 {mib} MiB {(dirty ? "dirtying" : "idle")} {(r < 0 ? "warm-up" : $"round {r + 1}/{options.MigrationRounds}")} " +
                            $"{method} {sample.From}->{sample.To}: {Describe(sample)}");
                        await Task.Delay(options.Settle, ct);
                    }
                }
            }
        }
        finally
        {
            if (plain is not null)
                await plain.DisposeAsync();
            await GuestVms.TurnOffAllAsync(nube.Host.Client, [vm], CancellationToken.None);
        }
    }

    private async Task<MoveSample> MoveOnceAsync(IGuest guest, int mib, bool dirty, MoveMethod method, int round, long bandwidth, CancellationToken ct)
    {
        var (live, tls) = (method is MoveMethod.NubeLive or MoveMethod.QemuLive or MoveMethod.QemuLiveTls, method == MoveMethod.QemuLiveTls);
        var from = guest.Where;
        if (guest.Broken is { } broken)
            return new MoveSample(mib, dirty, method, round, round < 0, from, from, new MoveOutcome(0, null, null, null, null, null, null, null, MoveFault.Failed, broken), broken);
        if (dirty)
        {
            await guest.RunAsync(dirtier.Start, ct);
            await Task.Delay(DirtyLead, ct);
        }
        var outcome = await guest.MoveAsync(live, tls, bandwidth, ct);
        var check = await CheckAsync(guest, dirty, ct);
        guest.Broken = check is null ? null : $"the guest failed its check after an earlier move: {check}";
        return new MoveSample(mib, dirty, method, round, round < 0, from, guest.Where, outcome, check);
    }

    /// <summary>Null when the guest answers its agent and its console, and (dirtying) its area's checksum is unchanged; else what failed.</summary>
    private static async Task<string?> CheckAsync(IGuest guest, bool dirty, CancellationToken ct)
    {
        try
        {
            await guest.PingAgentAsync(ct);
            if (!dirty)
            {
                await guest.RunAsync("true", ct);
                return null;
            }
            var sum = MemoryDirtier.Checksum(await guest.RunAsync(MemoryDirtier.StopAndSum, ct));
            return sum == guest.Expected ? null : $"corrupted: the dirtied area's MD5 is {sum ?? "missing"}, was {guest.Expected}";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return $"the guest did not answer: {e.Message}";
        }
    }

    private static string Describe(MoveSample s) =>
        s.Outcome.Fault != MoveFault.None ? $"{s.Outcome.Fault}: {s.Outcome.Problem}"
        : $"{s.Outcome.WallMs:0} ms in all, QEMU's downtime {s.Outcome.QemuDowntimeMs?.ToString("0", CultureInfo.InvariantCulture) ?? "?"} ms, " +
          $"paused {s.Outcome.PauseMs?.ToString("0", CultureInfo.InvariantCulture) ?? "?"} ms (STOP to RESUME), {s.Outcome.SentMiB:0} MiB sent" +
          (s.GuestCheck is { } c ? $"; CHECK FAILED: {c}" : "; guest checked");

    /// <summary>A guest the figure moves, whichever drives it.</summary>
    private interface IGuest
    {
        string Where { get; }
        /// <summary>The dirtied area's checksum, once set up.</summary>
        string? Expected { get; set; }
        /// <summary>Set once the guest failed a check: its later moves are not tried.</summary>
        string? Broken { get; set; }
        /// <param name="tls">By hand only: Nube's stream is always TLS.</param>
        Task<MoveOutcome> MoveAsync(bool live, bool tls, long bandwidth, CancellationToken ct);
        Task<string> RunAsync(string command, CancellationToken ct);
        Task PingAgentAsync(CancellationToken ct);
    }

    private sealed class PlainGuest(PlainMigration plain) : IGuest
    {
        public string Where => plain.Where;
        public string? Expected { get; set; }
        public string? Broken { get; set; }
        public Task<MoveOutcome> MoveAsync(bool live, bool tls, long bandwidth, CancellationToken ct) => plain.MoveAsync(live, tls, bandwidth, MoveLimit, ct);
        public Task<string> RunAsync(string command, CancellationToken ct) => plain.RunAsync(command, GuestTimeout, ct);
        public Task PingAgentAsync(CancellationToken ct) => plain.PingAgentAsync(ct);
    }

    /// <summary>The VM under Nube, on host a or b, moved through the API as a user would.</summary>
    private sealed partial class NubeGuest(NubedPair pair, string vm) : IGuest
    {
        private int at;

        public Nubed Host => pair.Hosts[at];
        public string Where => NubedPair.PeerName(at);
        public string? Expected { get; set; }
        public string? Broken { get; set; }

        /// <summary>
        /// <c>POST /vms/{vm}/move</c> to the other host, then the job long-polled until it ends;
        /// cancelled when it has not completed within <see cref="MoveLimit"/>. The job's result gives
        /// QEMU's downtime and what was sent; both nubeds' logs give the QMP events' timestamps.
        /// </summary>
        public async Task<MoveOutcome> MoveAsync(bool live, bool tls, long bandwidth, CancellationToken ct)
        {
            var (from, to) = (pair.Hosts[at], pair.Hosts[1 - at]);
            var marks = (from.LogCount, to.LogCount);
            var clock = Stopwatch.StartNew();
            var job = await from.Client.Migrations.MoveAsync(vm, new MoveRequest { To = NubedPair.PeerName(1 - at), Live = live }, 30, ct);
            var cancelled = false;
            while (!JobStates.IsEnded(job.State))
            {
                if (clock.Elapsed > MoveLimit && !cancelled)
                {
                    await from.Client.CancelJobAsync(job.Id, ct);
                    cancelled = true;
                }
                if (clock.Elapsed > MoveLimit + GuestVms.OperationTimeout)
                    throw new TimeoutException($"the move of '{vm}' did not end {GuestVms.OperationTimeout.TotalSeconds:0} s after it was cancelled");
                job = await from.Client.GetJobAsync(job.Id, 30, ct);
            }
            var wall = clock.Elapsed.TotalMilliseconds;
            if (job.State != JobStates.Completed)
                return new MoveOutcome(wall, null, null, null, null, null, null, null, cancelled ? MoveFault.NotConverged : MoveFault.Failed,
                    cancelled ? $"not completed within {MoveLimit.TotalSeconds:0} s; cancelled" : job.Problem?.Detail ?? job.State);
            at = 1 - at;
            var result = ResultLine().Match(job.Result ?? "");
            double? Number(string group) => result.Groups[group].Success ? double.Parse(result.Groups[group].Value, CultureInfo.InvariantCulture) : null;
            var (sourceLog, destinationLog) = (from.LogSince(marks.Item1), to.LogSince(marks.Item2));
            var stopped = EventTime(sourceLog, "STOP", last: true);
            var resumed = EventTime(destinationLog, "RESUME", last: false);
            return new MoveOutcome(wall, Number("down"), stopped is { } s && resumed is { } r ? (r.At - s.At).TotalMilliseconds : null, null,
                Number("mib"), (long?)Number("passes"), null, resumed is { } rr ? !destinationLog.Take(rr.Line).Any(IsCont) : null, MoveFault.None);
        }

        public Task<string> RunAsync(string command, CancellationToken ct) => GuestConsole.RunAsync(Host.Client, vm, command, GuestTimeout, ct);

        public async Task PingAgentAsync(CancellationToken ct)
        {
            var details = await Host.Client.GetVmAsync(vm, AgentWaitSeconds, ct);
            if (details.GuestAgent is not { Responding: true })
                throw new InvalidOperationException($"its guest agent does not answer at {Where}: {details.GuestAgent?.Error}");
        }

        /// <summary>A QMP event nubed logged (<c>QMP &lt;- {"timestamp": {...}, "event": NAME}</c>): QEMU's own stamp, and the line's index.</summary>
        private static (DateTimeOffset At, int Line)? EventTime(IReadOnlyList<string> lines, string name, bool last)
        {
            var found = lines.Select((text, i) => (text, i))
                .Where(l => l.text.Contains("QMP <- ", StringComparison.Ordinal) && Regex.IsMatch(l.text, $"\"event\":\\s*\"{name}\""))
                .Select(l => (Stamp: Stamp().Match(l.text), l.i)).Where(m => m.Stamp.Success).ToList();
            if (found.Count == 0)
                return null;
            var (stamp, line) = last ? found[^1] : found[0];
            var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(stamp.Groups[1].Value, CultureInfo.InvariantCulture))
                .AddTicks(long.Parse(stamp.Groups[2].Value, CultureInfo.InvariantCulture) * 10);
            return (at, line);
        }

        private static bool IsCont(string line) => line.Contains("QMP -> ", StringComparison.Ordinal) && line.Contains("\"execute\":\"cont\"", StringComparison.Ordinal);

        [GeneratedRegex(@"""seconds"":\s*(\d+),\s*""microseconds"":\s*(\d+)")]
        private static partial Regex Stamp();

        /// <summary>The job's result: "Moved to b in 1.24 s; the VM was paused 14 ms; 85.3 MiB sent in 3 passes."</summary>
        [GeneratedRegex(@"paused (?<down>[0-9]+) ms(; (?<mib>[0-9.]+) MiB sent( in (?<passes>[0-9]+) pass)?)?")]
        private static partial Regex ResultLine();
    }
}
