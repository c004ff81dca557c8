using System.Net.Sockets;
using Nube.Qemu.Protocol;

namespace Nube.Service.Vms.Worker;

/// <summary>
/// One VM's connection to its guest agent for the whole run of its QEMU: nothing else opens the
/// agent's socket. Requests take it one at a time. A channel that breaks (the guest restarted
/// its agent, or rebooted) is opened again on the next request.
/// </summary>
public sealed class GuestAgentSession(Func<CancellationToken, Task<Stream>> connect, TimeProvider clock, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(200);
    private readonly SemaphoreSlim gate = new(1, 1);
    private GuestAgentClient? client;
    private bool disposed;
    private long lastReplyTicks; // UTC ticks; 0 before the first reply

    /// <summary>
    /// When the agent last sent a reply on this run's channel, whoever's request it answered; null
    /// before the first. Read without the channel: it tells a waiter whether the holder is being answered.
    /// </summary>
    public DateTimeOffset? LastReply =>
        Volatile.Read(ref lastReplyTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Called after every answer, with the time it came.</summary>
    public Action<DateTimeOffset>? Contact { get; init; }

    /// <summary>
    /// Runs <paramref name="action"/> on the agent, connecting and synchronising first when needed,
    /// for at most <paramref name="wait"/> (the agent may not have started yet).
    /// </summary>
    /// <exception cref="GuestAgentException">The agent did not answer, or answered wrongly.</exception>
    public async Task<T> UseAsync<T>(Func<GuestAgentClient, CancellationToken, Task<T>> action, TimeSpan wait, CancellationToken ct)
    {
        using var budget = new CancellationTokenSource(wait, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
        try
        {
            await gate.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new GuestAgentBusyException(wait);
        }
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            while (true)
            {
                try
                {
                    var agent = client ??= await OpenAsync(wait, linked.Token).ConfigureAwait(false);
                    // The wait bounds the action too: a re-synchronisation inside it (after a timeout) uses
                    // the connection's own, possibly long, sync timeout, and must not hold the channel past it.
                    var result = await action(agent, linked.Token).ConfigureAwait(false);
                    Contact?.Invoke(clock.GetUtcNow());
                    return result;
                }
                catch (Exception e) when (e is GuestAgentDisconnectedException or GuestAgentProtocolException or IOException or SocketException)
                {
                    logger.LogDebug("Guest agent channel dropped: {Error}", e.Message);
                    await DropAsync().ConfigureAwait(false);
                    if (budget.IsCancellationRequested)
                        throw;
                    await Task.Delay(RetryPause, clock, linked.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new GuestAgentTimeoutException("guest-sync-delimited", wait);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<GuestAgentClient> OpenAsync(TimeSpan wait, CancellationToken ct)
    {
        var stream = await connect(ct).ConfigureAwait(false);
        var agent = await GuestAgentClient.ConnectAsync(stream, wait, logger, ct).ConfigureAwait(false);
        agent.Replied = NoteReply;
        NoteReply();
        return agent;
    }

    private void NoteReply() => Volatile.Write(ref lastReplyTicks, clock.GetUtcNow().UtcTicks);

    private async Task DropAsync()
    {
        if (client is { } old)
        {
            client = null;
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            disposed = true;
            await DropAsync().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
