using Nube.Core.Migration;

namespace Nube.Core.Tests.Migration;

public sealed class StreamStallTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_stream_is_stalled_only_once_no_byte_moved_for_the_whole_limit()
    {
        var stall = new StreamStall(TimeSpan.FromSeconds(15));
        Assert.False(stall.Stalled(0, T0));
        Assert.False(stall.Stalled(0, T0.AddSeconds(14)));
        Assert.True(stall.Stalled(0, T0.AddSeconds(15)));
        // One byte more starts the count again: a throttled stream is slow, not stalled.
        Assert.False(stall.Stalled(1, T0.AddSeconds(16)));
        Assert.False(stall.Stalled(1, T0.AddSeconds(30)));
        Assert.True(stall.Stalled(1, T0.AddSeconds(31)));
    }
}
