using System.Net.Sockets;
using Nube.Core.Integration;
using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Backup (volume shadow copy): freezes the guest's file systems around a consistent operation
/// and makes sure they are thawed again. Once frozen, a watchdog thaws them at the deadline
/// whoever froze them; a freeze that failed or was cancelled half-way is thawed at once (the
/// agent may have frozen some file systems); the host service's stop thaws, and a run found
/// frozen (a host service that died) is thawed at the first contact.
/// </summary>
public sealed class GuestFreeze(IVmRun vm, VmServices services, ILogger logger)
{
    public const int DefaultTimeoutSeconds = 60;
    public const int MaxTimeoutSeconds = 600;
    /// <summary>How long the guest may take to flush and freeze its file systems.</summary>
    private static readonly TimeSpan FreezeCommandTimeout = TimeSpan.FromSeconds(30);
    /// <summary>How long one thaw waits for the agent's channel and answer.</summary>
    private static readonly TimeSpan ThawWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ThawRetry = TimeSpan.FromSeconds(2);

    private readonly Lock gate = new(); // guards hold
    private Hold? hold; // a freeze asked for, held, or being thawed after a failure

    /// <summary>
    /// Freezes the guest's file systems until the returned handle is disposed, or
    /// <paramref name="timeout"/> runs out, whichever comes first.
    /// </summary>
    /// <exception cref="VmConflictException">Not running, the backup service is disabled, or already frozen.</exception>
    /// <exception cref="GuestAgentNoAnswerException">The agent did not freeze them; whatever it froze is being thawed.</exception>
    public async Task<FrozenGuest> FreezeAsync(string reason, TimeSpan timeout, CancellationToken ct)
    {
        var now = vm.Snapshot;
        if (now.Config?.IntegrationServices.IsEnabled(IntegrationService.Backup) != true)
            throw new VmConflictException($"Cannot freeze VM '{now.Name}': its backup integration service is disabled.");
        if (now.State != VmState.Running || vm.Session is not { } run)
            throw new VmConflictException($"Cannot freeze VM '{now.Name}': it is {VmLifecycle.Word(now.State)}; it must be running.");
        var mine = new Hold(run);
        lock (gate)
        {
            if (hold is not null)
                throw new VmConflictException(now.Freeze is { } held
                    ? $"Cannot freeze VM '{now.Name}': its file systems are already frozen ({held.Reason}) until {held.ThawDeadline:HH:mm:ss} UTC at the latest."
                    : $"Cannot freeze VM '{now.Name}': a freeze or a thaw of its file systems is under way.");
            hold = mine;
        }
        // A ping within the heartbeat's timeout first: an agent that is not there fails the
        // freeze at once, and nothing was frozen that would need a thaw.
        var ping = now.Config.IntegrationServices.HeartbeatTimeout(services.Host.Config);
        var sent = false;
        int count;
        try
        {
            count = await run.Agent.UseAsync(async (agent, t) =>
            {
                await agent.ExecuteAsync("guest-ping", null, ping, t).ConfigureAwait(false);
                sent = true;
                return await agent.FreezeFileSystemsAsync(FreezeCommandTimeout, t).ConfigureAwait(false);
            }, ping, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (sent)
            {
                logger.LogWarning("VM {Name}: the freeze failed ({Error}); thawing whatever the guest froze", now.Name, e.Message);
                // Tried for as long as the freeze was to last: an agent that never answers again froze nothing.
                var giveUp = services.Clock.GetUtcNow() + timeout;
                mine.Watching = Task.Run(() => ThawUntilDoneAsync(mine, $"the freeze failed: {e.Message}", giveUp));
            }
            else
            {
                lock (gate)
                    hold = null;
            }
            if (e is GuestAgentException or GuestAgentBusyException or IOException or SocketException or ObjectDisposedException)
                throw new GuestAgentNoAnswerException($"Cannot freeze VM '{now.Name}': {e.Message}");
            throw;
        }
        var since = services.Clock.GetUtcNow();
        var state = new FreezeState(since, since + timeout, reason, count);
        vm.Integration.Frozen(state);
        logger.LogInformation("VM {Name}: froze {Count} file system(s) ({Reason}) for at most {Seconds} s", now.Name, count, reason, timeout.TotalSeconds);
        mine.Watching = Task.Run(() => WatchAsync(mine, timeout));
        return new FrozenGuest(state, why => ReleaseAsync(mine, why));
    }

    /// <summary>
    /// Thaws the guest's file systems, whoever froze them (also those of an earlier run of the
    /// host service); returns how many the guest thawed. Failed, the watchdog stays armed.
    /// </summary>
    public async Task<int> ThawAsync(string why, CancellationToken ct)
    {
        var now = vm.Snapshot;
        var run = vm.Session ?? throw new VmConflictException(
            $"Cannot thaw VM '{now.Name}': it is {VmLifecycle.Word(now.State)}; its file systems thawed when it stopped.");
        Hold? mine;
        lock (gate)
            mine = hold;
        try
        {
            var count = await run.Agent.UseAsync((agent, t) => agent.ThawFileSystemsAsync(ThawWait, t), ThawWait, ct).ConfigureAwait(false);
            if (mine is not null)
                Release(mine, why);
            else if (count > 0)
                logger.LogWarning("VM {Name}: thawed {Count} file system(s) that this host service had not frozen", now.Name, count);
            return count;
        }
        catch (Exception e) when (e is GuestAgentException or GuestAgentBusyException or IOException or SocketException or ObjectDisposedException)
        {
            throw new GuestAgentNoAnswerException($"Cannot thaw VM '{now.Name}': {e.Message}");
        }
    }

    /// <summary>
    /// At the first contact of a run: a guest left frozen (the host service died while it held a
    /// freeze, or saved state taken frozen was restored) is thawed. True once the agent answered.
    /// </summary>
    public async Task<bool> ThawIfLeftFrozenAsync(QemuSession run, TimeSpan timeout, CancellationToken ct)
    {
        lock (gate)
        {
            if (hold is not null)
                return true; // frozen by this run: the watchdog has it
        }
        try
        {
            var status = await run.Agent.UseAsync((agent, t) => agent.GetFreezeStatusAsync(timeout, t), timeout, ct).ConfigureAwait(false);
            if (status == GuestFreezeStatus.Frozen)
            {
                logger.LogWarning("VM {Name} was found with its file systems frozen, by no freeze of this host service; thawing them", vm.Snapshot.Name);
                await ThawAsync("found frozen", ct).ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception e) when (e is GuestAgentException or GuestAgentBusyException or GuestAgentNoAnswerException or IOException or SocketException)
        {
            logger.LogDebug("VM {Name}: cannot ask whether its file systems are frozen yet: {Error}", vm.Snapshot.Name, e.Message);
            return false;
        }
    }

    /// <summary>The run ended (the guest's file systems went with it): the watchdog stands down.</summary>
    public Task EndRunAsync()
    {
        Hold? ended;
        lock (gate)
        {
            ended = hold;
            hold = null;
        }
        if (ended is null)
            return Task.CompletedTask;
        ended.Ended.Cancel();
        return ended.Watching;
    }

    /// <summary>The host service stops while the VM runs on: a frozen guest is thawed first.</summary>
    public async Task ThawBeforeLeavingAsync()
    {
        if (vm.Snapshot.Freeze is null)
            return;
        try
        {
            await ThawAsync("the host service is stopping", CancellationToken.None).ConfigureAwait(false);
        }
        catch (GuestAgentNoAnswerException e)
        {
            logger.LogError("VM {Name} stays frozen while the host service is down: {Error}; the next start of the host service thaws it",
                vm.Snapshot.Name, e.Message);
        }
    }

    private async Task WatchAsync(Hold mine, TimeSpan timeout)
    {
        try
        {
            await Task.Delay(timeout, services.Clock, mine.Ended.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // thawed before the deadline, or the run ended
        }
        logger.LogWarning("VM {Name}: the freeze's {Seconds} s ran out; thawing its file systems", vm.Snapshot.Name, timeout.TotalSeconds);
        await ThawUntilDoneAsync(mine, $"the freeze's timeout of {timeout.TotalSeconds:0} s ran out", DateTimeOffset.MaxValue).ConfigureAwait(false);
    }

    /// <summary>
    /// Thaws until the guest confirms it, the hold is released by another thaw, the run ends, or
    /// <paramref name="giveUp"/> comes (then the hold is let go, so that a later freeze may try).
    /// </summary>
    private async Task ThawUntilDoneAsync(Hold mine, string why, DateTimeOffset giveUp)
    {
        var token = mine.Ended.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (services.Clock.GetUtcNow() >= giveUp)
                {
                    logger.LogError("VM {Name}: gave up thawing after a failed freeze; its agent does not answer", vm.Snapshot.Name);
                    Release(mine, why);
                    return;
                }
                try
                {
                    await mine.Run.Agent.UseAsync((agent, t) => agent.ThawFileSystemsAsync(ThawWait, t), ThawWait, token).ConfigureAwait(false);
                    Release(mine, why);
                    return;
                }
                catch (Exception e) when (e is GuestAgentException or GuestAgentBusyException or IOException or SocketException)
                {
                    logger.LogWarning("VM {Name}: thaw failed ({Error}); trying again", vm.Snapshot.Name, e.Message);
                }
                await Task.Delay(ThawRetry, services.Clock, token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The run ended, taking the frozen file systems with it.
        }
    }

    private async Task ReleaseAsync(Hold mine, string why)
    {
        lock (gate)
        {
            if (hold != mine)
                return;
        }
        try
        {
            await mine.Run.Agent.UseAsync((agent, t) => agent.ThawFileSystemsAsync(ThawWait, t), ThawWait, CancellationToken.None).ConfigureAwait(false);
            Release(mine, why);
        }
        catch (Exception e) when (e is GuestAgentException or GuestAgentBusyException or IOException or SocketException or ObjectDisposedException)
        {
            logger.LogWarning("VM {Name}: thaw failed ({Error}); the freeze's watchdog thaws at its deadline", vm.Snapshot.Name, e.Message);
        }
    }

    /// <summary>The guest confirmed a thaw: the hold ends, and the snapshot and the event stream say so.</summary>
    private void Release(Hold mine, string why)
    {
        lock (gate)
        {
            if (hold != mine)
                return;
            hold = null;
        }
        mine.Ended.Cancel();
        if (vm.Snapshot.Freeze is not null)
        {
            vm.Integration.Thawed(why);
            logger.LogInformation("VM {Name}: thawed its file systems ({Why})", vm.Snapshot.Name, why);
        }
    }

    /// <summary>One freeze of one run, from the request to the confirmed thaw.</summary>
    private sealed class Hold(QemuSession run)
    {
        public QemuSession Run { get; } = run;
        /// <summary>Cancelled once thawed or when the run ends: the watchdog and the thaw retries stop.</summary>
        public CancellationTokenSource Ended { get; } = new();
        public Task Watching { get; set; } = Task.CompletedTask;
    }
}
