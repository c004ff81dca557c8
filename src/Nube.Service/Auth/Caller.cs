namespace Nube.Service.Auth;

/// <summary>Who sent a request, as the authentication gate found; endpoints read it with <see cref="Of"/>.</summary>
public sealed record Caller(CallerKind Kind, string? UserName = null, Session? Session = null, StoredToken? Token = null)
{
    public static readonly Caller Socket = new(CallerKind.Socket);
    public static readonly Caller LegacyToken = new(CallerKind.LegacyToken);
    public static readonly Caller Anonymous = new(CallerKind.Anonymous);

    /// <summary>The caller of a request that passed the gate, which names one for every request.</summary>
    public static Caller Of(HttpContext http) =>
        http.Features.Get<Caller>() ?? throw new InvalidOperationException("The authentication gate did not name the request's caller.");
}
