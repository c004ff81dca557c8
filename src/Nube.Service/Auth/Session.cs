namespace Nube.Service.Auth;

/// <summary>
/// A signed-in browser. It lives in nubed's memory only: a restart of nubed signs everyone out.
/// It ends after <see cref="SessionStore.IdleTimeout"/> without a request, after
/// <see cref="SessionStore.AbsoluteLimit"/> in any case (its <see cref="Expiry"/> ends it then, with
/// no request needed), or when it is ended (sign-out, its user removed or given a new password);
/// ending it aborts what it still has open.
/// </summary>
public sealed class Session
{
    private readonly CancellationTokenSource ended = new();
    private long lastSeenTicks;

    public Session(string key, string userName, string csrfToken, DateTimeOffset createdAt)
    {
        Key = key;
        UserName = userName;
        CsrfToken = csrfToken;
        CreatedAt = createdAt;
        lastSeenTicks = createdAt.UtcTicks;
    }

    /// <summary>The hash of the cookie's value, by which the store finds it.</summary>
    public string Key { get; }
    public string UserName { get; }
    /// <summary>What a state change in this session must send in <c>X-Nube-Csrf</c>.</summary>
    public string CsrfToken { get; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset LastSeen => new(Interlocked.Read(ref lastSeenTicks), TimeSpan.Zero);
    public CancellationToken Ended => ended.Token;
    public bool IsEnded => ended.IsCancellationRequested;

    /// <summary>When it ends unless used again.</summary>
    public DateTimeOffset ExpiresAt
    {
        get
        {
            var idle = LastSeen + SessionStore.IdleTimeout;
            var absolute = CreatedAt + SessionStore.AbsoluteLimit;
            return idle < absolute ? idle : absolute;
        }
    }

    /// <summary>Ends the session at <see cref="ExpiresAt"/>; set by the store that started it.</summary>
    internal ExpiryTimer? Expiry { get; set; }

    internal void Touch(DateTimeOffset now) => Interlocked.Exchange(ref lastSeenTicks, now.UtcTicks);

    /// <summary>Not disposed: requests may still be reading <see cref="Ended"/>; a source without a timer needs no disposal.</summary>
    internal void End()
    {
        Expiry?.Dispose();
        ended.Cancel();
    }
}
