using System.Diagnostics;
using Nube.Contracts.Vms;
using Nube.Core.Hosts;
using Nube.Core.Migration;
using Nube.Core.Serialization;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Linux;
using Nube.Service.Hosts;
using Nube.Service.Jobs;
using Nube.Service.Vms;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Migration;

/// <summary>
/// A move's source, on the VM's loop: Begin (both ends checked), Prepare asked of the destination,
/// Perform (the memory streamed over TLS while the guest runs, then paused), Finish asked of the
/// destination, Confirm (the paused copy ended). Before the handover, a failure or a cancel puts
/// the VM back as it was here and has the destination delete what it made; after it, there is
/// no way back.
/// </summary>
public sealed class OutgoingMove(IVmRun vm, VmServices services, MoveCheck check, MigrationStore store, MoveRecovery recovery, Guid hostId, ILogger logger)
{
    /// <summary>How long the source keeps asking a destination that does not answer whether it took the VM, before it leaves that to recovery.</summary>
    private static readonly TimeSpan HandoverPatience = TimeSpan.FromSeconds(30);
    private const string StreamFd = "nube-move";

    /// <returns>The job's result line; the VM is then the destination's, and its QEMU here has ended.</returns>
    public async Task<string> RunAsync(Job job, HostPeer peer, MoveRequest move, CancellationToken ct)
    {
        var began = Stopwatch.StartNew();
        var now = vm.Snapshot;
        var live = move.Live;
        job.Report($"checking the VM and {peer.Name}");
        var checkedMove = await check.CheckAsync(now, move, ct).ConfigureAwait(false);
        if (!checkedMove.CanMove)
            throw new ValidationException([.. checkedMove.Problems.Select(p => new ValidationError(p.Field, p.Value ?? "", p.Message))]);
        var config = now.Config!;
        var run = vm.Session ?? throw new MoveFailedException($"VM '{now.Name}': its QEMU does not answer on its control socket; it cannot move.");
        var from = now.State;
        var id = Guid.NewGuid();
        var copies = move.WithStorage ? PeerStorage.Place(config, null) : [];
        var record = new MigrationRecord
        {
            Id = id, StateFile = live ? null : QuickState.PathFor(config, id), SharedFiles = [.. MemoryCopies(config, id)],
            CopiedDisks = [.. copies.Select(c => c.Disk.Path)], VmId = vm.Id, VmName = now.Name, Role = MigrationRole.Source, Phase = MigrationPhase.Begin, Peer = peer.Name,
            Live = live, WasRunning = now.State == VmState.Running, StartedAt = services.Clock.GetUtcNow(), JobId = job.Id,
        };
        await store.WriteAsync(record).ConfigureAwait(false);
        vm.SetState(VmState.Migrating);
        MigrationInfo sent;
        int? tls = null;
        Stopwatch? pausedAt = null;
        Microsoft.Win32.SafeHandles.SafeFileHandle? state = null;
        int? stateSet = null;
        DiskMirrors? mirrors = null;
        // One connection for Prepare and Finish: the guest is paused during Finish, which must not wait for a handshake.
        using var connection = new PeerConnection(peer);
        try
        {
            job.Report($"making the VM at {peer.Name}");
            var sizes = await SizesAsync(copies, ct).ConfigureAwait(false);
            var checkpoints = await ShareCheckpointsAsync(config, record).ConfigureAwait(false);
            var prepared = await Call(connection, (c, t) => c.Migrations.PrepareAsync(new IncomingMoveRequest
            {
                MigrationId = record.Id, VmId = vm.Id, Config = ConfigDocument.Write(config), Live = live, SourceHostId = hostId,
                Encrypted = services.Host.Config.MigrationEncryption, ThroughSharedStorage = record.StateFile is not null,
                WithStorage = move.WithStorage, StorageFolder = move.StorageFolder, DiskSizes = sizes,
                UefiVars = UefiVars(config), SourceProcessor = check.HostProcessor(now.Accelerator), Checkpoints = checkpoints,
            }, t), ct, $"{peer.Name} did not make the VM").ConfigureAwait(false);
            await store.WriteAsync(record = record with { Phase = MigrationPhase.Perform }).ConfigureAwait(false);
            if (prepared.TlsKey is { } key)
                tls = await MoveTls.UseAsync(vm, services.Qemu, run.Qmp, key, server: false, ct).ConfigureAwait(false);
            var host = services.Host.Config;
            await run.Qmp.SetMigrationParametersAsync(new Dictionary<string, object>
            {
                ["max-bandwidth"] = StartOperation.Bandwidth(host), ["downtime-limit"] = (long)host.MigrationMaxDowntimeMs,
                ["multifd-channels"] = QuickState.Channels,
            }, ct).ConfigureAwait(false);
            await run.Qmp.SetMigrationCapabilitiesAsync(record.StateFile is not null ? QuickState.Capabilities
                : new Dictionary<string, bool> { ["auto-converge"] = live && host.MigrationAutoConverge, ["events"] = true }, ct).ConfigureAwait(false);
            if (copies.Count > 0)
            {
                // Shared-nothing: the disks first, while the guest runs; the memory once they are whole.
                var running = vm.Snapshot.Running;
                mirrors = new DiskMirrors(run.Qmp, [.. copies.Select(c => (c.Disk.Id, running is null ? c.Disk.Id
                    : Vms.Checkpoints.CheckpointContext.NodeOf(running, c.Disk.Path) ?? c.Disk.Id))], peer.Name);
                job.Report(MoveProgress.Disks(0, 0));
                await mirrors.StartAsync(prepared.Host, prepared.StoragePort ?? throw new MoveFailedException($"{peer.Name} did not export the disks for their copy"),
                    tls is null ? null : MoveTls.ObjectId, ct).ConfigureAwait(false);
                await mirrors.WaitReadyAsync((done, total) => job.Report(MoveProgress.Disks(done, total), MoveProgress.Percent(total - done, total)),
                    services.Clock, ct).ConfigureAwait(false);
            }
            if (!live)
            {
                await run.Qmp.StopAsync(ct).ConfigureAwait(false);
                pausedAt = Stopwatch.StartNew();
            }
            if (record.StateFile is { } path)
            {
                // Quick through shared storage: saved beside the disks, where the destination restores it from.
                state = RegularFile.Create(path, FileAccessMode.Write, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                stateSet = await run.Qmp.AddFdAsync(state, ct).ConfigureAwait(false);
                await run.Qmp.MigrateAsync($"file:/dev/fdset/{stateSet}", ct).ConfigureAwait(false);
            }
            else
            {
                // nubed connects and hands QEMU the socket: QEMU opens none itself.
                using (var stream = await MoveSockets.ConnectAsync(peer.Name, prepared.Host, prepared.Port, "the stream", ct).ConfigureAwait(false))
                    await run.Qmp.GetFdAsync(StreamFd, stream.SafeHandle, ct).ConfigureAwait(false);
                await run.Qmp.MigrateAsync($"fd:{StreamFd}", ct).ConfigureAwait(false);
            }
            var stall = new StreamStall(StreamStall.DefaultLimit);
            sent = await run.Qmp.WaitForMigrationAsync(TimeSpan.FromDays(1), ct, info =>
            {
                Report(job, info);
                if (stall.Stalled(info.Ram?.Transferred ?? 0, services.Clock.GetUtcNow()))
                    throw new MoveFailedException($"VM '{now.Name}' did not move to {peer.Name}: its stream moved nothing for {stall.Limit.TotalSeconds:0} s " +
                        $"(the link between the hosts is cut, or {peer.Name} is down). It runs here as before.");
            }).ConfigureAwait(false);
            // The guest is paused: each disk's copy ends as it stands, the same as the disk.
            if (mirrors is not null)
                await mirrors.CompleteAsync().ConfigureAwait(false);
            if (state is not null)
            {
                await run.Qmp.RemoveFdAsync(stateSet!.Value, ct).ConfigureAwait(false);
                // Closed (NFS writes it back on close) but not synced: the destination reads it at once, and the
                // state outlives no failure of either host (the source's QEMU keeps the paused guest until the handover).
                state.Dispose();
            }
        }
        catch (Exception e)
        {
            state?.Dispose();
            if (mirrors is not null)
                await mirrors.AbandonAsync().ConfigureAwait(false);
            await UndoAsync(run, record, peer, from, tls).ConfigureAwait(false);
            if (e is QmpException q)
                throw new MoveFailedException($"VM '{now.Name}' did not move to {peer.Name}: {q.Message} It runs here as before.", e);
            throw;
        }
        // The stream is whole and the guest paused here: only the destination's word decides now.
        var handover = Stopwatch.StartNew();
        job.Report($"handing the VM over to {peer.Name}");
        var (answer, finished) = await HandOverAsync(connection, peer, record.Id, new FinishMoveRequest { SerialLog = SerialTail() }).ConfigureAwait(false);
        switch (answer)
        {
            case PeerAnswer.Owns:
                await store.WriteAsync(record = record with { Phase = MigrationPhase.Confirm }).ConfigureAwait(false);
                await run.EndAsync().ConfigureAwait(false);
                vm.ForgetRun();
                DeleteState(record);
                DeleteCopiedDisks(record);
                await store.WriteAsync(record with { Ended = true }).ConfigureAwait(false);
                logger.LogInformation("VM {Name} moved to {Peer} ({Downtime} ms paused)", now.Name, peer.Name, sent.DowntimeMilliseconds);
                // The guest's whole pause: QEMU's (the last pages and the devices) and the handover until it resumed there.
                // The destination's work after it resumed the guest is not part of the pause.
                var after = finished?.AnsweredAfterMs - finished?.ResumedAfterMs ?? 0;
                var paused = (live ? (sent.DowntimeMilliseconds ?? 0) + (long)handover.Elapsed.TotalMilliseconds : (long)pausedAt!.Elapsed.TotalMilliseconds) - after;
                return MoveProgress.Result(peer.Name, began.Elapsed, paused, sent.Ram?.Transferred, sent.Ram?.DirtySyncCount,
                    record.StateFile is not null ? MoveRoute.SharedStorage : tls is not null ? MoveRoute.Encrypted : MoveRoute.InTheClear);
            case PeerAnswer.Aborted:
                if (record.StateFile is not null)
                    await run.Qmp.SetMigrationCapabilitiesAsync(QuickState.Off).ConfigureAwait(false);
                await MoveTls.DropAsync(vm, run.Qmp, tls).ConfigureAwait(false);
                await ResumeAsync(run, from).ConfigureAwait(false);
                DeleteState(record);
                await store.WriteAsync(record with { Ended = true }).ConfigureAwait(false);
                throw new MoveFailedException($"{peer.Name} gave the move up after the memory was sent; VM '{now.Name}' runs here as before.");
            default:
                recovery.Wait(record);
                vm.SetState(VmState.Migrating, $"Paused here after its memory went to {peer.Name}, which does not answer whether it took the VM; " +
                    "it stays paused (resuming it could run it twice) until that host answers.");
                throw new MoveFailedException($"{peer.Name} did not answer whether it took VM '{now.Name}'; the VM stays paused here, " +
                    "never running on both hosts, until that host answers (asked again in the background and at every restart of this host).");
        }
    }

    /// <summary>The destination's answer to Finish (with its timings); asked again for a while when it does not answer.</summary>
    private async Task<(PeerAnswer Answer, MoveAnswer? Finished)> HandOverAsync(PeerConnection connection, HostPeer peer, Guid migration, FinishMoveRequest finish)
    {
        var patience = Stopwatch.StartNew();
        while (true)
        {
            var (answer, problem) = await connection.CallAsync((c, t) => c.Migrations.FinishAsync(migration, finish, t), CancellationToken.None).ConfigureAwait(false);
            if (answer is not null)
                return (answer.Answer == MoveAnswer.Owns ? PeerAnswer.Owns : PeerAnswer.Aborted, answer);
            logger.LogWarning("Move {Id}: {Peer} did not answer the handover: {Problem}", migration, peer.Name, problem);
            if (patience.Elapsed > HandoverPatience)
                return (PeerAnswer.Unreachable, null);
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
    }

    /// <summary>Before the handover: the stream cancelled, the guest running here as before, the destination told to delete what it made.</summary>
    private async Task UndoAsync(QemuSession run, MigrationRecord record, HostPeer peer, VmState from, int? tls)
    {
        try
        {
            await run.Qmp.CancelMigrationAsync().ConfigureAwait(false);
            if (record.StateFile is not null)
                await run.Qmp.SetMigrationCapabilitiesAsync(QuickState.Off).ConfigureAwait(false);
            await MoveTls.DropAsync(vm, run.Qmp, tls).ConfigureAwait(false);
            await ResumeAsync(run, from).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            logger.LogWarning("VM {Name}: QEMU did not answer while the move was undone: {Error}", vm.Snapshot.Name, e.Message);
            vm.SetState(from, $"The move did not finish and QEMU did not answer afterwards: {e.Message}");
        }
        var (_, problem) = await HostPeers.CallAsync(peer, (c, t) => c.Migrations.AbortAsync(record.Id, t), CancellationToken.None).ConfigureAwait(false);
        if (problem is not null)
            logger.LogWarning("Move {Id}: {Peer} was not told to give it up ({Problem}); it deletes its half-made VM when the stream does not come", record.Id, peer.Name, problem);
        DeleteState(record);
        await store.WriteAsync(record with { Ended = true }).ConfigureAwait(false);
    }

    /// <summary>Each copied disk's virtual size, by its id, for the destination to make it.</summary>
    private static async Task<Dictionary<string, long>?> SizesAsync(IReadOnlyList<PeerStorage.Placed> copies, CancellationToken ct)
    {
        if (copies.Count == 0)
            return null;
        var sizes = new Dictionary<string, long>();
        foreach (var copy in copies)
            sizes[copy.Disk.Id] = await Disks.QemuImg.VirtualSizeAsync(copy.Disk.Field, copy.Disk.Path, ct).ConfigureAwait(false);
        return sizes;
    }

    /// <summary>A quick move's saved state and the checkpoints' memory copies, once the move is over either way: the state must never be restored again.</summary>
    public static void DeleteState(MigrationRecord record)
    {
        if (record.StateFile is { } path)
            File.Delete(path);
        foreach (var copy in record.SharedFiles)
            File.Delete(copy);
    }

    /// <summary>Shared-nothing, once the destination owns the VM and the QEMU here has ended: the move asked for it, the disks are the destination's now.</summary>
    public static void DeleteCopiedDisks(MigrationRecord record)
    {
        foreach (var disk in record.CopiedDisks)
            File.Delete(disk);
    }

    /// <summary>Where the standard checkpoints' memory files cross (recorded before they are copied).</summary>
    private IEnumerable<string> MemoryCopies(VmConfig config, Guid move) =>
        new Vms.Checkpoints.CheckpointStore(vm.Paths.VmDirectory).Read().Checkpoints.Where(c => c.Memory is not null)
            .Select(c => MovedCheckpoints.MemoryPath(config, move, c.Id));

    /// <summary>Each standard checkpoint's memory file copied beside the first disk for the destination; the tree as a document, or null without checkpoints.</summary>
    private async Task<string?> ShareCheckpointsAsync(VmConfig config, MigrationRecord record)
    {
        var book = new Vms.Checkpoints.CheckpointStore(vm.Paths.VmDirectory).Read();
        if (book.Checkpoints.IsEmpty)
            return null;
        foreach (var checkpoint in book.Checkpoints.Where(c => c.Memory is not null))
        {
            var copy = MovedCheckpoints.MemoryPath(config, record.Id, checkpoint.Id);
            await Vms.Checkpoints.CheckpointStore.CopyAsync(checkpoint.Memory!, copy, CancellationToken.None).ConfigureAwait(false);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return ConfigDocument.Write(book);
    }

    private async Task ResumeAsync(QemuSession run, VmState from)
    {
        var status = await run.Qmp.QueryStatusAsync(CancellationToken.None).ConfigureAwait(false);
        if (from == VmState.Running && !status.Running)
            await run.Qmp.ContAsync(CancellationToken.None).ConfigureAwait(false);
        vm.SetState(from);
    }

    private static void Report(Job job, MigrationInfo info)
    {
        if (info.Ram is not { } ram)
            return;
        job.Report(MoveProgress.Describe(ram.Transferred, ram.Remaining, ram.Total, ram.DirtyPagesRate, ram.PageSize, ram.DirtySyncCount,
            info.ExpectedDowntimeMilliseconds), MoveProgress.Percent(ram.Remaining, ram.Total));
    }

    /// <summary>The end of the guest's console log here, to go on at the destination.</summary>
    private string? SerialTail()
    {
        var path = vm.Paths.SerialLog;
        if (!File.Exists(path))
            return null;
        using var file = File.OpenRead(path);
        var take = (int)Math.Min(file.Length, FinishMoveRequest.SerialLogLimit);
        var bytes = new byte[take];
        file.Seek(-take, SeekOrigin.End);
        file.ReadExactly(bytes);
        return Convert.ToBase64String(bytes);
    }

    private string? UefiVars(VmConfig config)
    {
        var path = vm.Paths.UefiVars(Generations.SecureBootOn(config));
        return config.Generation == 2 && File.Exists(path) ? Convert.ToBase64String(File.ReadAllBytes(path)) : null;
    }

    /// <summary>A call to the destination whose failure ends the move before the handover.</summary>
    private static async Task<T> Call<T>(PeerConnection connection, Func<Contracts.Client.NubeApiClient, CancellationToken, Task<T>> call, CancellationToken ct, string what)
        where T : class
    {
        var (value, problem) = await connection.CallAsync(call, ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return value ?? throw new MoveFailedException($"{what}: {problem}");
    }
}
