using System.Threading.Channels;
using Nube.Contracts.Events;

namespace Nube.Service.Events;

/// <summary>
/// The host's one event stream. Each event gets the next sequence number; recent events are
/// kept so a client that reconnects with Last-Event-ID misses nothing; each subscriber has its
/// own bounded queue, and one that falls too far behind is told so (overflow) and dropped
/// rather than slowing the VMs' controllers down. Every event carries the host's id.
/// </summary>
public sealed class EventHub(TimeProvider clock, Guid hostId)
{
    public Guid HostId => hostId;

    public const int ReplayCapacity = 512;
    public const int SubscriberCapacity = 1024;

    private readonly Lock gate = new();
    private readonly Queue<HostEvent> recent = new();
    private readonly List<Channel<HostEvent>> subscribers = [];
    private long sequence;

    /// <summary>Stamps the event with the next sequence number and sends it to every subscriber.</summary>
    public HostEvent Publish(HostEvent e)
    {
        lock (gate)
        {
            var stamped = e with { Sequence = ++sequence, HostId = hostId };
            recent.Enqueue(stamped);
            if (recent.Count > ReplayCapacity)
                recent.Dequeue();
            foreach (var subscriber in subscribers.ToList())
            {
                if (subscriber.Writer.TryWrite(stamped))
                    continue;
                subscribers.Remove(subscriber);
                subscriber.Writer.TryComplete(new EventStreamOverflowException(stamped.Sequence));
            }
            return stamped;
        }
    }

    /// <summary>
    /// Events from now on, after those kept since <paramref name="after"/> (when given). The
    /// stream ends with <see cref="EventStreamOverflowException"/> if the reader falls behind.
    /// </summary>
    public async IAsyncEnumerable<HostEvent> SubscribeAsync(long? after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<HostEvent>(new BoundedChannelOptions(SubscriberCapacity) { SingleReader = true });
        HostEvent[] replay;
        lock (gate)
        {
            replay = after is { } a ? [.. recent.Where(e => e.Sequence > a)] : [];
            if (after is { } first && recent.TryPeek(out var oldest) && oldest.Sequence > first + 1)
                replay = [Overflow(first + 1), .. replay];
            subscribers.Add(channel);
        }
        try
        {
            foreach (var e in replay)
                yield return e;
            await foreach (var e in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            lock (gate)
                subscribers.Remove(channel);
        }
    }

    /// <summary>What a client gets in place of the events it missed.</summary>
    public HostEvent Overflow(long missedFrom) => new()
    {
        Sequence = missedFrom, Type = HostEventTypes.Overflow, Time = clock.GetUtcNow(), HostId = hostId,
    };
}
