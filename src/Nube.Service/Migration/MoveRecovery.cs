using System.Collections.Concurrent;
using Nube.Contracts.Vms;
using Nube.Core.Migration;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Hosts;
using Nube.Service.Vms;

namespace Nube.Service.Migration;

/// <summary>
/// Settles the moves this host took part in and did not end, by their recorded phase and what
/// its QEMU is doing (<see cref="MigrationRecovery.Resolve"/>): at the host service's start,
/// before any VM may start, and, for a source that needs the destination's word, again every
/// <see cref="AskAgain"/> until it answers. Meanwhile such a VM stays migrating and paused:
/// never running on two hosts. Each outcome is a job ("recover-move") whose result says it.
/// </summary>
public sealed class MoveRecovery(VmRegistry vms, IncomingMoves incoming, HostPeers peers, MigrationStore store, VmServices services,
    ILogger<MoveRecovery> logger) : BackgroundService
{
    private static readonly TimeSpan AskAgain = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<Guid, MigrationRecord> waiting = new();

    /// <summary>Settles what needs no other host now; the rest waits for its peer's word (asked in the background).</summary>
    public async Task RecoverAsync()
    {
        store.Prune(services.Clock.GetUtcNow() - MigrationStore.Kept);
        foreach (var record in store.All().Where(r => !r.Ended))
            await SettleLoggedAsync(record, ask: false).ConfigureAwait(false);
    }

    /// <summary>A source whose destination did not say whether it took the VM: asked again until it does.</summary>
    public void Wait(MigrationRecord record) => waiting[record.Id] = record;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var record in waiting.Values)
                await SettleLoggedAsync(record, ask: true).ConfigureAwait(false);
            await Task.Delay(AskAgain, services.Clock, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task SettleLoggedAsync(MigrationRecord record, bool ask)
    {
        try
        {
            await SettleAsync(record, ask).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Move {Id} of VM {Name} could not be settled; asked again later", record.Id, record.VmName);
            waiting[record.Id] = record;
        }
    }

    private async Task SettleAsync(MigrationRecord record, bool ask)
    {
        var vm = vms.All.FirstOrDefault(v => v.Id == record.VmId);
        var local = vm is null ? LocalQemu.Gone : await vm.OnLoopAsync(run => LocalAsync(run, record.Role)).ConfigureAwait(false);
        var peer = ask && NeedsPeer(record, local) ? await AskAsync(record).ConfigureAwait(false) : PeerAnswer.Unreachable;
        var resolution = MigrationRecovery.Resolve(record.Role, record.Phase, record.Owns, local, peer);
        logger.LogInformation("Move {Id} of VM {Name} ({Role}, {Phase}, QEMU {Local}, peer {Peer}): {Resolution}",
            record.Id, record.VmName, record.Role, record.Phase, local, peer, resolution);
        if (resolution == MigrationResolution.WaitForPeer)
        {
            if (vm is not null)
                await vm.OnLoopAsync(run => Settled(run, VmState.Migrating, $"Paused here after its memory went to {record.Peer}, which has not " +
                    "said whether it took the VM; it stays paused (resuming it could run it twice) until that host answers.")).ConfigureAwait(false);
            waiting[record.Id] = record;
            return;
        }
        var result = resolution switch
        {
            MigrationResolution.DeleteIncoming => await DeleteIncomingAsync(record).ConfigureAwait(false),
            _ when vm is null => $"VM '{record.VmName}' is no longer on this host.",
            MigrationResolution.ForgetHere => await ForgetAsync(vm, record).ConfigureAwait(false),
            MigrationResolution.OwnHere => await vm.OnLoopAsync(run => ResumeAsync(run, true, $"VM '{record.VmName}' moved here from another host; it runs here."))
                .ConfigureAwait(false),
            _ => await KeepAsync(vm, record, local).ConfigureAwait(false),
        };
        waiting.TryRemove(record.Id, out _);
        if (record.Role == MigrationRole.Source)
            OutgoingMove.DeleteState(record);
        await store.WriteAsync(record with { Ended = true }).ConfigureAwait(false);
        if (vm is null)
            return;
        var job = services.Jobs.Create(record.VmId, record.VmName, "recover-move");
        job.MarkRunning(null);
        services.Jobs.Complete(job, vm.Snapshot, result);
    }

    /// <summary>A source whose guest left paused (or whose QEMU is gone) in Perform needs the destination's word.</summary>
    private static bool NeedsPeer(MigrationRecord record, LocalQemu local) =>
        record.Role == MigrationRole.Source && record.Phase == MigrationPhase.Perform && local is LocalQemu.Sent or LocalQemu.Gone;

    /// <summary>The destination's answer to Abort: it owns the VM, or it never will.</summary>
    private async Task<PeerAnswer> AskAsync(MigrationRecord record)
    {
        if (peers.Find(record.Peer) is not { } peer)
            return PeerAnswer.Unreachable;
        var (answer, problem) = await HostPeers.CallAsync(peer, (c, t) => c.Migrations.AbortAsync(record.Id, t), CancellationToken.None).ConfigureAwait(false);
        if (answer is null)
            logger.LogWarning("Move {Id}: {Peer} did not say whether it took VM {Name}: {Problem}", record.Id, record.Peer, record.VmName, problem);
        return answer is null ? PeerAnswer.Unreachable : answer.Answer == MoveAnswer.Owns ? PeerAnswer.Owns : PeerAnswer.Aborted;
    }

    private async Task<LocalQemu> LocalAsync(IVmRun run, MigrationRole role)
    {
        if (run.Session is not { } session)
            return LocalQemu.Gone;
        try
        {
            var status = await session.Qmp.QueryStatusAsync().ConfigureAwait(false);
            var stream = await session.Qmp.QueryMigrateAsync().ConfigureAwait(false);
            return (role, status.Status, stream.Status) switch
            {
                (MigrationRole.Source, "postmigrate", _) => LocalQemu.Sent,
                (MigrationRole.Source, _, "setup" or "active" or "device" or "pre-switchover" or "cancelling") => LocalQemu.Sending,
                (MigrationRole.Source, _, _) => LocalQemu.Running,
                (_, "inmigrate", _) => LocalQemu.Receiving,
                _ => LocalQemu.Received,
            };
        }
        catch (QmpException)
        {
            return LocalQemu.Gone;
        }
    }

    /// <summary>The VM stays (or is back) here: a stream under way is cancelled, the guest resumed if it ran; the destination is told to delete its half.</summary>
    private async Task<string> KeepAsync(VmController vm, MigrationRecord record, LocalQemu local)
    {
        var result = await vm.OnLoopAsync(async run =>
        {
            if (run.Session is not { } session)
                return $"VM '{record.VmName}' stays on this host; its QEMU ended while the host service was down.";
            if (local == LocalQemu.Sending)
                await session.Qmp.CancelMigrationAsync().ConfigureAwait(false);
            if (record.StateFile is not null)
                await session.Qmp.SetMigrationCapabilitiesAsync(Core.Migration.QuickState.Off).ConfigureAwait(false);
            if (record.Role == MigrationRole.Source)
                await DiskMirrors.AbandonAllAsync(session.Qmp, record.Peer).ConfigureAwait(false);
            await MoveTls.DropAsync(run, session.Qmp, null).ConfigureAwait(false);
            return await ResumeAsync(run, record.WasRunning, $"VM '{record.VmName}' stays on this host: the move to {record.Peer} did not finish.")
                .ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (record.Role == MigrationRole.Source && peers.Find(record.Peer) is { } peer)
            _ = Task.Run(() => HostPeers.CallAsync(peer, (c, t) => c.Migrations.AbortAsync(record.Id, t), CancellationToken.None));
        return result;
    }

    private async Task<string> ForgetAsync(VmController vm, MigrationRecord record)
    {
        await vm.OnLoopAsync(async run =>
        {
            await new VmOperations(run, services, logger).EndAsync(VmState.Migrating).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        await vms.RemoveAsync(vm, moved: true).ConfigureAwait(false);
        OutgoingMove.DeleteCopiedDisks(record);
        return $"VM '{record.VmName}' moved to {record.Peer}, which took it; it is forgotten here.";
    }

    private async Task<string> DeleteIncomingAsync(MigrationRecord record)
    {
        await store.WriteAsync(record with { Aborted = true }).ConfigureAwait(false);
        await incoming.DeleteIncomingAsync(record).ConfigureAwait(false);
        return $"VM '{record.VmName}' did not move here (the host service restarted before it was handed over); what was made for it is deleted.";
    }

    /// <summary>Resumes a guest the move left paused (when it ran before), and settles the VM's state as its QEMU has it.</summary>
    private static async Task<string> ResumeAsync(IVmRun run, bool resume, string result)
    {
        if (run.Session is not { } session)
        {
            run.SetState(VmState.Off);
            return result;
        }
        var status = await session.Qmp.QueryStatusAsync().ConfigureAwait(false);
        if (resume && !status.Running)
            await session.Qmp.ContAsync().ConfigureAwait(false);
        await Settled(run, resume || status.Running ? VmState.Running : VmState.Paused, null).ConfigureAwait(false);
        return result;
    }

    private static Task<bool> Settled(IVmRun run, VmState state, string? reason)
    {
        run.SetState(state, reason);
        return Task.FromResult(true);
    }
}
