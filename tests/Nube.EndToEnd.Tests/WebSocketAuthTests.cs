using System.Net;
using System.Net.WebSockets;
using System.Text;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>The serial console and VNC WebSockets over TCP: authenticated, and from this host's own pages only.</summary>
public sealed class WebSocketAuthTests(ITestOutputHelper output)
{
    private const string Password = "correct horse";
    private static readonly string[] Paths = ["api/v1/vms/web1/console", "api/v1/vms/web1/vnc"];

    [Fact]
    public async Task An_upgrade_without_credentials_or_from_another_origin_is_refused_even_with_a_valid_cookie()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"http://127.0.0.1:{port}");
        await host.Client.AddUserAsync("alice", Password);
        var token = await host.Client.CreateTokenAsync(new() { Name = "script", UserName = "alice" });
        using var api = RemoteApi.Loopback(port);
        var alice = await api.SignInAsync("alice", Password);
        var bearer = new RemoteApi.Credentials(Bearer: token.Secret);

        foreach (var path in Paths)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.OpenWebSocketAsync(path)).Refused);
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.OpenWebSocketAsync(path, origin: $"http://127.0.0.1:{port}")).Refused);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.OpenWebSocketAsync(path, alice.WithoutCsrf, "https://evil.example")).Refused);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.OpenWebSocketAsync(path, alice.WithoutCsrf, $"http://127.0.0.1:{port + 1}")).Refused);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.OpenWebSocketAsync(path, alice.WithoutCsrf, $"https://127.0.0.1:{port}")).Refused);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.OpenWebSocketAsync(path, alice.WithoutCsrf, "null")).Refused);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.OpenWebSocketAsync(path, bearer, "https://evil.example")).Refused);
        }
        // Failing closed: two Origin headers (even one of them right), an empty one.
        var own = $"http://127.0.0.1:{port}";
        foreach (var origins in new[] { new[] { own, own }, [own, "https://evil.example"], [""] })
        {
            Assert.Equal(403, await UpgradeStatusAsync(port, Paths[0], alice.Cookie, origins));
            Assert.Equal(403, await UpgradeStatusAsync(port, Paths[1], alice.Cookie, origins));
        }
        Assert.Equal(404, await UpgradeStatusAsync(port, Paths[0], alice.Cookie, own));
        // Past the gate, from the same origin: the route itself answers (there is no VM 'web1').
        Assert.Equal(HttpStatusCode.NotFound, (await api.OpenWebSocketAsync(Paths[0], alice.WithoutCsrf, $"http://127.0.0.1:{port}")).Refused);
        Assert.Equal(HttpStatusCode.NotFound, (await api.OpenWebSocketAsync(Paths[0], bearer)).Refused);
    }

    [Fact]
    public async Task A_same_origin_console_works_with_the_cookie_and_ends_when_the_session_does()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"http://127.0.0.1:{port}");
        await host.Client.AddUserAsync("alice", Password);
        await host.CreateGuestVmAsync("web1");
        await host.Client.RunJobAsync("web1", "start", agentWaitSeconds: 60);
        using var api = RemoteApi.Loopback(port);
        var alice = await api.SignInAsync("alice", Password);

        var (opened, refused) = await api.OpenWebSocketAsync(Paths[0], alice.WithoutCsrf, $"http://127.0.0.1:{port}");
        Assert.Null(refused);
        using var ws = opened!;
        await ws.SendAsync(Encoding.UTF8.GetBytes("\recho browser-$((6*7))\r"), WebSocketMessageType.Binary, true, CancellationToken.None);
        Assert.Contains("browser-42", await ReadUntilAsync(ws, "browser-42"));

        using var signOut = await api.SendAsync(HttpMethod.Delete, "api/v1/session", alice.WithCsrf);
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.True(await EndsAsync(ws), "the console stayed open after its session ended");
    }

    /// <summary>The status of a WebSocket upgrade sent by hand, which can carry an Origin header twice or empty.</summary>
    private static async Task<int> UpgradeStatusAsync(int port, string path, string cookie, params string[] origins)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: {Nube.Contracts.Auth.AuthNames.SessionCookie}={cookie}\r\n");
        foreach (var origin in origins)
            head.Append($"Origin: {origin}\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return int.Parse(status!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> ReadUntilAsync(WebSocket ws, string text)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains(text, StringComparison.Ordinal))
        {
            var r = await ws.ReceiveAsync(buffer, limit.Token);
            if (r.MessageType == WebSocketMessageType.Close)
                break;
            seen.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
        }
        return seen.ToString();
    }

    private static async Task<bool> EndsAsync(WebSocket ws)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer, limit.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                    return true;
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return false;
        }
        catch (WebSocketException)
        {
            return true;
        }
    }
}
