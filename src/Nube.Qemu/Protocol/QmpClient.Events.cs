namespace Nube.Qemu.Protocol;

public sealed partial class QmpClient
{
    /// <summary>
    /// Waits for the next event named <paramref name="name"/> that passes <paramref name="filter"/>.
    /// The wait is registered before this method returns, so call it before sending the command
    /// that triggers the event: <c>var deleted = qmp.WaitForEventAsync(...); await qmp.ExecuteAsync("device_del", ...); await deleted;</c>
    /// </summary>
    /// <exception cref="QmpTimeoutException">No matching event within <paramref name="timeout"/>.</exception>
    /// <exception cref="QmpDisconnectedException">The connection ended first.</exception>
    public Task<QmpEvent> WaitForEventAsync(string name, Func<QmpEvent, bool>? filter, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var waiter = new EventWaiter(name, filter);
        lock (sync)
        {
            if (terminalError is not null)
            {
                return Task.FromException<QmpEvent>(
                    new QmpDisconnectedException($"QMP connection ended before event '{name}': {terminalError.Message}", terminalError));
            }

            waiters.Add(waiter);
        }

        return AwaitEventAsync(waiter, name, timeout, ct);
    }

    private async Task<QmpEvent> AwaitEventAsync(EventWaiter waiter, string name, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            return await waiter.Matched.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw QmpTimeoutException.ForEvent(name, timeout);
        }
        finally
        {
            lock (sync)
            {
                waiters.Remove(waiter);
            }
        }
    }

    // Runs on the reader loop. Waiters first, then the stream: both see every event.
    private void OnEvent(QmpEvent qmpEvent)
    {
        EventWaiter[] waiting;
        lock (sync)
        {
            waiting = [.. waiters];
        }

        // Filters are caller code: run them outside the lock.
        foreach (var waiter in waiting)
        {
            waiter.Offer(qmpEvent);
        }

        events.Writer.TryWrite(qmpEvent);
    }
}
