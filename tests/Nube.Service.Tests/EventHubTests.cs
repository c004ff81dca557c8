using Nube.Contracts.Events;
using Nube.Service.Events;
using Nube.Service.Tests.Harness;

namespace Nube.Service.Tests;

/// <summary>The event stream's own rules: numbering, resuming with Last-Event-ID, and slow readers.</summary>
public sealed class EventHubTests
{
    [Fact]
    public async Task A_reader_that_resumes_gets_what_it_missed_then_what_comes()
    {
        var hub = new EventHub(TimeProvider.System, Guid.NewGuid());
        for (var i = 0; i < 3; i++)
            hub.Publish(Event("vm-state-changed"));

        using var stop = new CancellationTokenSource();
        var seen = new List<long>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in hub.SubscribeAsync(after: 1, stop.Token))
            {
                seen.Add(e.Sequence);
                if (seen.Count == 3)
                    return;
            }
        });
        await Eventually.UntilAsync(() => seen.Count == 2, "the missed events");
        hub.Publish(Event("job-ended"));
        await reading.Within("the live event");

        Assert.Equal([2L, 3L, 4L], seen);
    }

    [Fact]
    public async Task A_reader_that_resumes_too_late_is_told_it_missed_events()
    {
        var hub = new EventHub(TimeProvider.System, Guid.NewGuid());
        for (var i = 0; i < EventHub.ReplayCapacity + 10; i++)
            hub.Publish(Event("job-progress"));

        using var stop = new CancellationTokenSource();
        await using var events = hub.SubscribeAsync(after: 3, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(HostEventTypes.Overflow, events.Current.Type);
        Assert.Equal(4, events.Current.Sequence);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(11, events.Current.Sequence);
    }

    [Fact]
    public async Task A_reader_that_falls_behind_is_dropped_and_nobody_waits_for_it()
    {
        var hub = new EventHub(TimeProvider.System, Guid.NewGuid());
        using var stop = new CancellationTokenSource();
        await using var slow = hub.SubscribeAsync(after: null, stop.Token).GetAsyncEnumerator(stop.Token);
        var subscribing = slow.MoveNextAsync().AsTask();
        hub.Publish(Event("job-progress"));
        Assert.True(await subscribing.Within("the first event"));

        // Publishing never blocks, however many events the reader leaves unread.
        for (var i = 0; i < EventHub.SubscriberCapacity + 5; i++)
            hub.Publish(Event("job-progress"));

        var dropped = await Assert.ThrowsAsync<EventStreamOverflowException>(async () =>
        {
            while (await slow.MoveNextAsync())
            {
            }
        });
        Assert.Equal(EventHub.SubscriberCapacity + 2, dropped.Sequence);
    }

    private static HostEvent Event(string type) => new() { Sequence = 0, Type = type, Time = DateTimeOffset.UnixEpoch };
}
