using Nube.Contracts.Events;
using Nube.Service.Events;

namespace Nube.Service.Tests.Harness;

/// <summary>Every event the host publishes, in order, as a client of the event stream sees them.</summary>
internal sealed class EventRecorder : IAsyncDisposable
{
    private readonly Lock sync = new();
    private readonly List<HostEvent> events = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task reading;

    public EventRecorder(EventHub hub)
    {
        // From sequence 0: the hub replays what was published before this reader got going.
        reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in hub.SubscribeAsync(0, stop.Token))
                {
                    lock (sync)
                        events.Add(e);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });
    }

    public IReadOnlyList<HostEvent> All
    {
        get
        {
            lock (sync)
                return [.. events];
        }
    }

    /// <summary>One VM's events, without job progress (which comes at the operations' own pace).</summary>
    public IReadOnlyList<HostEvent> For(Guid vmId) =>
        [.. All.Where(e => e.VmId == vmId && e.Type != HostEventTypes.JobProgress)];

    /// <summary>Waits until the reader has seen <paramref name="count"/> events of a type for a VM; returns them.</summary>
    public async Task<IReadOnlyList<HostEvent>> WaitForAsync(Guid vmId, string type, int count)
    {
        IReadOnlyList<HostEvent> Matching() => [.. For(vmId).Where(e => e.Type == type)];
        await Eventually.UntilAsync(() => Matching().Count >= count, $"{count} {type} events are read");
        return Matching();
    }

    /// <summary>
    /// Every progress phase of a job, in order, once the reader has seen the job end: the job
    /// ends before the reader, which runs on its own, has read its last events.
    /// </summary>
    public async Task<IReadOnlyList<string?>> PhasesAsync(Guid jobId)
    {
        bool Read(HostEvent e) => e.Job?.Id == jobId;
        await Eventually.UntilAsync(() => All.Any(e => Read(e) && e.Type == HostEventTypes.JobEnded), "the job's end is read");
        return [.. All.Where(e => Read(e) && e.Type == HostEventTypes.JobProgress).Select(e => e.Job!.Phase).Distinct()];
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await reading.WaitAsync(Eventually.Timeout);
    }
}
