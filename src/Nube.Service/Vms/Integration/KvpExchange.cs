using Nube.Contracts.Vms;
using Nube.Core.Integration;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// One VM's data exchange with its guest: which run's guest holds the host's pairs, the one
/// exchange under way, and the refusals already logged. Writing the pairs whole and changing
/// them one by one take turns, so that a set never lands before the folder is emptied.
/// </summary>
internal sealed class KvpExchange(ILogger logger)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly Lock gate = new(); // guards running and logged
    private readonly Dictionary<string, string> logged = new(StringComparer.Ordinal);
    private Task running = Task.CompletedTask;
    private QemuSession? holding; // the run whose guest holds the host's pairs; under turn

    public void Request(VmController vm, CancellationToken lifetime)
    {
        lock (gate)
        {
            if (running.IsCompleted)
                running = Task.Run(() => RunAsync(vm, lifetime), CancellationToken.None);
        }
    }

    /// <summary>
    /// Makes one change in a guest that holds the host's pairs. False when this run's guest does
    /// not hold them yet (the exchange to come writes them whole), or the agent did not answer.
    /// </summary>
    public async Task<bool> ApplyAsync(VmController vm, Func<QemuSession, CancellationToken, Task> change, CancellationToken ct)
    {
        await turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (vm.Session is not { } run || !ReferenceEquals(run, holding))
                return false;
            try
            {
                await change(run, ct).ConfigureAwait(false);
                vm.Integration.Answered(IntegrationService.DataExchange);
                return true;
            }
            catch (Exception e) when (GuestAgentErrors.IsAgentFailure(e) || e is GuestOperationFailedException)
            {
                // The guest's copy may now differ: the next exchange writes it whole again.
                holding = null;
                vm.Integration.Failed(IntegrationService.DataExchange, e.Message);
                logger.LogWarning("VM {Name}: data exchange: a change did not reach the guest: {Error}", vm.Snapshot.Name, e.Message);
                return false;
            }
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Logs each refused guest item once per reason, so that a list asked again and again does not flood the log.</summary>
    public void LogRefusals(string vmName, IEnumerable<KvpGuestItem> items, ILogger log)
    {
        foreach (var item in items)
        {
            if (item.Refused is not { } why)
                continue;
            lock (gate)
            {
                if (logged.TryGetValue(item.Key, out var before) && before == why)
                    continue;
                logged[item.Key] = why;
            }
            log.LogWarning("VM {Name}: data exchange: the guest's item '{Key}' is refused: {Reason}", vmName, item.Key, why);
        }
    }

    private async Task RunAsync(VmController vm, CancellationToken ct)
    {
        var pause = FirstRetry;
        while (!ct.IsCancellationRequested)
        {
            var run = vm.Session;
            if (run is null || KvpService.Unavailable(vm, KvpPools.Host) is not null)
                return;
            // Not before the agent's first answer in this run (the heartbeat asks for it): until then a
            // try would hold the one agent channel for its whole wait, and other services find it busy.
            if (run.Agent.LastReply is null && vm.Snapshot.Config?.IntegrationServices.Heartbeat == true)
            {
                await Task.Delay(FirstRetry, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            try
            {
                if (!await WriteAllAsync(vm, run, ct).ConfigureAwait(false))
                    return;
                vm.Integration.Answered(IntegrationService.DataExchange);
                var (items, _) = await KvpGuest.ReadAsync(run, null, ct).ConfigureAwait(false);
                LogRefusals(vm.Snapshot.Name, items, logger);
                logger.LogInformation("VM {Name}: data exchange: host pairs written into the guest: {Host}; guest pairs: {Guest}",
                    vm.Snapshot.Name, vm.Snapshot.Config?.KvpHostItems.Length ?? 0, items.Count(i => i.Refused is null));
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (GuestAgentErrors.IsAgentFailure(e) || e is GuestOperationFailedException)
            {
                if (!ReferenceEquals(vm.Session, run))
                    return;
                vm.Integration.Failed(IntegrationService.DataExchange, GuestAgentErrors.Describe(e, "exchange data", vm.Snapshot.Name).Message);
                // While the guest boots its agent does not answer yet: that is expected, anything else is not.
                logger.Log(GuestAgentErrors.IsNoAnswer(e) ? LogLevel.Debug : LogLevel.Warning,
                    "VM {Name}: data exchange: retrying in {Pause}: {Error}", vm.Snapshot.Name, pause, e.Message);
            }
            await Task.Delay(pause, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestRetry.Ticks));
        }
    }

    /// <summary>Empties the guest's host folder and writes every host pair; false when this run's guest already holds them.</summary>
    private async Task<bool> WriteAllAsync(VmController vm, QemuSession run, CancellationToken ct)
    {
        await turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(run, holding))
                return false;
            await KvpGuest.ResetAsync(run, ct).ConfigureAwait(false);
            // Read after the folder is emptied: a pair set meanwhile is stored already, so it is among these.
            foreach (var item in vm.Snapshot.Config?.KvpHostItems ?? [])
                await KvpGuest.WriteAsync(run, item.Key, item.Value, ct).ConfigureAwait(false);
            holding = run;
            return true;
        }
        finally
        {
            turn.Release();
        }
    }
}
