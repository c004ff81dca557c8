using System.Net;
using System.Net.Sockets;
using Nube.Contracts.Vms;
using Nube.Core.Migration;
using Nube.Core.Serialization;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Vms;

namespace Nube.Service.Migration;

/// <summary>
/// A move's destination: Prepare (the VM made, its QEMU waiting for the stream), Finish (the
/// handover recorded, then the guest resumed) and Abort (the move given up, what was made for it
/// deleted). Finish and Abort decide under one lock, on the record: a move is either owned here or
/// aborted, never both, and the answer to the source says which.
/// </summary>
public sealed class IncomingMoves(VmRegistry vms, MoveCheck check, MigrationStore store, VmServices services, ILogger<IncomingMoves> logger)
{
    /// <summary>How long Finish waits for the end of a stream the source saw complete.</summary>
    private static readonly TimeSpan StreamEnd = TimeSpan.FromSeconds(30);
    /// <summary>How long the destination waits for the source's connection after Prepare.</summary>
    private static readonly TimeSpan ConnectionWait = TimeSpan.FromSeconds(60);
    /// <summary>How long a whole stream waits for the source's Finish before the move is given up here (the source asks for 30 s, then in the background).</summary>
    private static readonly TimeSpan HandoverWait = TimeSpan.FromMinutes(2);
    private const string StreamFd = "nube-move";
    private readonly SemaphoreSlim decide = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, CancellationTokenSource> accepting = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Lazy<Task<MoveAnswer>>> finishing = new();

