using Microsoft.Extensions.Time.Testing;
using Nube.Service.Auth;

namespace Nube.Service.Tests.Auth;

public sealed class TokenStoreTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("nube-tokens-").FullName;
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task A_token_is_kept_as_a_hash_and_found_by_its_secret()
    {
        var store = new TokenStore(dir, clock);
        var (token, secret) = await store.CreateAsync("backup", "alice", null, CancellationToken.None);

        var path = Path.Combine(dir, "tokens.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(path));
        var again = new TokenStore(dir, clock);
        Assert.Equal(token, again.Find(secret));
        Assert.Null(again.Find(secret[..^1]));
        Assert.Null(again.Find($"nube_{token.Id}_{new string('A', 43)}"));
    }

    [Fact]
    public async Task A_token_with_a_lifetime_stops_working_when_it_expires()
    {
        var store = new TokenStore(dir, clock);
        var (token, secret) = await store.CreateAsync("ci", "alice", 2, CancellationToken.None);

        Assert.Equal(clock.GetUtcNow().AddDays(2), token.ExpiresAt);
        clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.NotNull(store.Find(secret));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(store.Find(secret));
    }

    [Fact]
    public async Task The_last_use_is_written_to_the_minute()
    {
        var store = new TokenStore(dir, clock);
        var (_, secret) = await store.CreateAsync("ci", "alice", null, CancellationToken.None);
        var first = clock.GetUtcNow();

        await store.TouchAsync(store.Find(secret)!, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(30));
        await store.TouchAsync(store.Find(secret)!, CancellationToken.None);
        Assert.Equal(first, new TokenStore(dir, clock).Find(secret)!.LastUsedAt);

        clock.Advance(TimeSpan.FromSeconds(31));
        await store.TouchAsync(store.Find(secret)!, CancellationToken.None);
        Assert.Equal(clock.GetUtcNow(), new TokenStore(dir, clock).Find(secret)!.LastUsedAt);
    }

    [Fact]
    public async Task Revoking_ends_the_token_and_what_it_opened()
    {
        var store = new TokenStore(dir, clock);
        var (token, secret) = await store.CreateAsync("ci", "alice", null, CancellationToken.None);
        var opened = store.Ended(token);

        Assert.Equal(token, await store.RevokeAsync(token.Id, CancellationToken.None));

        Assert.True(opened.IsCancellationRequested);
        Assert.Null(store.Find(secret));
        Assert.Null(await store.RevokeAsync(token.Id, CancellationToken.None));
        // Asked after the revocation: already ended.
        Assert.True(store.Ended(token).IsCancellationRequested);
    }

    [Fact]
    public async Task What_a_token_opened_ends_when_the_token_expires_with_no_request_needed()
    {
        var store = new TokenStore(dir, clock);
        var (token, _) = await store.CreateAsync("ci", "alice", 2, CancellationToken.None);
        var opened = store.Ended(token);

        clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.False(opened.IsCancellationRequested);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(opened.IsCancellationRequested);
    }

    [Fact]
    public async Task A_token_expiring_years_ahead_ends_its_streams_then_and_not_before()
    {
        var store = new TokenStore(dir, clock);
        var (token, _) = await store.CreateAsync("ci", "alice", 3650, CancellationToken.None);
        var opened = store.Ended(token);

        for (var day = 0; day < 3649; day += 100)
            clock.Advance(TimeSpan.FromDays(Math.Min(100, 3649 - day)));
        Assert.False(opened.IsCancellationRequested);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.True(opened.IsCancellationRequested);
    }

    [Fact]
    public async Task A_users_tokens_go_with_it_and_no_one_elses()
    {
        var store = new TokenStore(dir, clock);
        var (_, alices) = await store.CreateAsync("a", "alice", null, CancellationToken.None);
        var (_, alices2) = await store.CreateAsync("b", "alice", null, CancellationToken.None);
        var (_, bobs) = await store.CreateAsync("c", "bob", null, CancellationToken.None);

        Assert.Equal(2, await store.RevokeAllOfAsync("alice", CancellationToken.None));

        Assert.Null(store.Find(alices));
        Assert.Null(store.Find(alices2));
        Assert.NotNull(store.Find(bobs));
    }
}
