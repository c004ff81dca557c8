using System.Threading.Channels;
using Nube.Contracts.Events;
using Nube.Core.Lifecycle;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Api;
using Nube.Service.Jobs;
using Nube.Service.Persistence;
using Nube.Service.Vms.Checkpoints;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Integration;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>
/// The one owner of a VM: its QEMU session and its state. Commands (jobs, configuration changes,
/// QEMU's events) arrive through a queue and run one at a time on the controller's loop; readers
/// take the immutable <see cref="Snapshot"/>. Only a turn-off reaches past the queue: it cancels
/// the job under way so that a stuck stop or start never holds the power button.
/// </summary>
public sealed class VmController : IVmRun
{
    /// <summary>How often a QEMU that lost its control connection is checked for its exit.</summary>
    private static readonly TimeSpan ExitPoll = TimeSpan.FromSeconds(1);
    private readonly VmServices services;
    private readonly ILogger logger;
    private readonly Channel<VmCommand> inbox = Channel.CreateUnbounded<VmCommand>(new() { SingleReader = true });
    private readonly CancellationTokenSource lifetime = new();
    private readonly Lock gate = new(); // guards snapshot, pending, background
    private readonly List<Job> pending = [];
    private readonly List<Task> background = [];
    private readonly VmOperations operations;
    private readonly ConfigChanges changes;
    // Settings changes that touch no hardware: they must not wait behind a long job on the inbox.
    private readonly Channel<ChangeConfig> quickLane = Channel.CreateUnbounded<ChangeConfig>(new() { SingleReader = true });
    private VmSnapshot snapshot;
    private QemuSession? session;
    private Task loop = Task.CompletedTask;
    private volatile bool removed; // set by the loop: what was queued behind the removal finds the VM gone

    /// <param name="incoming">The VM arrives by a move: it starts in <see cref="VmState.Incoming"/>, which allows no operation.</param>
    public VmController(StoredVm stored, VmServices services, ConfigJudge judge, bool incoming = false)
    {
        this.services = services;
        logger = services.Logs.CreateLogger($"Nube.Vm.{stored.Id}");
        Paths = new VmRuntimePaths(Path.Combine(services.Options.RunDir, "vms", stored.Id.ToString()), services.Store.VmDirectory(stored.Id));
        snapshot = new VmSnapshot
        {
            Id = stored.Id, Config = stored.Config, BrokenReason = stored.Error, StateSince = services.Clock.GetUtcNow(),
            State = incoming ? VmState.Incoming : File.Exists(Paths.SavedState) ? VmState.Saved : VmState.Off,
        };
        Integration = new IntegrationReport(this, services);
        GuestIntegration = new GuestIntegration(this, services, logger);
        GuestJobs = new GuestJobs(this, services, logger);
        operations = new VmOperations(this, services, logger);
        changes = new ConfigChanges(this, services, judge, logger);
        Checkpoints = new CheckpointService(this, services, logger, inbox.Writer.TryWrite);
    }

    public Guid Id => snapshot.Id;
    public VmRuntimePaths Paths { get; }
    public string Marker => $"nube-{Id}";

    public VmSnapshot Snapshot => Volatile.Read(ref snapshot);

    public IntegrationReport Integration { get; }

    public GuestIntegration GuestIntegration { get; }

    /// <summary>Jobs that work with the running guest (file copy, freeze), beside the loop.</summary>
    public GuestJobs GuestJobs { get; }

    public CheckpointService Checkpoints { get; }

    /// <summary>The QEMU run, for readers that talk to the guest (agent probe, console); null when off.</summary>
    public QemuSession? Session => Volatile.Read(ref session);

    public void Start()
    {
        loop = Task.Run(LoopAsync);
        _ = Task.Run(QuickLoopAsync);
    }

    /// <summary>
    /// Queues a lifecycle operation as a job. When nothing is queued, a state that does not allow
    /// it is refused at once; otherwise the job checks when its turn comes.
    /// </summary>
    public Job Submit(VmOperation operation, TimeSpan? agentWait = null)
    {
        Job job;
        Job[] earlier = [];
        lock (gate)
        {
            var now = snapshot;
            if (now.Config is null)
                throw new VmConflictException($"VM {Id} is broken: {now.BrokenReason}");
            if (pending.Count == 0)
                VmLifecycle.Begin(now.State, operation, now.Name);
            // Turning off is the way out of anything under way, as pulling the power is.
            if (operation == VmOperation.TurnOff)
                earlier = [.. pending];
            job = services.Jobs.Create(Id, now.Name, VmActions.Word(operation));
            pending.Add(job);
        }
        // Outside the lock: a cancel may run the job's unwinding at once, and its end takes it out of pending.
        foreach (var cancelled in earlier)
            cancelled.RequestCancel();
        if (!inbox.Writer.TryWrite(new RunJob(job, operation, agentWait)))
        {
            // Removed meanwhile.
            lock (gate)
                pending.Remove(job);
            services.Jobs.Fail(job, new VmNotFoundException(Snapshot.Name), Snapshot);
        }
        return job;
    }