    /// <summary>Makes the VM the source describes, with its QEMU listening on <paramref name="address"/> for the TLS stream.</summary>
    /// <exception cref="ValidationException">This host cannot take the VM: every reason.</exception>
    /// <param name="source">The address the request came from: a stream in the clear is taken only from there.</param>
    public async Task<IncomingMoveInfo> PrepareAsync(IncomingMoveRequest request, IPAddress address, IPAddress? source, CancellationToken ct)
    {
        var config = Read(request);
        if (store.Find(request.MigrationId) is not null)
            throw new ValidationException([new("migrationId", request.MigrationId.ToString(), $"migrationId: this host already took part in move {request.MigrationId}")]);
        var stateFile = request.ThroughSharedStorage ? QuickState.PathFor(config, request.MigrationId) : null;
        if (request.ThroughSharedStorage && (request.Live || stateFile is null))
            throw new ValidationException([new("throughSharedStorage", "true",
                "throughSharedStorage: only a quick move of a VM with a disk file goes through shared storage (its state is saved beside the first disk)")]);
        var problems = (await check.CheckIncomingAsync(config, request.Live, request.SourceProcessor,
            request.WithStorage ? request.StorageFolder ?? "" : null, ct).ConfigureAwait(false)).Problems;
        if (problems.Count > 0)
            throw new ValidationException([.. problems.Select(p => new ValidationError(p.Field, p.Value ?? "", p.Message))]);
        var folder = string.IsNullOrEmpty(request.StorageFolder) ? null : request.StorageFolder;
        var copies = request.WithStorage ? DiskExports.Sizes(PeerStorage.Place(config, folder), request.DiskSizes) : [];
        if (request.WithStorage)
            config = PeerStorage.Retarget(config, folder);
        var record = new MigrationRecord
        {
            Id = request.MigrationId, VmId = config.Id, VmName = config.Name, Role = MigrationRole.Destination, Phase = MigrationPhase.Prepare,
            Peer = request.SourceHostId.ToString(), Live = request.Live, StartedAt = services.Clock.GetUtcNow(), StateFile = stateFile,
            CreatedFiles = [.. copies.Select(c => c.Placed.Target)],
        };
        await store.WriteAsync(record).ConfigureAwait(false);
        try
        {
            await DiskExports.MakeAsync(copies, ct).ConfigureAwait(false);
            var vm = await vms.ReceiveAsync(config).ConfigureAwait(false);
            if (request.Checkpoints is { } checkpoints)
                await IncomingFiles.TakeCheckpointsAsync(vm.Paths, config, record.Id, checkpoints,
                    StorageRootRules.Roots(services.Options.DataDir, services.Host.Config)).ConfigureAwait(false);
            if (request.UefiVars is { } vars && config.Generation == 2)
                await IncomingFiles.WriteUefiVarsAsync(vm.Paths, config, vars).ConfigureAwait(false);
            if (stateFile is not null)
            {
                await vm.OnLoopAsync(run => WaitForStateAsync(run, config, record.Id, ct)).ConfigureAwait(false);
                logger.LogInformation("Move {Id}: VM {Name} waits for its state at {Path}", record.Id, config.Name, stateFile);
                return new IncomingMoveInfo { MigrationId = record.Id, Host = "", Port = 0 };
            }
            // A disk's copy is always encrypted: its export takes writes from whoever holds the key.
            var key = request.Encrypted || services.Host.Config.MigrationEncryption || request.WithStorage ? MoveTls.NewKey() : null;
            var (port, storagePort) = await vm.OnLoopAsync(run => ListenAsync(run, config, key, address, source, record.Id,
                [.. copies.Select(c => c.Placed.Disk.Id)], ct)).ConfigureAwait(false);
            logger.LogInformation("Move {Id}: VM {Name} waits for its stream on {Address} port {Port}", record.Id, config.Name, address, port);
            return new IncomingMoveInfo { MigrationId = record.Id, Host = address.ToString(), Port = port, TlsKey = key, StoragePort = storagePort };
        }
        catch
        {
            await AbortAsync(record.Id).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The source's stream completed: once this QEMU has it whole, the handover is recorded (unless
    /// the move was aborted), then the guest resumes here.
    /// </summary>
    /// <remarks>A source that asks again while the first Finish still runs (its call timed out) waits for the same one.</remarks>
    public Task<MoveAnswer> FinishAsync(Guid id, FinishMoveRequest request)
    {
        var once = finishing.GetOrAdd(id, _ => new Lazy<Task<MoveAnswer>>(async () =>
        {
            try
            {
                return await FinishOnceAsync(id, request).ConfigureAwait(false);
            }
            finally
            {
                // Later questions are answered from the record.
                finishing.TryRemove(id, out Lazy<Task<MoveAnswer>>? _);
            }
        }));
        return once.Value;
    }

    private async Task<MoveAnswer> FinishOnceAsync(Guid id, FinishMoveRequest request)
    {
        var arrived = System.Diagnostics.Stopwatch.StartNew();
        var record = store.Find(id);
        if (record is not { Role: MigrationRole.Destination } || record.Aborted)
            return Answer(id, PeerAnswer.Aborted);
        if (record.Owns)
            return Answer(id, PeerAnswer.Owns);
        var vm = vms.All.FirstOrDefault(v => v.Id == record.VmId);
        var arrivedWhole = vm is not null && await vm.OnLoopAsync(run => record.StateFile is { } path ? IncomingFiles.RestoreStateAsync(run, path, logger) : WaitForStreamAsync(run))
            .ConfigureAwait(false);
        var whole = (int)arrived.ElapsedMilliseconds;
        if (!arrivedWhole)
            return await AbortAsync(id).ConfigureAwait(false);
        await decide.WaitAsync().ConfigureAwait(false);
        try
        {
            record = store.Find(id)!;
            if (record.Aborted)
                return Answer(id, PeerAnswer.Aborted);
            record = record with { Phase = MigrationPhase.Finish, Owns = true };
            // The one handover step: from this write on, the VM is this host's.
            await store.WriteAsync(record).ConfigureAwait(false);
        }
        finally
        {
            decide.Release();
        }
        // Restored: the saved state must never be restored again, whatever happens next.
        OutgoingMove.DeleteState(record);
        await vm!.OnLoopAsync(run => ResumeAsync(run, IncomingFiles.SerialLog(request), copied: !record.CreatedFiles.IsEmpty)).ConfigureAwait(false);
        var resumed = (int)arrived.ElapsedMilliseconds;
        await store.WriteAsync(record with { Ended = true }).ConfigureAwait(false);
        logger.LogInformation("Move {Id}: VM {Name} is this host's and runs ({Ms} ms after the source's Finish arrived, its memory whole after {Whole} ms)",
            id, record.VmName, resumed, whole);
        return Answer(id, PeerAnswer.Owns) with { ResumedAfterMs = resumed, AnsweredAfterMs = (int)arrived.ElapsedMilliseconds };
    }

    /// <summary>Gives the move up unless the VM is already this host's; what was made for it goes (its disks stay).</summary>
    public async Task<MoveAnswer> AbortAsync(Guid id)
    {
        MigrationRecord? record;
        await decide.WaitAsync().ConfigureAwait(false);
        try
        {
            record = store.Find(id);
            if (record is null)
                return Answer(id, PeerAnswer.Aborted);
            if (record.Owns)
                return Answer(id, PeerAnswer.Owns);
            if (!record.Aborted)
                await store.WriteAsync(record = record with { Aborted = true }).ConfigureAwait(false);
        }
        finally
        {
            decide.Release();
        }
        if (accepting.TryRemove(id, out var waiting))
            await waiting.CancelAsync().ConfigureAwait(false);
        await DeleteIncomingAsync(record).ConfigureAwait(false);
        await store.WriteAsync(record with { Ended = true }).ConfigureAwait(false);
        return Answer(id, PeerAnswer.Aborted);
    }

    /// <summary>Ends the incoming QEMU, if any, and forgets the VM made for the move, and the disk files made for its copy.</summary>
    public async Task DeleteIncomingAsync(MigrationRecord record)
    {
        if (vms.All.FirstOrDefault(v => v.Id == record.VmId) is { } vm)
        {
            await vm.OnLoopAsync(async run =>
            {
                await new VmOperations(run, services, logger).EndAsync(run.Snapshot.State).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            await vms.RemoveAsync(vm, moved: true).ConfigureAwait(false);
        }
        // The copies this host made for the move: the source keeps the disks.
        foreach (var file in record.CreatedFiles)
            File.Delete(file);
        logger.LogInformation("Move {Id}: the VM {Name} made for it is deleted; the source keeps it", record.Id, record.VmName);
    }

    private VmConfig Read(IncomingMoveRequest request)
    {
        VmConfig config;
        try
        {
            config = VmConfigUpgrade.ToCurrent(ConfigDocument.Parse<VmConfig>(request.Config, VmConfig.CurrentSchemaVersion, "config"));
        }
        catch (ConfigDocumentException e)
        {
            throw new ValidationException([new("config", "", $"config: {e.Message}")]);
        }
        return config.Id == request.VmId ? config
            : throw new ValidationException([new("vmId", request.VmId.ToString(), $"vmId: {request.VmId} is not the id of the VM in config ({config.Id})")]);
    }

    /// <summary>
    /// QEMU waits for the stream with the move's key; nubed listens for the source's connection and
    /// hands it to QEMU once accepted (<c>fd:</c>): QEMU never opens a socket of its own, and the
    /// host's guard against VMs reaching local services stays whole.
    /// </summary>
    /// <param name="copies">Shared-nothing: the disks (by id) to export for the source's copy.</param>
    private async Task<(int Port, int? StoragePort)> ListenAsync(IVmRun run, VmConfig config, string? key, IPAddress address, IPAddress? source, Guid id,
        IReadOnlyList<string> copies, CancellationToken ct)
    {
        var session = await new StartOperation(run, services, logger).LaunchIncomingAsync(config, ct).ConfigureAwait(false);
        if (key is not null)
            await MoveTls.UseAsync(run, services.Qemu, session.Qmp, key, server: true, ct).ConfigureAwait(false);
        int? storagePort = copies.Count == 0 ? null
            : await DiskExports.ExportAsync(session.Qmp, address, copies, key is null ? null : MoveTls.ObjectId, ct).ConfigureAwait(false);
        // Its MIGRATION events end Finish's wait for the stream at once.
        await session.Qmp.SetMigrationCapabilitiesAsync(new Dictionary<string, bool> { ["events"] = true }, ct).ConfigureAwait(false);
        var listener = MoveSockets.Listen(address, $"the stream of VM '{config.Name}'");
        var waiting = new CancellationTokenSource(ConnectionWait);
        accepting[id] = waiting;
        _ = Task.Run(() => AcceptAsync(listener, id, config.Id, key is null ? source : null, waiting.Token));
        return (MoveSockets.Port(listener), storagePort);
    }

    /// <summary>The source's one connection, handed to QEMU; none within <see cref="ConnectionWait"/>, the move is given up here.</summary>
    /// <param name="only">A stream in the clear: the one address it is taken from (others are turned away).</param>
    private async Task AcceptAsync(Socket listener, Guid id, Guid vmId, IPAddress? only, CancellationToken ct)
    {
        try
        {
            var stream = await listener.AcceptAsync(ct).ConfigureAwait(false);
            while (only is not null && !Same(((IPEndPoint)stream.RemoteEndPoint!).Address, only))
            {
                logger.LogWarning("Move {Id}: turned away a connection from {Address}, not the source", id, ((IPEndPoint)stream.RemoteEndPoint!).Address);
                stream.Dispose();
                stream = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            using var accepted = stream;
            listener.Dispose();
            var vm = vms.All.First(v => v.Id == vmId);
            await vm.OnLoopAsync(async run =>
            {
                var qmp = run.Session?.Qmp ?? throw new MoveFailedException($"VM '{run.Snapshot.Name}' has no QEMU here any more.");
                await qmp.GetFdAsync(StreamFd, accepted.SafeHandle, CancellationToken.None).ConfigureAwait(false);
                await qmp.MigrateIncomingAsync($"fd:{StreamFd}", CancellationToken.None).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            _ = Task.Run(() => WatchStreamAsync(vm, id));
        }
        catch (Exception e)
        {
            listener.Dispose();
            if (e is not OperationCanceledException || !accepting.ContainsKey(id))
                return;
            logger.LogWarning("Move {Id}: the source's stream did not come within {Seconds} s, or could not be taken: {Error}; giving the move up",
                id, ConnectionWait.TotalSeconds, e.Message);
            await AbortAsync(id).ConfigureAwait(false);
        }
        finally
        {
            accepting.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Gives the move up here when its stream stalls (the link cut, the source gone) or fails, or
    /// when a whole stream's handover is not asked for: else the VM made for it would wait for
    /// ever. Abort decides under the same lock as Finish, so a handover on its way is refused.
    /// </summary>
    private async Task WatchStreamAsync(VmController vm, Guid id)
    {
        var stall = new StreamStall(StreamStall.DefaultLimit);
        DateTimeOffset? whole = null;
        while (store.Find(id) is { Owns: false, Aborted: false } && vm.Session is { } session)
        {
            MigrationInfo info;
            try
            {
                info = await session.Qmp.QueryMigrateAsync().ConfigureAwait(false);
            }
            catch (QmpException)
            {
                return;
            }
            var now = services.Clock.GetUtcNow();
            var why = info.Status switch
            {
                "failed" or "cancelled" => $"failed: {info.ErrorDesc ?? info.Status}",
                "completed" => now - (whole ??= now) > HandoverWait ? $"was whole, but the source did not ask for the handover within {HandoverWait.TotalSeconds:0} s" : null,
                _ => stall.Stalled(info.Ram?.Transferred ?? 0, now) ? $"moved nothing for {stall.Limit.TotalSeconds:0} s (the link cut, or the source down)" : null,
            };
            if (why is not null)
            {
                logger.LogWarning("Move {Id}: the incoming stream {Why}; giving the move up", id, why);
                await AbortAsync(id).ConfigureAwait(false);
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), services.Clock).ConfigureAwait(false);
        }
    }

    /// <summary>A quick move through shared storage: QEMU waits for the state the source saves beside the disks; Finish restores it.</summary>
    private async Task<bool> WaitForStateAsync(IVmRun run, VmConfig config, Guid id, CancellationToken ct)
    {
        var session = await new StartOperation(run, services, logger).LaunchIncomingAsync(config, ct).ConfigureAwait(false);
        await session.Qmp.SetMigrationCapabilitiesAsync(QuickState.Capabilities, ct).ConfigureAwait(false);
        await session.Qmp.SetMigrationParametersAsync(new Dictionary<string, object> { ["multifd-channels"] = QuickState.Channels }, ct).ConfigureAwait(false);
        _ = Task.Run(() => WatchStateAsync(id));
        return true;
    }

    /// <summary>
    /// Gives a quick move up here when its state file stops growing for <see cref="HandoverWait"/>
    /// without a Finish (the source gone); a Finish under way is left to end.
    /// </summary>
    private async Task WatchStateAsync(Guid id)
    {
        var stall = new StreamStall(HandoverWait);
        while (store.Find(id) is { Owns: false, Aborted: false } record && !finishing.ContainsKey(id))
        {
            var size = File.Exists(record.StateFile) ? new FileInfo(record.StateFile).Length : 0;
            if (stall.Stalled(size, services.Clock.GetUtcNow()))
            {
                logger.LogWarning("Move {Id}: the source's saved state did not grow and no handover came for {Seconds} s; giving the move up", id, HandoverWait.TotalSeconds);
                await AbortAsync(id).ConfigureAwait(false);
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), services.Clock).ConfigureAwait(false);
        }
    }

    private static bool Same(IPAddress a, IPAddress b) =>
        (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b);

    /// <summary>True once QEMU has the whole stream (paused, not yet resumed); false when it failed or never came.</summary>
    private async Task<bool> WaitForStreamAsync(IVmRun run)
    {
        if (run.Session is not { } session)
            return false;
        try
        {
            await session.Qmp.WaitForMigrationAsync(StreamEnd).ConfigureAwait(false);
            return true;
        }
        catch (QmpException e)
        {
            logger.LogWarning("VM {Name}: the incoming stream did not complete: {Error}", run.Snapshot.Name, e.Message);
            return false;
        }
    }

    private async Task<bool> ResumeAsync(IVmRun run, byte[] printedAtSource, bool copied)
    {
        var session = run.Session ?? throw new MoveFailedException($"VM '{run.Snapshot.Name}' has no QEMU here any more.");
        session.Serial?.RecordEarlier(printedAtSource);
        if (copied)
            await DiskExports.StopAsync(session.Qmp).ConfigureAwait(false);
        await session.Qmp.ContAsync().ConfigureAwait(false);
        run.SetState(VmState.Running);
        await MoveTls.DropAsync(run, session.Qmp, null).ConfigureAwait(false);
        // The guest's clock stood still during the switch-over.
        run.GuestIntegration.RequestTimeSync();
        return true;
    }

    private MoveAnswer Answer(Guid id, PeerAnswer answer) => new()
    {
        MigrationId = id, Answer = answer == PeerAnswer.Owns ? MoveAnswer.Owns : MoveAnswer.Aborted,
    };
}
