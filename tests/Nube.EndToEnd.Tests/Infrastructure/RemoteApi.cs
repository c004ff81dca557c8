using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using Nube.Contracts;
using Nube.Contracts.Auth;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Plain HTTP against nubed's TCP listener, for what the API client hides: status codes, cookies,
/// headers. Sessions are carried by hand (a Cookie header), so that each request says exactly
/// which credentials it sends.
/// </summary>
public sealed class RemoteApi : IDisposable
{
    private readonly HttpClient http;

    public RemoteApi(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        // Never follows redirects, keeps no cookies of its own; accepts any certificate (the tests check it themselves).
        http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    /// <summary>The session cookie's name on this listener: <c>__Host-</c> over TLS.</summary>
    public string CookieName => AuthNames.SessionCookieFor(BaseAddress.Scheme == Uri.UriSchemeHttps);

    public static RemoteApi Loopback(int port, bool tls = false) => new(new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}/"));

    /// <summary>A loopback port nobody listens on (bound and let go).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public sealed record Credentials(string? Bearer = null, string? Cookie = null, string? Csrf = null);

    public sealed record SignedIn(string Cookie, SessionInfo Session)
    {
        public Credentials WithCsrf => new(Cookie: Cookie, Csrf: Session.CsrfToken);
        public Credentials WithoutCsrf => new(Cookie: Cookie);
    }

    /// <param name="headersOnly">Return once the headers are in, for a stream (the event stream) read by the caller.</param>
    /// <param name="headers">Headers sent as they are, besides those of the credentials.</param>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Credentials? as_ = null, HttpContent? body = null,
        bool headersOnly = false, string? accept = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = body };
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        if (accept is not null)
            request.Headers.Accept.ParseAdd(accept);
        if (as_?.Bearer is { } bearer)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (as_?.Cookie is { } cookie)
            request.Headers.Add("Cookie", $"{CookieName}={cookie}");
        if (as_?.Csrf is { } csrf)
            request.Headers.Add(AuthNames.CsrfHeader, csrf);
        return await http.SendAsync(request, headersOnly ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
    }

    public Task<HttpResponseMessage> GetAsync(string path, Credentials? as_ = null) => SendAsync(HttpMethod.Get, path, as_);

    public Task<HttpResponseMessage> SignInRawAsync(string user, string password) =>
        SendAsync(HttpMethod.Post, "api/v1/session", null,
            JsonContent.Create(new SignInRequest { UserName = user, Password = password }, ContractsJson.Default.SignInRequest));

    /// <summary>Signs in; fails the test unless it worked. Returns the cookie's value and the session.</summary>
    public async Task<SignedIn> SignInAsync(string user, string password)
    {
        using var response = await SignInRawAsync(user, password);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var value = setCookie.Split(';')[0];
        Assert.StartsWith($"{CookieName}=", value);
        var session = await response.Content.ReadFromJsonAsync(ContractsJson.Default.SessionInfo);
        return new SignedIn(value[(CookieName.Length + 1)..], session!);
    }

    /// <summary>The problem document of a refusal.</summary>
    public static async Task<ApiProblem> ProblemAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync(ContractsJson.Default.ApiProblem))!;

    /// <summary>
    /// Opens a WebSocket to <paramref name="path"/>; returns it, or the HTTP status that refused the upgrade.
    /// </summary>
    public async Task<(ClientWebSocket? Socket, HttpStatusCode? Refused)> OpenWebSocketAsync(string path, Credentials? as_ = null,
        string? origin = null)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        ws.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (as_?.Bearer is { } bearer)
            ws.Options.SetRequestHeader("Authorization", $"Bearer {bearer}");
        if (as_?.Cookie is { } cookie)
            ws.Options.SetRequestHeader("Cookie", $"{CookieName}={cookie}");
        if (origin is not null)
            ws.Options.SetRequestHeader("Origin", origin);
        var uri = new UriBuilder(new Uri(BaseAddress, path)) { Scheme = BaseAddress.Scheme == "https" ? "wss" : "ws" }.Uri;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await ws.ConnectAsync(uri, limit.Token);
            return (ws, null);
        }
        catch (WebSocketException)
        {
            var status = ws.HttpStatusCode;
            ws.Dispose();
            return (null, status);
        }
    }

    public void Dispose() => http.Dispose();
}
