namespace Nube.Qemu.Protocol;

/// <summary>A caller waiting for one QMP event; registered before the command that triggers it is sent.</summary>
internal sealed class EventWaiter(string name, Func<QmpEvent, bool>? filter)
{
    private readonly TaskCompletionSource<QmpEvent> matched = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<QmpEvent> Matched => matched.Task;

    /// <summary>Completes the wait if the event matches. Runs on the reader loop, so a throwing filter fails only this wait.</summary>
    public void Offer(QmpEvent qmpEvent)
    {
        if (qmpEvent.Name != name || matched.Task.IsCompleted)
        {
            return;
        }

        try
        {
            if (filter is null || filter(qmpEvent))
            {
                matched.TrySetResult(qmpEvent);
            }
        }
        catch (Exception e)
        {
            matched.TrySetException(e);
        }
    }

    public void Fail(Exception error) => matched.TrySetException(error);
}
