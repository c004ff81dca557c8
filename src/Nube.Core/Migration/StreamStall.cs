namespace Nube.Core.Migration;

/// <summary>
/// Tells a move's stream that moves no byte for <see cref="Limit"/> from a slow one: the link
/// between the hosts is cut, or the other host is gone. TCP alone would wait many minutes, the
/// guest paused at the end of it or the destination's VM left waiting.
/// </summary>
public sealed class StreamStall(TimeSpan limit)
{
    /// <summary>A healthy stream, however throttled, moves a byte within this.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(15);

    private long last = -1;
    private DateTimeOffset since;

    public TimeSpan Limit { get; } = limit;

    /// <summary>True once <paramref name="bytes"/> (the stream's count so far) has not grown for the limit.</summary>
    public bool Stalled(long bytes, DateTimeOffset now)
    {
        if (bytes != last)
        {
            (last, since) = (bytes, now);
            return false;
        }
        return now - since >= Limit;
    }
}
