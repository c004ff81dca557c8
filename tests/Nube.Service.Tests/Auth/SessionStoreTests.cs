using Microsoft.Extensions.Time.Testing;
using Nube.Service.Auth;

namespace Nube.Service.Tests.Auth;

public sealed class SessionStoreTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_session_is_found_by_its_cookie_with_its_own_csrf_token()
    {
        var store = new SessionStore(clock);
        var (session, cookie) = store.Start("alice");
        var (other, otherCookie) = store.Start("alice");

        Assert.Same(session, store.Find(cookie));
        Assert.Same(other, store.Find(otherCookie));
        Assert.NotEqual(session.CsrfToken, other.CsrfToken);
        Assert.NotEqual(cookie, session.Key);
        Assert.Null(store.Find(cookie + "x"));
        Assert.Equal(clock.GetUtcNow() + SessionStore.IdleTimeout, session.ExpiresAt);
    }

    [Fact]
    public void Use_keeps_a_session_alive_for_another_idle_timeout()
    {
        var store = new SessionStore(clock);
        var (session, cookie) = store.Start("alice");

        clock.Advance(SessionStore.IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.Same(session, store.Find(cookie));
        clock.Advance(SessionStore.IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.Same(session, store.Find(cookie));
        Assert.Equal(clock.GetUtcNow() + SessionStore.IdleTimeout, session.ExpiresAt);
    }

    [Fact]
    public void An_idle_session_ends_and_aborts_what_it_opened()
    {
        var store = new SessionStore(clock);
        var (session, cookie) = store.Start("alice");

        clock.Advance(SessionStore.IdleTimeout);

        Assert.Null(store.Find(cookie));
        Assert.True(session.Ended.IsCancellationRequested);
    }

    [Fact]
    public void An_idle_session_ends_on_its_own_with_what_it_opened_and_use_puts_that_off()
    {
        var store = new SessionStore(clock);
        var (session, cookie) = store.Start("alice");

        clock.Advance(SessionStore.IdleTimeout - TimeSpan.FromMinutes(1));
        Assert.Same(session, store.Find(cookie));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(session.Ended.IsCancellationRequested);

        // An open event stream is no request: an hour after the last one, the session ends by itself.
        clock.Advance(SessionStore.IdleTimeout - TimeSpan.FromMinutes(2));
        Assert.True(session.Ended.IsCancellationRequested);
        Assert.Null(store.Find(cookie));
    }

    [Fact]
    public void A_busy_session_ends_on_its_own_at_the_absolute_limit()
    {
        var store = new SessionStore(clock);
        var (session, cookie) = store.Start("alice");
        for (var used = TimeSpan.Zero; used < SessionStore.AbsoluteLimit - TimeSpan.FromMinutes(30); used += TimeSpan.FromMinutes(30))
        {
            clock.Advance(TimeSpan.FromMinutes(30));
            Assert.Same(session, store.Find(cookie));
        }
        clock.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(1));
        Assert.False(session.Ended.IsCancellationRequested);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(session.Ended.IsCancellationRequested);
    }

    [Fact]
    public void Even_a_busy_session_ends_at_the_absolute_limit()
    {
        var store = new SessionStore(clock);
        var (session, cookie) = store.Start("alice");
        var start = clock.GetUtcNow();
        while (clock.GetUtcNow() - start < SessionStore.AbsoluteLimit - TimeSpan.FromMinutes(30))
        {
            clock.Advance(TimeSpan.FromMinutes(30));
            Assert.Same(session, store.Find(cookie));
        }
        Assert.Equal(start + SessionStore.AbsoluteLimit, session.ExpiresAt);

        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(store.Find(cookie));
    }

    [Fact]
    public void Ending_a_users_sessions_can_spare_the_one_that_asked()
    {
        var store = new SessionStore(clock);
        var (asking, askingCookie) = store.Start("alice");
        var (other, otherCookie) = store.Start("alice");
        var (bobs, bobsCookie) = store.Start("bob");

        Assert.Equal(1, store.EndAllOf("alice", asking));

        Assert.Same(asking, store.Find(askingCookie));
        Assert.Null(store.Find(otherCookie));
        Assert.True(other.IsEnded);
        Assert.Same(bobs, store.Find(bobsCookie));
    }

    [Fact]
    public void A_user_keeps_a_bounded_number_of_sessions_the_oldest_going_first()
    {
        var store = new SessionStore(clock);
        var cookies = new List<string>();
        for (var i = 0; i < SessionStore.MaxPerUser + 2; i++)
        {
            cookies.Add(store.Start("alice").Cookie);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Null(store.Find(cookies[0]));
        Assert.Null(store.Find(cookies[1]));
        Assert.All(cookies.Skip(2), c => Assert.NotNull(store.Find(c)));
    }
}
