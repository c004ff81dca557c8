namespace Nube.Service.Tests.Fakes;

/// <summary>
/// Holds one QMP command of a fake QEMU until the test releases it, so that a test can act while
/// the service waits for that command's reply. Released, every later arrival passes at once.
/// </summary>
internal sealed class CommandGate(string command)
{
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock sync = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> watchers = [];
    private int arrived;

    public string Command { get; } = command;

    public int Arrived
    {
        get
        {
            lock (sync)
                return arrived;
        }
    }

    public bool IsReleased => released.Task.IsCompleted;

    public void Release() => released.TrySetResult();

    /// <summary>Completes once <paramref name="count"/> commands have reached the gate.</summary>
    public Task WaitArrivedAsync(int count = 1)
    {
        lock (sync)
        {
            if (arrived >= count)
                return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            watchers.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>Called by the fake when the command arrives; returns once the gate is open.</summary>
    public async Task PassAsync(CancellationToken ct)
    {
        lock (sync)
        {
            arrived++;
            foreach (var watcher in watchers.Where(w => w.Count <= arrived).ToList())
            {
                watchers.Remove(watcher);
                watcher.Reached.TrySetResult();
            }
        }
        await released.Task.WaitAsync(ct).ConfigureAwait(false);
    }
}
