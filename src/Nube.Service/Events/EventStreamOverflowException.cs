namespace Nube.Service.Events;

/// <summary>A subscriber fell so far behind that events for it were dropped.</summary>
public sealed class EventStreamOverflowException(long sequence)
    : Exception($"The event stream dropped events from {sequence} on: the reader fell behind.")
{
    public long Sequence { get; } = sequence;
}
