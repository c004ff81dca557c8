using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Nube.Service.Auth;

/// <summary>
/// The browsers' sessions, in memory. The cookie carries 32 random bytes; the store keys a session
/// by their SHA-256, so that a lookup compares hashes, not secrets. Each session ends at its expiry
/// on its own timer, taking its open streams with it.
/// </summary>
public sealed class SessionStore(TimeProvider time)
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(1);
    public static readonly TimeSpan AbsoluteLimit = TimeSpan.FromHours(12);
    /// <summary>A user signing in again and again keeps this many sessions; the oldest goes first.</summary>
    public const int MaxPerUser = 32;

    private readonly ConcurrentDictionary<string, Session> sessions = new(StringComparer.Ordinal);

    /// <summary>Starts a session; returns it and the cookie's value.</summary>
    public (Session Session, string Cookie) Start(string userName)
    {
        var now = time.GetUtcNow();
        foreach (var stale in sessions.Values.Where(s => s.ExpiresAt <= now))
            End(stale);
        foreach (var oldest in sessions.Values.Where(s => s.UserName == userName).OrderByDescending(s => s.CreatedAt).Skip(MaxPerUser - 1))
            End(oldest);
        var cookie = TokenSecret.Base64Url(RandomNumberGenerator.GetBytes(32));
        var session = new Session(KeyOf(cookie), userName, TokenSecret.Base64Url(RandomNumberGenerator.GetBytes(32)), now);
        sessions[session.Key] = session;
        session.Expiry = new ExpiryTimer(time, () => session.ExpiresAt, () => End(session));
        return (session, cookie);
    }

    /// <summary>The live session of this cookie, its idle time restarted; null when there is none or it expired.</summary>
    public Session? Find(string cookie)
    {
        if (!sessions.TryGetValue(KeyOf(cookie), out var session))
            return null;
        var now = time.GetUtcNow();
        if (session.ExpiresAt <= now)
        {
            End(session);
            return null;
        }
        session.Touch(now);
        return session;
    }

    public void End(Session session)
    {
        sessions.TryRemove(new(session.Key, session));
        session.End();
    }

    /// <summary>Ends every session of a user, but <paramref name="except"/> (the one that asked, when a user changes its own password).</summary>
    public int EndAllOf(string userName, Session? except = null)
    {
        var theirs = sessions.Values.Where(s => s.UserName == userName && s != except).ToList();
        theirs.ForEach(End);
        return theirs.Count;
    }

    private static string KeyOf(string cookie) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cookie)));
}