    /// <summary>Runs a configuration change: one that touches no hardware at once, even while a job runs; any other in turn with the jobs.</summary>
    /// <param name="errors">Problems the caller already found in the request, reported with the rules' own.</param>
    public async Task<VmSnapshot> ChangeAsync(ConfigChange change, IReadOnlyList<ValidationError>? errors = null)
    {
        var done = new TaskCompletionSource<VmSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        var command = new ChangeConfig(change, errors ?? [], done);
        if (change.TouchesHardware)
            Post(command);
        else if (!quickLane.Writer.TryWrite(command))
            throw new VmNotFoundException(Id.ToString());
        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>Grows one of the running VM's disks (by its file) without a restart.</summary>
    public Task GrowDiskAsync(string real, long bytes) => changes.GrowDiskAsync(real, bytes);

    /// <inheritdoc cref="ConfigChanges.StoreDrivesAsync"/>
    public Task StoreDrivesAsync(VmConfig withDrives) => changes.StoreDrivesAsync(withDrives);

    /// <inheritdoc cref="ConfigChanges.PinMachineAsync"/>
    public Task PinMachineAsync(string machine) => changes.PinMachineAsync(machine);

    /// <summary>The VM's settings changed: its event.</summary>
    public void PublishChanged() => Publish(HostEventTypes.VmChanged, null);

    /// <summary>Forgets the VM if it is off or saved, or, <paramref name="moved"/>, once it moved away; pending automatic starts die with it.</summary>
    public async Task RemoveAsync(bool moved = false)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new RemoveVm(done, moved));
        await done.Task.ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> on the VM's loop, in turn with its jobs: a move's steps.</summary>
    public Task<T> OnLoopAsync<T>(Func<IVmRun, Task<T>> work)
    {
        var (command, done) = LoopWork.Of(work);
        Post(command);
        return done;
    }

