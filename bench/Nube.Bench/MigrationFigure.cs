using System.Globalization;
using Nube.Contracts.Vms;

namespace Nube.Bench;

public enum MoveMethod { NubeLive, NubeQuick, QemuLive, QemuQuick, QemuLiveTls }

/// <summary>One move in figure 10; <see cref="GuestCheck"/> is null when the guest answered its agent and its console (and its memory was whole) after it.</summary>
public sealed record MoveSample(int MemoryMiB, bool Dirty, MoveMethod Method, int Round, bool Warmup, string From, string To, MoveOutcome Outcome,
    string? GuestCheck)
{
    public const string CorruptedCheck = "corrupted";
    public const string UnansweredCheck = "the guest did not answer";
    public bool ByNube => Method is MoveMethod.NubeLive or MoveMethod.NubeQuick;
    public bool Live => Method is MoveMethod.NubeLive or MoveMethod.QemuLive or MoveMethod.QemuLiveTls;
    public bool Moved => Outcome.Fault == MoveFault.None;
    public bool Corrupted => GuestCheck?.StartsWith(CorruptedCheck, StringComparison.Ordinal) == true;
    public bool Unanswered => GuestCheck?.StartsWith(UnansweredCheck, StringComparison.Ordinal) == true;
}

/// <param name="BackToBack">The issue's soak: one dirtying guest moved live under Nube again and again (empty when not run).</param>
/// <param name="AfterQuick">Per size, Nube's quick guest (arrived by a quick move) moved live, then quick.</param>
/// <param name="SharedFileSystem">What the hosts' shared folder (the disks, a quick move's state) lies on.</param>
public sealed record MigrationResult(IReadOnlyList<MoveSample> Samples, int Rounds, int DirtyMiBps, long BandwidthMiBps, string Accelerator,
    IReadOnlyList<string> SourceArgv, IReadOnlyList<string> DestinationArgv, IReadOnlyList<string> LoadAverages,
    IReadOnlyList<MoveSample> BackToBack, IReadOnlyList<MoveSample> AfterQuick, string SharedFileSystem);

/// <summary>
/// Figure 10: moving a running VM between two hosts on this machine, Nube's live and quick moves
/// against the same QEMU migration driven by hand, for each guest size, idle and dirtying memory.
/// Each size boots two guests under Nube (on host a: one for live moves, one for quick) and one under
/// plain QEMU (at X), once, each with a small qcow2 disk of its own in the hosts' shared folder (so that quick moves go through it);
/// every round moves them back and forth: Nube live and quick, by hand live over plain TCP and
/// over TLS as nubed's stream is, and quick through a file beside the disk (Nube's moves and the
/// hand ones take turns going first), checking after each move that the guest answers its agent
/// and its console and, when dirtying, that its dirtied memory is whole. Then a new 512 MiB guest
/// under Nube goes back and forth live, dirtying, <see cref="BenchOptions.MigrationBackToBack"/> times.
/// </summary>
public sealed partial class MigrationFigure(BenchOptions options, Workspace workspace)
{
    /// <summary>A move that has not completed by then has not converged: it is cancelled.</summary>
    private static readonly TimeSpan MoveLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan GuestTimeout = TimeSpan.FromSeconds(60);
    /// <summary>Dirtying starts this long before a move, so that the move meets a steady rate.</summary>
    private static readonly TimeSpan DirtyLead = TimeSpan.FromSeconds(2);
    private const int AgentWaitSeconds = 30;
    /// <summary>The guests' data disk: small, for the quick moves' state goes beside it (the guest does not use it).</summary>
    public const int DiskMiB = 64;
    /// <summary>The guest size the back-to-back moves use, as the issue states them.</summary>
    private const int BackToBackMiB = 512;

    /// <summary>
    /// nubed logs each QMP message at debug, events with QEMU's timestamps: the guest's pause is
    /// read from them. A VM's QMP client logs in the VM's category, or in the incoming moves' when
    /// its QEMU was launched for a move.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> NubedEnvironment = new Dictionary<string, string>
    {
        ["Logging__LogLevel__Nube.Vm"] = "Debug", ["Logging__LogLevel__Nube.Service.Migration"] = "Debug",
    };

