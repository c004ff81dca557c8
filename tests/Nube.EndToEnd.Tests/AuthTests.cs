using System.Net;
using System.Net.Http.Json;
using Nube.Contracts;
using Nube.Contracts.Auth;
using Nube.Contracts.Client;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Users, sessions and API tokens over the TCP listener, against a real nubed.</summary>
public sealed class AuthTests(ITestOutputHelper output)
{
    private const string Password = "correct horse";

    private static async Task<(NubedHost Host, RemoteApi Api)> StartAsync(ITestOutputHelper output, params string[] extraArgs)
    {
        var port = RemoteApi.FreePort();
        var host = await NubedHost.StartAsync(output, ["--listen", $"http://127.0.0.1:{port}", .. extraArgs]);
        await host.Client.AddUserAsync("alice", Password);
        return (host, RemoteApi.Loopback(port));
    }

    [Fact]
    public async Task Signing_in_sets_a_strict_http_only_cookie_and_gives_the_csrf_token()
    {
        var (host, api) = await StartAsync(output);
        await using var _ = host;
        using var __ = api;

        using var response = await api.SignInRawAsync("alice", Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Matches("^nube_session=[A-Za-z0-9_-]{43}; path=/; samesite=strict; httponly$", cookie);
        var session = (await response.Content.ReadFromJsonAsync(ContractsJson.Default.SessionInfo))!;
        Assert.Equal("alice", session.UserName);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", session.CsrfToken);
        Assert.InRange(session.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));

        var signedIn = new RemoteApi.Credentials(Cookie: cookie.Split(';')[0]["nube_session=".Length..]);
        using var whoami = await api.GetAsync("api/v1/session", signedIn);
        Assert.Equal(session, (await whoami.Content.ReadFromJsonAsync(ContractsJson.Default.SessionInfo))! with { ExpiresAt = session.ExpiresAt });
        Assert.NotNull((await host.Client.ListUsersAsync()).Single().LastSignInAt);
        // An answer the exception handler writes (a VM that is not there) carries the same headers.
        using (var missing = await api.GetAsync("api/v1/vms/not-there", signedIn))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("no-store", missing.Headers.CacheControl?.ToString());
            Assert.Equal("nosniff", Assert.Single(missing.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(missing.Headers.GetValues("X-Frame-Options")));
        }

        using var signOut = await api.SendAsync(HttpMethod.Delete, "api/v1/session", signedIn with { Csrf = session.CsrfToken });
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        using var after = await api.GetAsync("api/v1/session", signedIn);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("The session has ended (signed out, expired, its user removed or given a new password, or nubed restarted): sign in again.",
            (await RemoteApi.ProblemAsync(after)).Detail);
    }

