using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Nube.Contracts.Client;

namespace Nube.Bench;

/// <summary>
/// Runs shell commands in the test guest through its serial console (nubed's console WebSocket),
/// as the end-to-end tests do: the guest agent's channel belongs to nubed.
/// </summary>
public static class GuestConsole
{
    /// <summary>Runs <paramref name="command"/> and returns what it printed; throws unless it exited 0 within the timeout.</summary>
    public static async Task<string> RunAsync(NubeApiClient client, string vm, string command, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        using var ws = await client.OpenConsoleAsync(vm, limit.Token);
        var tag = Guid.NewGuid().ToString("N")[..8];
        // The quotes keep the echoed command line from matching the markers the output carries.
        await SendAsync(ws, "\r", limit.Token);
        await SendAsync(ws, $"echo N''BENCH-{tag}-B; {{ {command} ; }} 2>&1; echo N''BENCH-{tag}-E$?\r", limit.Token);
        var end = new Regex($@"NBENCH-{tag}-E(\d+)");
        var seen = new StringBuilder();
        var buffer = new byte[8192];
        var tail = "";
        try
        {
            while (!end.IsMatch(tail))
            {
                var r = await ws.ReceiveAsync(buffer, limit.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                    throw new InvalidOperationException($"The console of '{vm}' closed before '{command}' finished: {seen}");
                var chunk = Encoding.UTF8.GetString(buffer, 0, r.Count);
                seen.Append(chunk);
                tail = (tail + chunk)[Math.Max(0, tail.Length + chunk.Length - 256)..];
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"'{command}' in the guest of '{vm}' did not finish within {timeout.TotalSeconds:0} s; the console showed: {Tail(seen.ToString(), 600)}");
        }
        var text = seen.ToString().Replace("\r", "");
        var begin = $"NBENCH-{tag}-B\n";
        var startAt = text.IndexOf(begin, StringComparison.Ordinal);
        var match = end.Match(text);
        var output = startAt >= 0 && match.Index >= startAt + begin.Length ? text[(startAt + begin.Length)..match.Index] : text;
        try { await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException) { }
        return match.Groups[1].Value == "0"
            ? output
            : throw new InvalidOperationException($"'{command}' in the guest of '{vm}' exited with {match.Groups[1].Value}: {Tail(output, 600)}");
    }

    private static string Tail(string s, int n) => s.Length <= n ? s : "..." + s[^n..];

    private static Task SendAsync(WebSocket ws, string text, CancellationToken ct) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, true, ct);
}