    private readonly List<MoveSample> samples = [], backToBack = [], afterQuick = [];
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
            if (options.MigrationBackToBack > 0)
                await BackToBackAsync(pair, bandwidth << 20, ct);
            loads.Add(DiskFigure.Load());
            return new MigrationResult(samples, options.MigrationRounds, dirtier.MiBps, bandwidth,
                $"{host.AcceleratorInUse} (KVM usable: {(host.KvmUsable ? "yes" : "no")})", sourceArgv, destinationArgv, loads,
                backToBack, afterQuick, DiskFigure.FileSystemOf(pair.Shared));
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            foreach (var (host, i) in pair.Hosts.Select((h, i) => (h, i)))
                Console.Error.WriteLine($"bench: fig10 failed; the last lines of host {NubedPair.PeerName(i)}'s nubed log:\n{host.LogTail(30)}");
            throw;
        }
    }

    /// <summary>
    /// The guests of <paramref name="mib"/> MiB, idle then dirtying, the warm-up rounds (first size only) not counted.
    /// Nube's live and quick moves each have a guest of their own: before b35cf92 a VM that arrived by a
    /// quick move did not move again (see <see cref="AfterQuickAsync"/>), which that guest then tries.
    /// </summary>
    private async Task MeasureSizeAsync(NubedPair pair, int mib, long bandwidthMiBps, int warmups, CancellationToken ct)
    {
        var (vm, quickVm) = ($"mover-{mib}", $"mover-{mib}-quick");
        var plainDisk = await NewDiskAsync(pair, $"{vm}-qemu", ct);
        var id = await CreateAsync(pair, vm, mib, ct);
        await CreateAsync(pair, quickVm, mib, ct);
        var (nube, nubeQuick) = (new NubeGuest(pair, vm), new NubeGuest(pair, quickVm));
        PlainMigration? plain = null;
        try
        {
            var booted = await GuestVms.StartAsync(nube.Host.Client, vm, ct);
            await GuestVms.StartAsync(nube.Host.Client, quickVm, ct);
            // From the configuration as nubed stored it once started (its machine type pinned).
            plain = await PlainMigration.BootAsync(nube.Host, id, workspace.Folder($"fig10-qemu-{mib}-x"), workspace.Folder($"fig10-qemu-{mib}-y"),
                plainDisk, ct);
            (sourceArgv, destinationArgv) = (plain.SourceArgv, plain.DestinationArgv);
            Console.Error.WriteLine($"bench: fig10 {mib} MiB: Nube's guests booted ({booted:0.0} s for the first), plain QEMU's too");
            var plainGuest = new PlainGuest(plain);
            var guests = new Dictionary<MoveMethod, IGuest>
            {
                [MoveMethod.NubeLive] = nube, [MoveMethod.NubeQuick] = nubeQuick,
                [MoveMethod.QemuLive] = plainGuest, [MoveMethod.QemuQuick] = plainGuest, [MoveMethod.QemuLiveTls] = plainGuest,
            };
            foreach (var guest in guests.Values.Distinct())
                await guest.RunAsync("dmesg -n 1", ct); // no kernel line splits a marker
            foreach (var dirty in new[] { false, true })
            {
                if (dirty)
                {
                    foreach (var guest in guests.Values.Distinct())
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
                        var sample = await MoveOnceAsync(guests[method], mib, dirty, method, r, bandwidthMiBps << 20, ct);
                        samples.Add(sample);
                        Console.Error.WriteLine($"bench: fig10 {mib} MiB {(dirty ? "dirtying" : "idle")} {(r < 0 ? "warm-up" : $"round {r + 1}/{options.MigrationRounds}")} " +
                            $"{method} {sample.From}->{sample.To}: {Describe(sample)}");
                        await Task.Delay(options.Settle, ct);
                    }
                }
            }
            await AfterQuickAsync(nubeQuick, mib, bandwidthMiBps << 20, ct);
        }
        finally
        {
            if (plain is not null)
                await plain.DisposeAsync();
            await GuestVms.TurnOffAllAsync(pair.Hosts[0].Client, [vm, quickVm], CancellationToken.None);
            await GuestVms.TurnOffAllAsync(pair.Hosts[1].Client, [vm, quickVm], CancellationToken.None);
        }
    }

    /// <summary>
    /// The quick guest, which arrived by a quick move, moved live and then quick again (idle): before
    /// b35cf92 its QEMU kept the quick move's capabilities (mapped-ram, multifd), which refused TLS.
    /// </summary>
    private async Task AfterQuickAsync(NubeGuest guest, int mib, long bandwidth, CancellationToken ct)
    {
        foreach (var (method, i) in new[] { MoveMethod.NubeLive, MoveMethod.NubeQuick }.Select((m, i) => (m, i)))
        {
            var sample = await MoveOnceAsync(guest, mib, false, method, i, bandwidth, ct);
            afterQuick.Add(sample);
            Console.Error.WriteLine($"bench: fig10 {mib} MiB after quick moves: {method} {sample.From}->{sample.To}: {Describe(sample)}");
            await Task.Delay(options.Settle, ct);
        }
    }

    /// <summary>
    /// The issue's check, on a guest of its own (alone on the machine, booted for it): dirtying, moved live to
    /// the other host and checked, again and again, with no pause between beyond the checks.
    /// </summary>
    private async Task BackToBackAsync(NubedPair pair, long bandwidth, CancellationToken ct)
    {
        const string vm = "back-to-back";
        await CreateAsync(pair, vm, BackToBackMiB, ct);
        var nube = new NubeGuest(pair, vm);
        try
        {
            await GuestVms.StartAsync(nube.Host.Client, vm, ct);
            await nube.RunAsync("dmesg -n 1", ct);
            nube.Expected = MemoryDirtier.Checksum(await nube.RunAsync(dirtier.Setup, ct))
                ?? throw new InvalidOperationException("the guest printed no checksum of its dirtied area");
            for (var i = 0; i < options.MigrationBackToBack; i++)
            {
                loads.Add(DiskFigure.Load());
                var sample = await MoveOnceAsync(nube, BackToBackMiB, true, MoveMethod.NubeLive, i, bandwidth, ct);
                backToBack.Add(sample);
                Console.Error.WriteLine($"bench: fig10 back-to-back {i + 1}/{options.MigrationBackToBack} {sample.From}->{sample.To}: {Describe(sample)}");
            }
        }
        finally
        {
            await GuestVms.TurnOffAllAsync(nube.Host.Client, [vm], CancellationToken.None);
        }
    }

    /// <summary>A VM of <paramref name="mib"/> MiB at host a, its disk a new qcow2 in the shared folder; returns its id.</summary>
    private async Task<Guid> CreateAsync(NubedPair pair, string vm, int mib, CancellationToken ct)
    {
        var disk = await NewDiskAsync(pair, vm, ct);
        var created = await pair.Hosts[0].Client.CreateVmAsync(options.GuestVm(vm) with
        {
            MemoryStartupMiB = mib, NetworkAdapters = [],
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = disk, Format = "qcow2" }] }],
        }, ct);
        return created.Summary.Id;
    }

    private static async Task<string> NewDiskAsync(NubedPair pair, string name, CancellationToken ct)
    {
        var disk = Path.Combine(pair.Shared, $"{name}.qcow2");
        await DiskFormatFigure.QemuImgAsync(["create", "-q", "-f", "qcow2", disk, $"{DiskMiB}M"], ct);
        return disk;
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
            return sum == guest.Expected ? null : $"{MoveSample.CorruptedCheck}: the dirtied area's MD5 is {sum ?? "missing"}, was {guest.Expected}";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return $"{MoveSample.UnansweredCheck}: {e.Message}";
        }
    }

    private static string Describe(MoveSample s) =>
        s.Outcome.Fault != MoveFault.None ? $"{s.Outcome.Fault}: {s.Outcome.Problem}"
        : $"{s.Outcome.WallMs:0} ms in all, QEMU's downtime {s.Outcome.QemuDowntimeMs?.ToString("0", CultureInfo.InvariantCulture) ?? "?"} ms, " +
          $"paused {s.Outcome.PauseMs?.ToString("0", CultureInfo.InvariantCulture) ?? "?"} ms (STOP to RESUME), {s.Outcome.SentMiB:0} MiB sent" +
          (s.GuestCheck is { } c ? $"; CHECK FAILED: {c}" : "; guest checked");
}
