using System.Diagnostics;
using Nube.Core.Migration;
using Nube.Qemu.Protocol;

namespace Nube.Bench;

/// <summary>One move of a guest, as either side measured it; what a side cannot see is null.</summary>
/// <param name="WallMs">From the first step (the move's request, or the destination QEMU spawned) to the source QEMU gone.</param>
/// <param name="QemuDowntimeMs">The source QEMU's own <c>downtime</c> from <c>query-migrate</c>.</param>
/// <param name="PauseMs">The guest's pause as QEMU's events stamp it: STOP at the source to RESUME at the destination.</param>
/// <param name="QemuTotalMs">The source QEMU's <c>total-time</c> (by hand only: nubed does not report it).</param>
/// <param name="DestinationResumedItself">Whether the destination QEMU ran the guest at the stream's end, before any <c>cont</c>.</param>
/// <param name="Problem">Null when the move completed; otherwise what went wrong (the guest stays at the source).</param>
public sealed record MoveOutcome(double WallMs, double? QemuDowntimeMs, double? PauseMs, double? QemuTotalMs, double? SentMiB, long? Passes,
    double? DirtyMiBps, bool? DestinationResumedItself, MoveFault Fault, string? Problem = null);

public enum MoveFault { None, NotConverged, Failed }

/// <summary>
/// The test guest under two plain QEMUs, moved between them by hand over QMP the way a script
/// would: both from the configuration nubed stored, through the same command-line builder (the
/// destination with <c>-incoming defer</c>, as nubed's), as root; a live move's stream plain TCP on loopback
/// (nubed's is TLS with a pre-shared key; one variant here is too, to tell TLS's cost apart), a
/// quick move's state saved to a file beside the twin's own disk and restored from it, as nubed's
/// quick move through shared storage. Each side has its own folders, X and Y;
/// the guest boots at X and then goes back and forth, each move starting a new destination QEMU
/// and ending the source's.
/// </summary>
public sealed class PlainMigration : IAsyncDisposable
{
    /// <summary>QEMU's default and nubed's: the pause the switch-over may take.</summary>
    public const long DowntimeLimitMs = 300;
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(30);
    /// <summary>How long the destination may take to finish reading a stream the source saw complete.</summary>
    private static readonly TimeSpan StreamEnd = TimeSpan.FromSeconds(30);
    private const string TlsId = "bench-move-tls";
    private const string TlsUser = "nube";
    private readonly PlainQemu booted;
    private readonly PlainQemu[] incoming;
    /// <summary>Where a quick move saves the state: beside the disk, on the storage both sides reach.</summary>
    private readonly string stateFile;
    private PlainQemu running;
    private int side;

    private PlainMigration(PlainQemu booted, PlainQemu x, PlainQemu y, string stateFile)
    {
        this.booted = booted;
        incoming = [x, y];
        running = booted;
        this.stateFile = stateFile;
    }