    /// <summary>After a restart of the host service: finds this VM's QEMU; true when the VM had been running.</summary>
    public async Task<bool> ReattachAsync()
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new Reattach(done));
        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>Starts the VM after a delay, as a job of its own (automatic start, restart after a crash).</summary>
    public void ScheduleStart(TimeSpan delay, string why) => Track(async ct =>
    {
        await Task.Delay(delay, services.Clock, ct).ConfigureAwait(false);
        logger.LogInformation("Starting VM {Name}: {Why}", Snapshot.Name, why);
        try
        {
            // The host's own decision, even when a request's work scheduled it.
            using var origin = JobOrigin.Enter(JobOrigin.Host);
            Submit(VmOperation.Start);
        }
        catch (Exception e) when (e is VmStateException or VmConflictException)
        {
            logger.LogWarning("Not starting VM {Name} ({Why}): {Error}", Snapshot.Name, why, e.Message);
        }
    });

    /// <summary>
    /// Work that outlives the command that began it, tracked so that removal and the host
    /// service's stop cancel it and wait for it: nothing acts on a VM that is gone.
    /// </summary>
    private void Track(Func<CancellationToken, Task> work)
    {
        lock (gate)
        {
            if (lifetime.IsCancellationRequested)
                return;
            background.RemoveAll(t => t.IsCompleted);
            background.Add(Task.Run(async () =>
            {
                try
                {
                    await work(lifetime.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
                {
                    // Removed, or the host service is stopping.
                }
            }));
        }
    }

    /// <summary>
    /// Stops taking commands and cancels pending automatic starts. QEMU and its connections are
    /// left alone: the VM keeps running, and a job under way is found failed at the next start.
    /// </summary>
    public async Task StopAsync()
    {
        Task[] tracked;
        lock (gate)
        {
            lifetime.Cancel();
            tracked = [.. background];
        }
        inbox.Writer.TryComplete();
        quickLane.Writer.TryComplete();
        await Task.WhenAll(tracked).ConfigureAwait(false);
        await GuestJobs.EndRunAsync().ConfigureAwait(false);
        await GuestIntegration.LeaveAsync().ConfigureAwait(false);
    }

    private void Post(VmCommand command)
    {
        if (!inbox.Writer.TryWrite(command))
            throw new VmNotFoundException(Id.ToString());
    }

    private async Task LoopAsync()
    {
        await foreach (var command in inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await HandleAsync(command).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A bug in one command must not end the loop that every later command needs.
                logger.LogError(e, "VM {Name}: {Command} failed", Snapshot.Name, command.GetType().Name);
            }
        }
    }

    private async Task QuickLoopAsync()
    {
        await foreach (var change in quickLane.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (removed)
                change.Refuse(new VmNotFoundException(Snapshot.Name));
            else
                await changes.ApplyAsync(change).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(VmCommand command)
    {
        if (removed)
        {
            Refuse(command);
            return;
        }
        switch (command)
        {
            case RunJob run:
                await RunJobAsync(run).ConfigureAwait(false);
                break;
            case ChangeConfig change:
                await changes.ApplyAsync(change).ConfigureAwait(false);
                break;
            case CheckpointCommand checkpoint:
                await Checkpoints.RunAsync(checkpoint).ConfigureAwait(false);
                break;
            case RemoveVm remove:
                await RemoveAsync(remove).ConfigureAwait(false);
                break;
            case LoopWork work:
                await work.Run(this).ConfigureAwait(false);
                break;
            case Reattach reattach:
                reattach.Done.TrySetResult(await operations.ReattachAsync().ConfigureAwait(false));
                break;
            case QemuEventSeen seen when ReferenceEquals(seen.Session, session):
                await operations.OnQemuEventAsync(seen.Session, seen.Event).ConfigureAwait(false);
                break;
            case QemuConnectionEnded ended when ReferenceEquals(ended.Session, session) && !ended.Session.ExitExpected:
                await operations.OnQemuGoneAsync(ended.Session).ConfigureAwait(false);
                break;
        }
    }

    private void Refuse(VmCommand command)
    {
        var gone = new VmNotFoundException(Snapshot.Name);
        if (command is RunJob run)
        {
            lock (gate)
                pending.Remove(run.Job);
            services.Jobs.Fail(run.Job, gone, Snapshot);
        }
        else if (command is CheckpointCommand checkpoint)
            services.Jobs.Fail(checkpoint.Job, gone, Snapshot);
        else
            command.Refuse(gone);
    }

    private async Task RunJobAsync(RunJob run)
    {
        var job = run.Job;
        Exception? failure = null;
        string? result = null;
        try
        {
            job.Cancellation.Token.ThrowIfCancellationRequested();
            job.MarkRunning(null);
            result = await operations.RunAsync(job, run.Operation, run.AgentWait, job.Cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }
        // Out of the queue before it ends, so that whoever waits for its end may submit the next one
        // and be answered at once.
        lock (gate)
            pending.Remove(job);
        services.Jobs.End(job, failure, Snapshot, logger, result);
    }

    private async Task RemoveAsync(RemoveVm remove)
    {
        var now = Snapshot;
        // A VM that moved away (or never arrived) goes from whatever state the move left, once no QEMU runs for it.
        if ((!remove.Moved && !VmLifecycle.IsIdle(now.State)) || session is not null)
        {
            remove.Done.TrySetException(new VmConflictException(
                $"Cannot remove VM '{now.Name}': it is {VmLifecycle.Word(now.State)}; turn it off first."));
            return;
        }
        lock (gate)
            lifetime.Cancel();
        removed = true;
        inbox.Writer.TryComplete();
        quickLane.Writer.TryComplete();
        services.Store.Remove(Id, remove.Moved);
        QemuSession.DeleteRuntimeDirectory(Paths);
        await services.Qemu.ForgetAsync(Id).ConfigureAwait(false);
        remove.Done.TrySetResult();
    }

    // ---- IVmRun: what the operations change, on this loop only ----

    void IVmRun.Attach(QemuSession run)
    {
        Volatile.Write(ref session, run);
        run.Monitor(e => inbox.Writer.TryWrite(new QemuEventSeen(run, e)), () => inbox.Writer.TryWrite(new QemuConnectionEnded(run)));
        GuestIntegration.Begin(run);
    }

    void IVmRun.WatchExit(QemuSession run) => Track(async ct =>
    {
        while (run.Process.IsAlive)
            await Task.Delay(ExitPoll, services.Clock, ct).ConfigureAwait(false);
        inbox.Writer.TryWrite(new QemuConnectionEnded(run));
    });

    void IVmRun.ForgetRun()
    {
        Volatile.Write(ref session, null);
        services.Admission.Release(Id);
        services.Qemu.Released(Id);
        Update(s => s with { ProcessId = null, Accelerator = null, StartedAt = null, LastAgentContact = null, AgentVersion = null, Running = null });
        Integration.Clear();
        Track(_ => GuestJobs.EndRunAsync());
        Track(_ => GuestIntegration.EndRunAsync());
    }

    public void SetState(VmState state, string? reason = null)
    {
        var before = Snapshot;
        if (before.State == state && before.StateReason == reason)
            return;
        Update(s => s with { State = state, StateReason = reason, StateSince = services.Clock.GetUtcNow() });
        if (reason is not null)
            logger.LogWarning("VM {Name} is {State}: {Reason}", before.Name, VmLifecycle.Word(state), reason);
        Publish(HostEventTypes.VmStateChanged, before.State);
    }

    public void Update(Func<VmSnapshot, VmSnapshot> change)
    {
        lock (gate)
            snapshot = change(snapshot);
    }

    private void Publish(string type, VmState? previous) =>
        services.Events.Publish(ContractMapper.ToEvent(Snapshot, type, previous, services.Clock.GetUtcNow()));
}
