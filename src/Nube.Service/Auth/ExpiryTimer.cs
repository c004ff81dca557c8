namespace Nube.Service.Auth;

/// <summary>
/// Ends a credential when its time comes, on the host's clock, so that the WebSockets and event
/// streams it opened end with it even when no request comes to find it expired: a session at its
/// idle or absolute expiry (which moves on while the session is used: the timer looks again when
/// it fires), a token at its expiry. A timer waits at most about 49 days, so a later time is
/// reached in steps. Create it for a credential that has not expired yet.
/// </summary>
public sealed class ExpiryTimer : IDisposable
{
    private static readonly TimeSpan LongestStep = TimeSpan.FromDays(30);
    private readonly TimeProvider time;
    private readonly Func<DateTimeOffset> expiresAt;
    private readonly Action expire;
    private readonly ITimer timer;
    private volatile bool disposed;

    public ExpiryTimer(TimeProvider time, Func<DateTimeOffset> expiresAt, Action expire)
    {
        ArgumentNullException.ThrowIfNull(time);
        (this.time, this.expiresAt, this.expire) = (time, expiresAt, expire);
        timer = time.CreateTimer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Check();
    }

    public void Dispose()
    {
        disposed = true;
        timer.Dispose();
    }

    private void Check()
    {
        if (disposed)
            return;
        var left = expiresAt() - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            expire();
            return;
        }
        timer.Change(left < LongestStep ? left : LongestStep, Timeout.InfiniteTimeSpan);
    }
}