    /// <summary>The twins of nubed's VM <paramref name="id"/> (started, so that its machine type is pinned), booted at X, on their own <paramref name="disk"/>.</summary>
    public static async Task<PlainMigration> BootAsync(Nubed nubed, Guid id, string rootX, string rootY, string disk, CancellationToken ct)
    {
        var guest = new PlainMigration(await PlainQemu.TwinAsync(nubed, id, rootX, ct, disk: disk),
            await PlainQemu.TwinAsync(nubed, id, rootX, ct, incoming: true, disk: disk), await PlainQemu.TwinAsync(nubed, id, rootY, ct, incoming: true, disk: disk),
            disk + ".move-state");
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(GuestVms.OperationTimeout);
            await guest.booted.BootAsync(limit.Token);
            return guest;
        }
        catch
        {
            await guest.DisposeAsync();
            throw;
        }
    }

    public IReadOnlyList<string> SourceArgv => booted.Argv;
    public IReadOnlyList<string> DestinationArgv => incoming[0].Argv;
    public string Where => side == 0 ? "X" : "Y";

    /// <summary>
    /// Moves the guest to the other side: the destination QEMU spawned, nubed's quick-move
    /// capabilities (mapped-ram, multifd with its channels) on both sides for a quick move and off
    /// for a live one, the source's <c>max-bandwidth</c> and <c>downtime-limit</c> set as nubed sets
    /// them. Live: <c>migrate-incoming tcp:127.0.0.1:0</c>, <c>migrate</c> to it. Quick: <c>stop</c>,
    /// <c>migrate file:PATH</c> beside the disk, and once completed <c>migrate-incoming file:PATH</c>
    /// at the destination. <c>query-migrate</c> every 20 ms (as nubed polls) until completed; the
    /// destination gets <c>cont</c> if it did not run the guest itself; the source QEMU quits. Not completed within
    /// <paramref name="limit"/> (not converged), or failed, the move is undone: the guest runs on at the source.
    /// </summary>
    /// <param name="tls">The stream in TLS with a pre-shared key made for the move, as nubed's (for telling TLS's cost from the rest of Nube's).</param>
    public async Task<MoveOutcome> MoveAsync(bool live, bool tls, long bandwidth, TimeSpan limit, CancellationToken ct)
    {
        var (source, target) = (running, incoming[1 - side]);
        var clock = Stopwatch.StartNew();
        QmpClient? from = null, to = null;
        double? dirty = null;
        try
        {
            target.Spawn();
            to = await ConnectAsync(target, ct);
            from = await ConnectAsync(source, ct);
            if (tls)
            {
                var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                foreach (var (qmp, qemu, server) in new[] { (to, target, true), (from, source, false) })
                {
                    var folder = Directory.CreateDirectory(Path.Combine(qemu.Paths.RuntimeDirectory, "psk")).FullName;
                    await File.WriteAllTextAsync(Path.Combine(folder, "keys.psk"), $"{TlsUser}:{key}\n", ct);
                    try { await qmp.DeleteObjectAsync(TlsId, ct); }
                    catch (QmpCommandException) { } // none yet
                    await qmp.AddTlsPskAsync(TlsId, server, folder, TlsUser, ct);
                }
            }
            foreach (var qmp in new[] { to, from })
            {
                await qmp.SetMigrationParametersAsync(new Dictionary<string, object> { ["tls-creds"] = tls ? TlsId : "", ["multifd-channels"] = QuickState.Channels }, ct);
                // A QEMU keeps its capabilities: one that came in by a quick move must drop them for a live one.
                await qmp.SetMigrationCapabilitiesAsync(QuickState.Capabilities.ToDictionary(c => c.Key, _ => !live), ct);
            }
            string? port = null;
            if (live)
            {
                await to.MigrateIncomingAsync("tcp:127.0.0.1:0", ct);
                port = (await to.QueryMigrateAsync(ct)).SocketAddress?.FirstOrDefault()?.Port
                    ?? throw new InvalidOperationException("the destination QEMU did not say which port it listens on");
            }
            await from.SetMigrationParametersAsync(new Dictionary<string, object> { ["max-bandwidth"] = bandwidth, ["downtime-limit"] = DowntimeLimitMs }, ct);
            var stopped = from.WaitForEventAsync("STOP", null, limit, ct);
            var resumed = to.WaitForEventAsync("RESUME", null, limit + StreamEnd, ct);
            if (!live)
                await from.StopAsync(ct);
            await from.MigrateAsync(live ? $"tcp:127.0.0.1:{port}" : $"file:{stateFile}", ct);
            MigrationInfo sent;
            try
            {
                sent = await from.WaitForMigrationAsync(limit, ct, info => dirty = DirtyMiBps(info) ?? dirty);
            }
            catch (QmpTimeoutException)
            {
                await UndoAsync(from, target);
                return Failed(clock, dirty, MoveFault.NotConverged, $"not completed within {limit.TotalSeconds:0} s; cancelled");
            }
            if (!live)
                await to.MigrateIncomingAsync($"file:{stateFile}", ct);
            await to.WaitForMigrationAsync(StreamEnd, ct);
            var ranItself = (await to.QueryStatusAsync(ct)).Running;
            if (!ranItself)
                await to.ContAsync(ct);
            var pause = ((await resumed).Timestamp - (await stopped).Timestamp).TotalMilliseconds;
            // QEMU's monitor takes one client at a time: ours goes before the quit connects.
            await from.DisposeAsync();
            from = null;
            await source.QuitAsync(ct);
            (running, side) = (target, 1 - side);
            return new MoveOutcome(clock.Elapsed.TotalMilliseconds, sent.DowntimeMilliseconds, pause, sent.TotalTimeMilliseconds,
                sent.Ram?.Transferred / 1048576.0, sent.Ram?.DirtySyncCount, dirty, ranItself, MoveFault.None);
        }
        catch (Exception e) when (e is QmpException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            if (from is not null)
                await UndoAsync(from, target);
            else
                await target.QuitAsync(CancellationToken.None);
            return Failed(clock, dirty, MoveFault.Failed, e.Message);
        }
        finally
        {
            if (from is not null)
                await from.DisposeAsync();
            if (to is not null)
                await to.DisposeAsync();
            File.Delete(stateFile);
        }
    }

    /// <summary>Runs a shell command on the guest's serial console (a connection of its own, closed after).</summary>
    public async Task<string> RunAsync(string command, TimeSpan timeout, CancellationToken ct)
    {
        await using var console = ConsoleWatch.Over(await UnixSocket.ConnectAsync(running.Paths.SerialSocket, ct));
        return await GuestConsole.RunAsync(console, "plain QEMU", command, timeout, ct);
    }

    /// <summary>The guest agent answers a sync and a ping (as nubed's probe asks).</summary>
    public async Task PingAgentAsync(CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(AgentTimeout);
        await using var stream = await UnixSocket.ConnectAsync(running.Paths.AgentSocket, limit.Token);
        await using var agent = await GuestAgentClient.ConnectAsync(stream, AgentTimeout, null, limit.Token);
        await agent.PingAsync(limit.Token);
    }

    /// <summary>The dirty rate QEMU measured (pages per second times the page size), in MiB/s.</summary>
    public static double? DirtyMiBps(MigrationInfo info) =>
        info.Ram is { DirtyPagesRate: > 0 and var pages, PageSize: { } size } ? pages * size / 1048576.0 : null;

    private static MoveOutcome Failed(Stopwatch clock, double? dirty, MoveFault fault, string problem) =>
        new(clock.Elapsed.TotalMilliseconds, null, null, null, null, null, dirty, null, fault, problem);

    private static async Task<QmpClient> ConnectAsync(PlainQemu qemu, CancellationToken ct) =>
        await QmpClient.ConnectAsync(await UnixSocket.ConnectAsync(qemu.Paths.QmpSocket, ct), null, ct);

    /// <summary>Before the switch-over took: the stream cancelled, the guest running at the source, the destination QEMU ended.</summary>
    private static async Task UndoAsync(QmpClient from, PlainQemu target)
    {
        try
        {
            await from.MigrateCancelAsync();
            for (var i = 0; i < 500 && (await from.QueryMigrateAsync()).Status is "active" or "setup" or "cancelling" or "device" or "pre-switchover"; i++)
                await Task.Delay(10);
            if (!(await from.QueryStatusAsync()).Running)
                await from.ContAsync();
        }
        catch (QmpException e)
        {
            Console.Error.WriteLine($"bench: fig10: the source QEMU did not answer while the move was undone: {e.Message}");
        }
        await target.QuitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var qemu in incoming.Prepend(booted))
            await qemu.QuitAsync(CancellationToken.None);
    }
}