    [Fact]
    public async Task Over_tls_the_session_cookie_is_a_secure_host_cookie_and_a_plain_one_is_not_taken()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"https://127.0.0.1:{port}");
        await host.Client.AddUserAsync("alice", Password);
        using var api = RemoteApi.Loopback(port, tls: true);

        using var response = await api.SignInRawAsync("alice", Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Matches("^__Host-nube_session=[A-Za-z0-9_-]{43}; path=/; secure; samesite=strict; httponly$", cookie);
        var value = cookie.Split(';')[0]["__Host-nube_session=".Length..];
        using (var signedIn = await api.GetAsync("api/v1/host", new RemoteApi.Credentials(Cookie: value)))
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        // The same session under the plain name, as a page over HTTP could have planted it, is nobody's.
        using var plain = await api.SendAsync(HttpMethod.Get, "api/v1/host", body: null, headers: ("Cookie", $"nube_session={value}"));
        Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
    }

    [Fact]
    public async Task A_wrong_name_and_a_wrong_password_are_refused_alike_and_guessing_is_rate_limited()
    {
        var (host, api) = await StartAsync(output);
        await using var _ = host;
        using var __ = api;
        await host.Client.AddUserAsync("bob", Password);

        using var unknown = await api.SignInRawAsync("mallory", Password);
        var unknownBody = await unknown.Content.ReadAsStringAsync();
        var problems = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await api.SignInRawAsync("alice", $"guess number {i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            problems.Add(await wrong.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("The user name or the password is not right.", unknownBody);
        Assert.All(problems, p => Assert.Equal(unknownBody, p));

        // The sixth attempt in the minute is refused before the password is looked at, even the right one.
        using var limited = await api.SignInRawAsync("alice", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal($"Too many sign-in attempts for this user name or from this address; try again in {retryAfter} s.",
            (await RemoteApi.ProblemAsync(limited)).Detail);
        // Another user is not locked out by alice's guesser.
        await api.SignInAsync("bob", Password);
    }

    [Fact]
    public async Task A_malformed_or_oversized_sign_in_is_refused_naming_the_field_and_counts_against_the_address()
    {
        var (host, api) = await StartAsync(output);
        await using var _ = host;
        using var __ = api;

        using var nullName = await SignInBodyAsync(api, """{"userName": null, "password": "correct horse"}""");
        Assert.Equal(HttpStatusCode.BadRequest, nullName.StatusCode);
        var problem = await RemoteApi.ProblemAsync(nullName);
        Assert.Equal("userName: null is not a string", problem.Detail);
        Assert.Equal(new ApiFieldError("userName", "null", "userName: null is not a string"), Assert.Single(problem.Errors!));
        var mebibyte = $$"""{"userName": "alice", "password": "{{new string('x', 1024 * 1024)}}"}""";
        var oversized = await DeclaredBody.SendAsync(DeclaredBody.Tcp(api.BaseAddress.Port), "POST", "api/v1/session", mebibyte);
        Assert.Equal(413, oversized.Status);
        Assert.Contains($"body: {mebibyte.Length} bytes exceed the limit of 4096 bytes of this request", oversized.Text);
        using var broken = await SignInBodyAsync(api, """{"userName": "alice", """);
        Assert.Equal("body: not valid JSON at line 1, byte 23", (await RemoteApi.ProblemAsync(broken)).Detail);
        // One line each in the log, no stack trace.
        Assert.Contains("Refused POST /api/v1/session from 127.0.0.1 with 400: userName", host.Log);
        Assert.DoesNotContain("Exception", host.Log);
        Assert.DoesNotContain("   at ", host.Log);

        // The three refused attempts counted: the address has 17 left in this minute.
        for (var i = 0; i < Nube.Service.Auth.SignInLimiter.PerAddressPerMinute - 3; i++)
        {
            using var malformed = await SignInBodyAsync(api, "[]");
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }
        using var limited = await api.SignInRawAsync("alice", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    [Fact]
    public async Task A_user_removed_mid_session_loses_its_cookie_its_tokens_and_its_open_event_stream_at_once()
    {
        var (host, api) = await StartAsync(output);
        await using var _ = host;
        using var __ = api;
        var alice = await api.SignInAsync("alice", Password);
        using var tokenMade = await api.SendAsync(HttpMethod.Post, "api/v1/tokens", alice.WithCsrf,
            JsonContent.Create(new NewTokenRequest { Name = "script" }, ContractsJson.Default.NewTokenRequest));
        Assert.Equal(HttpStatusCode.Created, tokenMade.StatusCode);
        var token = (await tokenMade.Content.ReadFromJsonAsync(ContractsJson.Default.NewToken))!;
        Assert.Equal("alice", token.Token.UserName);
        var bearer = new RemoteApi.Credentials(Bearer: token.Secret);
        using (var withToken = await api.GetAsync("api/v1/host", bearer))
            Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        // An event stream sends its headers at once, before any event happens.
        using var events = await api.SendAsync(HttpMethod.Get, "api/v1/events", alice.WithoutCsrf, headersOnly: true, accept: "text/event-stream")
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        await using var stream = await events.Content.ReadAsStreamAsync();

        await host.Client.RemoveUserAsync("alice");

        using var cookie = await api.GetAsync("api/v1/host", alice.WithoutCsrf);
        Assert.Equal(HttpStatusCode.Unauthorized, cookie.StatusCode);
        using var tokenAfter = await api.GetAsync("api/v1/host", bearer);
        Assert.Equal(HttpStatusCode.Unauthorized, tokenAfter.StatusCode);
        Assert.Equal("The bearer token is not valid: revoked, expired, of a removed user, or mistyped.",
            (await RemoteApi.ProblemAsync(tokenAfter)).Detail);
        Assert.Empty(await host.Client.ListTokensAsync());
        Assert.True(await EndsAsync(stream), "the event stream opened with the session was still open");
        // A new user of the same name is a new user: nothing of the old one works for it.
        await host.Client.AddUserAsync("alice", "another password");
        using var cookieAgain = await api.GetAsync("api/v1/host", alice.WithoutCsrf);
        Assert.Equal(HttpStatusCode.Unauthorized, cookieAgain.StatusCode);
    }

    [Fact]
    public async Task A_new_password_ends_the_users_other_sessions_but_not_the_one_that_changed_it_nor_its_tokens()
    {
        var (host, api) = await StartAsync(output);
        await using var _ = host;
        using var __ = api;
        var here = await api.SignInAsync("alice", Password);
        var elsewhere = await api.SignInAsync("alice", Password);
        var token = await host.Client.CreateTokenAsync(new NewTokenRequest { Name = "script", UserName = "alice" });

        using var changed = await api.SendAsync(HttpMethod.Put, "api/v1/users/alice/password", here.WithCsrf,
            JsonContent.Create(new PasswordRequest { Password = "battery staple" }, ContractsJson.Default.PasswordRequest));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        using (var stays = await api.GetAsync("api/v1/host", here.WithoutCsrf))
            Assert.Equal(HttpStatusCode.OK, stays.StatusCode);
        using (var ended = await api.GetAsync("api/v1/host", elsewhere.WithoutCsrf))
            Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        using (var tokenStays = await api.GetAsync("api/v1/host", new RemoteApi.Credentials(Bearer: token.Secret)))
            Assert.Equal(HttpStatusCode.OK, tokenStays.StatusCode);
        using var oldPassword = await api.SignInRawAsync("alice", Password);
        Assert.Equal(HttpStatusCode.Unauthorized, oldPassword.StatusCode);
        await api.SignInAsync("alice", "battery staple");
    }

    [Fact]
    public async Task A_revoked_or_expired_looking_token_is_refused_and_the_legacy_token_file_still_works()
    {
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, "legacy-token\n");
        try
        {
            var (host, api) = await StartAsync(output, "--token-file", tokenFile);
            await using var _ = host;
            using var __ = api;
            var legacy = new RemoteApi.Credentials(Bearer: "legacy-token");
            // The legacy token acts for no user: a token it makes must name one.
            using var nameless = await api.SendAsync(HttpMethod.Post, "api/v1/tokens", legacy,
                JsonContent.Create(new NewTokenRequest { Name = "ci" }, ContractsJson.Default.NewTokenRequest));
            Assert.Equal(HttpStatusCode.BadRequest, nameless.StatusCode);
            Assert.Equal("userName: missing; name the user the token acts as (the UNIX socket and the token file act for no user)",
                (await RemoteApi.ProblemAsync(nameless)).Detail);
            using var made = await api.SendAsync(HttpMethod.Post, "api/v1/tokens", legacy,
                JsonContent.Create(new NewTokenRequest { Name = "ci", UserName = "alice", ExpiresInDays = 7 }, ContractsJson.Default.NewTokenRequest));
            var token = (await made.Content.ReadFromJsonAsync(ContractsJson.Default.NewToken))!;

            using var client = NubeApiClient.ForUrl(api.BaseAddress, token.Secret);
            Assert.Equal("nube", (await client.GetHostAsync()).Edition);
            Assert.NotNull((await host.Client.ListTokensAsync()).Single().LastUsedAt);
            await host.Client.RevokeTokenAsync(token.Token.Id);
            var refused = await Assert.ThrowsAsync<NubeApiException>(() => client.GetHostAsync());
            Assert.Equal(401, refused.Status);
            using var tampered = await api.GetAsync("api/v1/host", new RemoteApi.Credentials(Bearer: token.Secret[..^2] + "AA"));
            Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);

            using var legacyClient = NubeApiClient.ForUrl(api.BaseAddress, "legacy-token");
            Assert.Equal("nube", (await legacyClient.GetHostAsync()).Edition);
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    private static Task<HttpResponseMessage> SignInBodyAsync(RemoteApi api, string json) =>
        api.SendAsync(HttpMethod.Post, "api/v1/session", body: new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>Whether the stream ends (or breaks) within a bounded wait.</summary>
    private static async Task<bool> EndsAsync(Stream stream)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, limit.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return true;
        }
    }
}
