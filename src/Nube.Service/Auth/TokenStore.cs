using System.Collections.Immutable;
using Nube.Contracts.Auth;
using Nube.Core.Serialization;

namespace Nube.Service.Auth;

/// <summary>
/// API tokens in <c>&lt;data&gt;/tokens.json</c> (0600). A token acts as its user; revoking it,
/// removing its user or its expiry ends it at once, including the WebSockets and event streams it opened.
/// </summary>
public sealed class TokenStore
{
    /// <summary>The last use is written at most this often: to the minute is enough to tell a token in use from a forgotten one.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly SecretListFile<StoredToken> file;
    private readonly TimeProvider time;
    /// <summary>Tokens in use by id, with what ends them; guarded by itself.</summary>
    private readonly Dictionary<string, TokenEnd> ends = new(StringComparer.Ordinal);

    public TokenStore(string dataDirectory, TimeProvider time)
    {
        var path = Path.Combine(dataDirectory, "tokens.json");
        file = new SecretListFile<StoredToken>(path,
            json => ConfigDocument.Parse<TokenDocument>(json, TokenDocument.CurrentSchemaVersion, path).Tokens,
            tokens => ConfigDocument.Write(new TokenDocument { Tokens = tokens }));
        this.time = time;
    }

    public ImmutableArray<StoredToken> All => file.Items;

    /// <summary>Makes a token (checked by <see cref="Nube.Core.Validation.TokenRules"/>); the secret is returned here and never again.</summary>
    public Task<(StoredToken Token, string Secret)> CreateAsync(string name, string userName, int? expiresInDays, CancellationToken ct) =>
        file.ChangeAsync(tokens =>
        {
            var id = TokenSecret.NewId();
            while (tokens.Any(t => t.Id == id))
                id = TokenSecret.NewId();
            var secret = TokenSecret.Make(id);
            var now = time.GetUtcNow();
            var token = new StoredToken
            {
                Id = id, Name = name, UserName = userName, SecretHash = TokenSecret.HashOf(secret), CreatedAt = now,
                ExpiresAt = expiresInDays is { } days ? now.AddDays(days) : null,
            };
            return (tokens.Add(token), (token, secret));
        }, ct);

    /// <summary>The unexpired token whose secret this is, or null.</summary>
    public StoredToken? Find(string secret)
    {
        if (TokenSecret.IdOf(secret) is not { } id || file.Items.FirstOrDefault(t => t.Id == id) is not { } token)
            return null;
        if (!TokenSecret.Matches(secret, token.SecretHash) || token.ExpiresAt <= time.GetUtcNow())
            return null;
        return token;
    }

    /// <summary>Notes that a token was used, writing it out at most once per <see cref="LastUsedResolution"/>.</summary>
    public async Task TouchAsync(StoredToken token, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (token.LastUsedAt is { } last && now - last < LastUsedResolution)
            return;
        await file.ChangeAsync(tokens => tokens.FirstOrDefault(t => t.Id == token.Id) is { } stored
            ? (tokens.Replace(stored, stored with { LastUsedAt = now }), true)
            : (tokens, false), ct).ConfigureAwait(false);
    }

    /// <summary>Cancelled when the token is revoked or expires: what it opened ends with it.</summary>
    public CancellationToken Ended(StoredToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        TokenEnd? end;
        lock (ends)
        {
            if (!ends.TryGetValue(token.Id, out end))
            {
                end = new TokenEnd();
                ends[token.Id] = end;
                if (token.ExpiresAt is { } expiresAt)
                    end.Expiry = new ExpiryTimer(time, () => expiresAt, () => End(token.Id));
            }
        }
        // Revoked between the caller's check and now: the revocation has passed this source by.
        if (!file.Items.Any(t => t.Id == token.Id))
            End(token.Id);
        return end.Source.Token;
    }

    /// <summary>Revokes a token; null when there is none with that id.</summary>
    public async Task<StoredToken?> RevokeAsync(string id, CancellationToken ct)
    {
        var removed = await file.ChangeAsync(tokens => tokens.FirstOrDefault(t => t.Id == id) is { } token
            ? (tokens.Remove(token), token)
            : (tokens, (StoredToken?)null), ct).ConfigureAwait(false);
        if (removed is not null)
            End(removed.Id);
        return removed;
    }

    /// <summary>Revokes every token of a user (who is being removed).</summary>
    public async Task<int> RevokeAllOfAsync(string userName, CancellationToken ct)
    {
        var removed = await file.ChangeAsync(tokens =>
        {
            var theirs = tokens.Where(t => t.UserName == userName).ToList();
            return (theirs.Count == 0 ? tokens : tokens.RemoveRange(theirs), theirs);
        }, ct).ConfigureAwait(false);
        foreach (var token in removed)
            End(token.Id);
        return removed.Count;
    }

    public static TokenInfo ToInfo(StoredToken token) => new()
    {
        Id = token.Id, Name = token.Name, UserName = token.UserName, CreatedAt = token.CreatedAt,
        ExpiresAt = token.ExpiresAt, LastUsedAt = token.LastUsedAt,
    };

    private void End(string id)
    {
        TokenEnd? end;
        lock (ends)
            ends.Remove(id, out end);
        end?.Expiry?.Dispose();
        // Not disposed: a request may be reading its token right now; a source without a timer needs no disposal.
        end?.Source.Cancel();
    }

    private sealed class TokenEnd
    {
        public CancellationTokenSource Source { get; } = new();
        public ExpiryTimer? Expiry { get; set; }
    }
}
